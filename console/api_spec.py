"""The REST API's OpenAPI document: exact ids, real answer shapes, every error each operation gives."""

from __future__ import annotations

from typing import Any


def _error_response(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": {
        "type": "object",
        "properties": {
            "message": {"description": "A Chinese message, or Chinese messages per field"},
            "fields": {"type": "object", "additionalProperties": {"type": "string"}},
        },
    }}}}


ERROR_RESPONSES = {
    "400": _error_response("Bad request"), "401": _error_response("Not logged in or token invalid"),
    "403": _error_response("Not permitted"), "404": _error_response("No such record within the user's scope"),
    "409": _error_response("Conflict: changed underneath, not allowed in this state, or a duplicate"),
    "422": _error_response("Values that cannot be processed"), "429": _error_response("Too many requests"),
    "500": _error_response("Server error"),
}
"""Every error the console's API answers with; each operation lists the ones it can give."""

OPERATION_ERRORS = {
    "get_list": ("400", "401", "403", "422"), "info": ("400", "401", "403", "422"),
    "get": ("400", "401", "403", "404", "422"), "post": ("400", "401", "403", "409", "422"),
    "put": ("400", "401", "403", "404", "409", "422"), "delete": ("401", "403", "404", "409", "422"),
}

class ApiSpecMixin:
    """Mixed into ConsoleApi: corrects what FAB writes into the OpenAPI document."""

    route_base: str
    model: type

    def _document_answer(self, name: str, responses: dict) -> None:
        """What our writes and _info really return (FAB documents other shapes)."""
        ok = {"post": "201", "put": "200"}.get(name)
        if ok and ok in responses:
            schema = responses[ok]["content"]["application/json"]["schema"]
            schema["properties"]["result"] = {"$ref": f"#/components/schemas/{self.__class__.__name__}.get"}
            if "id" in schema["properties"]:
                schema["properties"]["id"] = {"type": "integer"}
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
        for code, response in ERROR_RESPONSES.items():
            api_spec.components.responses[code] = response

    def add_api_spec(self, api_spec: Any) -> None:
        """FAB's paths with exact ids and every error code each operation can answer."""
        super().add_api_spec(api_spec)
        for path, operations in api_spec._paths.items():
            if not path.startswith(self.route_base):
                continue
            for method, operation in operations.items():
                name = {"get": "get" if "{pk}" in path else ("info" if path.endswith("_info") else "get_list"),
                        "post": "post", "put": "put", "delete": "delete"}[method]
                responses = {str(code): value for code, value in operation.get("responses", {}).items()}
                operation["responses"] = responses
                for code in OPERATION_ERRORS[name]:
                    responses.setdefault(code, {"$ref": f"#/components/responses/{code}"})
                self._document_answer(name, responses)
                if name == "get":
                    self._document_reveal(operation)
                for parameter in operation.get("parameters", []):
                    if parameter.get("name") == "pk" and parameter.get("in") == "path":
                        parameter["schema"] = {"type": "integer", "minimum": 0}
