"""The REST API's OpenAPI document: exact ids, real answer shapes, every error each operation gives."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from console.api_errors import error_schema
from console.api_query import query_schema
from console.api_schema import value_rules
from console.interface import INT_MAX
from console.introspect import attributes

ERROR_DESCRIPTIONS = {
    "400": _l("The request is malformed (JSON, the query parameter q), or a value breaks a rule this "
              "document states"),
    "401": _l("Not logged in, or the token is invalid"), "403": _l("Not permitted"),
    "404": _l("No such record (or not within the user's scope)"),
    "405": _l("This address does not accept that method"),
    "409": _l("Conflict: the record was changed by someone else (stale version), the action is not allowed in "
              "its state, or it duplicates an existing record"),
    "413": _l("The submitted data is too large"), "414": _l("The address is too long (over 8 KB)"),
    "422": _l("Well-formed and within this document, but refused by the server's data: a named record does not "
              "exist or is deactivated, or a time is after now"),
    "429": _l("Too many requests"), "500": _l("Server error"),
}
"""Every status the console's API refuses with (console/api_errors.py has the rule)."""


def error_responses() -> dict:
    """Every error answer, each with the one error body (texts in the request's language)."""
    return {code: {"description": str(text), "content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/Error"}}}} for code, text in ERROR_DESCRIPTIONS.items()}


OPERATION_ERRORS = {
    "get_list": ("400", "401", "403"), "info": ("400", "401", "403"),
    "get": ("400", "401", "403", "404"), "post": ("400", "401", "403", "409", "413", "422"),
    "put": ("400", "401", "403", "404", "409", "413", "422"), "delete": ("401", "403", "404", "409", "422"),
}
"""What each generated operation can answer (414 on every operation, 413 with a body: views/openapi.finalize)."""


RELATED_ID = _l("The id of a related record; one that does not exist or is outside your scope answers 422")
QUERY_DESCRIPTION = _l("Rison such as (page:0,page_size:25), or the same as JSON; a q against these rules "
                       "answers 400")


class ApiSpecMixin:
    """Mixed into ConsoleApi: corrects what FAB writes into the OpenAPI document."""

    route_base: str
    model: type

    def _document_answer(self, name: str, responses: dict, api_spec: Any) -> None:
        """What our writes and _info really return (FAB documents other shapes)."""
        ok = {"post": "201", "put": "200"}.get(name)
        if ok and ok in responses:
            schema = responses[ok]["content"]["application/json"]["schema"]
            schema["properties"]["result"] = {"$ref": f"#/components/schemas/{self.__class__.__name__}.get"}
            if "id" in schema["properties"]:
                schema["properties"]["id"] = {"type": "integer"}
        if name in ("get", "get_list"):
            # `q` may select some columns only: no column of an answer is certain to be there.
            api_spec.components.schemas.get(f"{self.__class__.__name__}.{name}", {}).pop("required", None)
        if name in ("get", "get_list") and "200" in responses:
            properties = responses["200"]["content"]["application/json"]["schema"]["properties"]
            if "id" in properties:
                properties["id"] = {"type": "integer"}
            if "ids" in properties:
                properties["ids"] = {"type": "array", "items": {"type": "integer"}}
        if name == "info":
            properties = responses["200"]["content"]["application/json"]["schema"]["properties"]
            column = {"type": "object", "properties": {
                "name": {"type": "string"}, "label": {"type": "string"}, "description": {"type": "string"},
                "type": {"type": "string"}, "required": {"type": "boolean"}, "unique": {"type": "boolean"},
                "validate": {"type": "array", "items": {"type": "string"}}}}
            properties["add_columns"] = {"type": "array", "items": column}
            properties["edit_columns"] = {"type": "array", "items": column}
            properties["permissions"] = {"type": "array", "items": {"type": "string"}}
            properties["filters"] = {"type": "object"}

    def _document_reveal(self, operation: dict) -> None:
        """`?reveal=<field>` on a record of a model with personal data."""
        from console.privacy import personal_fields

        fields = [a.name for a in personal_fields(self.model)]
        if not fields:
            return
        operation.setdefault("parameters", []).append({
            "in": "query", "name": "reveal", "required": False, "schema": {"type": "string", "enum": fields},
            "description": "One personal-data field to show in full (every other stays masked). For roles "
                           "with 查看个人信息 (otherwise 403); each reveal is written to the audit log "
                           "(user, time, IP, record, field). Any other value: 400.",
        })

    def add_apispec_components(self, api_spec: Any) -> None:
        super().add_apispec_components(api_spec)
        # The spec is shared: whichever API registered first set the error shapes
        # (FAB's say `message` is always a string); ours describe what we answer.
        for code, response in error_responses().items():
            api_spec.components.responses[code] = response
        if "Error" not in api_spec.components.schemas:
            api_spec.components.schema("Error", error_schema())

    def _document_rules(self, api_spec: Any) -> None:
        """The request bodies state the rules the API checks: each column's value rules (the same
        Rule objects the schemas run), and ids of related records from 1."""
        keys = {a.fk_name for a in attributes(self.model) if a.kind == "relation"}
        for suffix in ("post", "put"):
            schema = api_spec.components.schemas.get(f"{self.__class__.__name__}.{suffix}")
            if schema is None:
                continue
            for name, prop in schema.get("properties", {}).items():
                for rule in value_rules(self.model, name):
                    if "format" in rule.schema:  # a standard's format says it all (console.validators.Rule)
                        prop.pop("pattern", None)
                        prop.pop("maxLength", None)
                    prop.update(rule.schema)
                if name in keys:
                    prop.update(minimum=1, maximum=INT_MAX, description=str(RELATED_ID))

    @staticmethod
    def _document_query(operation: dict, schema: dict) -> None:
        for parameter in operation.get("parameters", []):
            if parameter.get("name") == "q" and parameter.get("in") == "query":
                parameter["content"] = {"application/json": {"schema": schema}}
                parameter["description"] = str(QUERY_DESCRIPTION)

    def add_api_spec(self, api_spec: Any) -> None:
        """FAB's paths with exact ids and every error code each operation can answer."""
        super().add_api_spec(api_spec)
        self._document_rules(api_spec)
        for path, operations in api_spec._paths.items():
            if not path.startswith(self.route_base):
                continue
            for method, operation in operations.items():
                name = {"get": "get" if "{pk}" in path else ("info" if path.endswith("_info") else "get_list"),
                        "post": "post", "put": "put", "delete": "delete"}[method]
                responses = {str(code): value for code, value in operation.get("responses", {}).items()}
                operation["responses"] = responses
                for code in [c for c in responses if c.startswith("4") and c not in OPERATION_ERRORS[name]]:
                    del responses[code]  # FAB documents 422s its own code gives; ours does not
                for code in OPERATION_ERRORS[name]:
                    responses.setdefault(code, {"$ref": f"#/components/responses/{code}"})
                self._document_answer(name, responses, api_spec)
                if name == "get":
                    self._document_reveal(operation)
                if name in ("get", "get_list", "info"):
                    self._document_query(operation, query_schema(self, name))
                for parameter in operation.get("parameters", []):
                    if parameter.get("name") == "pk" and parameter.get("in") == "path":
                        parameter["schema"] = {"type": "integer", "minimum": 0}
