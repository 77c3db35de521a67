"""The case REST API's workflow door: POST /api/v1/cases/<pk>/actions/<action>."""

from __future__ import annotations

from typing import Any

from flask import current_app, request, url_for
from flask_appbuilder.api import expose, protect, safe
from flask_appbuilder.security.decorators import permission_name
from flask_babel import gettext

from attachments import service as attachment_service
from attachments.sniff import check_upload
from console.api import load_record
from console.errors import ConsoleError
from models import Attachment, Case
from workflow import registration
from workflow.params import openapi_schema
from workflow.service import Actor, execute
from workflow.transitions import TRANSITIONS


class CaseApiMixin:
    """Mixed into the generated CaseApi: registration, corrections and workflow actions."""

    extra_routes = ("action", "attachments", "attach")

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

    @expose("/<int:pk>/attachments", methods=["GET"])
    @protect()
    @safe
    @permission_name("show")
    def attachments(self, pk: int) -> Any:
        """The case's files, oldest first."""
        case = self.datamodel.get(pk, self._base_filters)
        if case is None:
            return self.response_404()
        items = attachment_service.of_case(case)
        return self.response(200, count=len(items), result=[attachment_json(a) for a in items])

    @expose("/<int:pk>/attachments", methods=["POST"])
    @protect()
    @safe
    @permission_name("show")
    def attach(self, pk: int) -> Any:
        """Upload a file (multipart `file`, optional `note`) to a case the user may act on: 201 with the record."""
        case = self.datamodel.get(pk, self._base_filters)
        if case is None:
            return self.response_404()
        actor = Actor.current("api")
        if not attachment_service.may_attach_to_case(case, actor):
            return self.response_403()

        def create() -> Any:
            upload = request.files.get("file")
            checked = check_upload(upload.filename if upload else None, upload.read() if upload else None,
                                   current_app.config["ATTACHMENT_MAX_BYTES"])
            item = attachment_service.attach(checked, actor.user.id, case=case, note=request.form.get("note"))
            return self.response(201, id=item.id, result=attachment_json(item))

        return self._write(create)

    def add_api_spec(self, api_spec: Any) -> None:
        """FAB's paths, plus one documented path per workflow action with its body schema, and the
        attachment routes."""
        super().add_api_spec(api_spec)
        self._document_required_when(api_spec)
        api_spec._paths.pop(f"{self.route_base}/{{pk}}/actions/{{action}}", None)
        self._document_attachments(api_spec)
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
    def _document_attachments(self, api_spec: Any) -> None:
        """GET and POST /cases/<pk>/attachments: the record's shape, the multipart body, every answer."""
        api_spec.components.schema("Attachment", ATTACHMENT_SCHEMA)
        record = {"$ref": "#/components/schemas/Attachment"}
        pk = [{"in": "path", "name": "pk", "required": True, "schema": {"type": "integer", "minimum": 0}}]
        tags = [self.openapi_spec_tag or self.__class__.__name__]

        def errors(*codes: str) -> dict:
            return {code: {"$ref": f"#/components/responses/{code}"} for code in codes}

        api_spec._paths.pop(f"{self.route_base}/{{pk}}/attachments", None)
        api_spec.path(path=f"{self.route_base}/{{pk}}/attachments", operations={
            "get": {
                "summary": "附件列表", "tags": tags, "parameters": pk, "security": [{"jwt": []}],
                "responses": {"200": {"description": "The case's files, oldest first", "content": {
                    "application/json": {"schema": {"type": "object", "properties": {
                        "count": {"type": "integer"}, "result": {"type": "array", "items": record}}}}}},
                    **errors("401", "403", "404")},
            },
            "post": {
                "summary": "上传附件", "tags": tags, "parameters": pk, "security": [{"jwt": []}],
                "description": "PDF, JPG, PNG, DOCX, XLSX or OFD, recognised from the content (a file whose "
                               "content does not match its extension is refused), at most ATTACHMENT_MAX_BYTES. "
                               "For users who may act on the case; a case outside the user's scope answers 404.",
                "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
                    "type": "object", "required": ["file"], "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "note": {"type": "string", "maxLength": attachment_service.NOTE_MAX_LENGTH}}}}}},
                "responses": {"201": {"description": "The stored file's record", "content": {
                    "application/json": {"schema": {"type": "object", "properties": {
                        "id": {"type": "integer"}, "result": record}}}}},
                    **errors("400", "401", "403", "404", "422")},
            },
        })


ATTACHMENT_SCHEMA = {"type": "object", "properties": {
    "id": {"type": "integer"}, "case_id": {"type": "integer", "nullable": True},
    "event_id": {"type": "integer", "nullable": True}, "supervision_id": {"type": "integer", "nullable": True},
    "criticism_id": {"type": "integer", "nullable": True}, "file_name": {"type": "string"},
    "content_type": {"type": "string"}, "size": {"type": "integer"}, "sha256": {"type": "string"},
    "uploaded_by": {"type": "string"}, "uploaded_at": {"type": "string", "format": "date-time"},
    "note": {"type": "string", "nullable": True},
    "download_url": {"type": "string", "description": "For a logged-in browser session"},
}}
"""An attachment as the API answers it."""


def attachment_json(item: Attachment) -> dict:
    """An attachment as the API answers it (ATTACHMENT_SCHEMA)."""
    return {
        "id": item.id, "case_id": item.case_id, "event_id": item.event_id, "supervision_id": item.supervision_id,
        "criticism_id": item.criticism_id, "file_name": item.file_name, "content_type": item.content_type,
        "size": item.size, "sha256": item.sha256, "uploaded_by": item.uploaded_by.username,
        "uploaded_at": item.uploaded_at.isoformat(timespec="seconds"), "note": item.note,
        "download_url": url_for("AttachmentView.download", pk=item.id),
    }
