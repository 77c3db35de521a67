"""The case REST API's workflow door: POST /api/v1/cases/<pk>/actions/<action>."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_appbuilder.api import expose, protect, safe
from flask_appbuilder.security.decorators import permission_name
from flask_babel import gettext

from console.api import load_record
from console.errors import ConsoleError
from models import Case
from workflow import registration
from workflow.params import openapi_schema
from workflow.service import Actor, execute
from workflow.transitions import TRANSITIONS


class CaseApiMixin:
    """Mixed into the generated CaseApi: registration, corrections and workflow actions."""

    extra_routes = ("action",)

    def create_item(self, data: dict) -> Case:
        case = load_record(self.add_model_schema, data)
        return registration.register_case(case, Actor.current("api"))

    def update_item(self, item: Case, data: dict) -> Case:
        registration.check_editable(item)
        item = load_record(self.edit_model_schema, data, instance=item, partial=True)
        registration.record_update(item, Actor.current("api"), registration.changed_fields(item))
        self.datamodel.session.commit()
        return item

    @expose("/<int:pk>/actions/<action>", methods=["POST"])
    @protect()
    @safe
    @permission_name("show")
    def action(self, pk: int, action: str) -> Any:
        """Run a workflow action; the body carries its fields, `note` and `version`."""
        body = request.get_json(silent=True) if request.is_json else None
        if not isinstance(body, dict):
            return self.response_400(gettext("The body must be a JSON object."))
        try:
            case = execute(pk, action, body, Actor.current("api"), version=body.get("version"))
        except ConsoleError as exc:
            return self.error(exc.status, str(exc), exc.fields)
        return self.response(200, id=case.id, result=self._mask(self.show_model_schema.dump(case)))

    def add_api_spec(self, api_spec: Any) -> None:
        """FAB's paths, plus one documented path per workflow action with its body schema."""
        super().add_api_spec(api_spec)
        self._document_required_when(api_spec)
        api_spec._paths.pop(f"{self.route_base}/{{pk}}/actions/{{action}}", None)
        for t in TRANSITIONS.values():
            name = f"CaseAction.{t.action.value}"
            api_spec.components.schema(name, openapi_schema(t.params))
            responses = {"200": {"description": gettext("The case after the action"), "content": {
                "application/json": {"schema": {"type": "object", "properties": {
                    "id": {"type": "integer"},
                    "result": {"$ref": f"#/components/schemas/{self.__class__.__name__}.get"}}}}}}}
            for code in ("400", "401", "403", "404", "409", "422"):
                responses[code] = {"$ref": f"#/components/responses/{code}"}
            api_spec.path(path=f"{self.route_base}/{{pk}}/actions/{t.action.value}", operations={"post": {
                "summary": str(t.label),
                "tags": [self.openapi_spec_tag or self.__class__.__name__],
                "parameters": [{"in": "path", "name": "pk", "required": True,
                                "schema": {"type": "integer", "minimum": 0}}],
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": {"$ref": f"#/components/schemas/{name}"}}}},
                "responses": responses,
                "security": [{"jwt": []}],
            }})

    def _document_required_when(self, api_spec: Any) -> None:
        """registration.REQUIRED_WHEN in the bodies of POST and PUT: either the field has another
        value (or is absent), or the required one is there and not empty (OpenAPI 3.0 has no if/then)."""
        for suffix in ("post", "put"):
            schema = api_spec.components.schemas.get(f"{self.__class__.__name__}.{suffix}")
            if schema is None:
                continue
            rules = []
            for field, value, required in registration.REQUIRED_WHEN:
                others = [code for code in schema["properties"][field]["enum"] if code != value.value]
                rules.append({"anyOf": [
                    {"not": {"required": [field]}},
                    {"properties": {field: {"enum": others}}},
                    {"required": [required], "properties": {required: {"type": "string", "minLength": 1}}},
                ]})
            schema["allOf"] = rules
