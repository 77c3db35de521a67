"""One body for every 4xx the REST API answers, and its OpenAPI declaration.

    {"message": "<Chinese sentence>", "errors": {"<field>": ["<Chinese>", …]}}

`errors` is empty when no field is at fault. The status says what kind of refusal it is
(README 「接口错误」):

- 400 the request is malformed (JSON, `q`) or a value breaks a rule the document declares;
- 401 no or a bad token; 403 not permitted; 404 no such record within the user's scope;
- 405 method, 413 body too large, 414 URL too long, 429 too many attempts;
- 409 changed underneath (stale `version`), not allowed in the record's state, a duplicate;
- 422 well-formed and within the document, but refused by the server's data: a named record
  that does not exist (or is deactivated), a time after the server's now.
"""

from __future__ import annotations

import re
from typing import Any

from flask import jsonify
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from console.api_query import chinese_fab_message

CJK = re.compile(r"[\u3400-\u9fff]")
MISSING_RECORD = _l("The chosen record does not exist.")
MISSING_OR_INACTIVE = _l("The chosen record does not exist or is deactivated.")
"""What a field naming a record that is not there says; such refusals alone answer 422."""


def error_schema() -> dict:
    """The JSON schema of every error body (components/schemas/Error), described in the request's language."""
    return {
        "type": "object",
        "required": ["message", "errors"],
        "additionalProperties": False,
        "properties": {
            "message": {"type": "string", "description": gettext("One sentence saying what is wrong")},
            "errors": {"type": "object",
                       "description": gettext("Field at fault → what is wrong with it (empty when no field is)"),
                       "additionalProperties": {"type": "array", "items": {"type": "string"}}},
        },
    }


def chinese(text: Any) -> str:
    """`text` as a Chinese sentence: FAB's and marshmallow's English refusals become the console's."""
    text = chinese_fab_message(str(text))
    return text if CJK.search(text) else gettext("Not a valid value.")


def field_errors(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """Marshmallow's (or a rule's) messages as field → list of Chinese texts; nested keys joined by '.'."""
    result: dict[str, list[str]] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            for field, texts in field_errors(value, name).items():
                result.setdefault(field, []).extend(texts)
    elif isinstance(messages, (list, tuple)):
        for item in messages:
            for field, texts in field_errors(item, prefix).items():
                result.setdefault(field, []).extend(texts)
    elif messages is not None:
        result[prefix or "_schema"] = [chinese(messages)]
    return result


def summary(errors: dict[str, list[str]]) -> str:
    """The sentence above field errors: names the first problem."""
    first = next((texts[0] for texts in errors.values() if texts), None)
    if first is None:
        return gettext("The request is malformed.")
    return gettext("Please correct the marked fields: %(first)s", first=first)


def only_missing_records(errors: dict[str, list[str]]) -> bool:
    """Whether every field error says that a named record does not exist (a 422, not a 400)."""
    missing = {str(MISSING_RECORD), str(MISSING_OR_INACTIVE)}
    return bool(errors) and all(text in missing for texts in errors.values() for text in texts)


def error_body(message: Any = None, errors: Any = None) -> dict:
    """The error body: a Chinese sentence and field errors (a dict of messages, or a message dict)."""
    if isinstance(message, dict) and errors is None:
        message, errors = None, message
    fields = field_errors(errors) if errors else {}
    text = chinese(message) if message else summary(fields)
    return {"message": text, "errors": fields}


def error_json(status: int, message: Any = None, errors: Any = None) -> Any:
    """A Flask (response, status) pair with the error body, for handlers outside an API class."""
    return jsonify(error_body(message, errors)), status


class ApiErrors:
    """Mixed into every API class (models, token login, OpenAPI): FAB's response helpers, one shape."""

    def error(self, status: int, message: Any = None, errors: Any = None) -> Any:
        """The answer `status` with the error body."""
        return self.response(status, **error_body(message, errors))

    def response_400(self, message: Any = None, errors: Any = None) -> Any:
        return self.error(400, message or (None if errors else gettext("The request is malformed.")), errors)

    def response_401(self) -> Any:
        return self.error(401, gettext("Please log in first."))

    def response_403(self) -> Any:
        return self.error(403, gettext("You do not have permission to do this."))

    def response_404(self) -> Any:
        return self.error(404, gettext("No such record."))

    def response_409(self, message: Any = None) -> Any:
        """The record changed underneath, or conflicts with another."""
        return self.error(409, message or gettext("Conflict."))

    def response_422(self, message: Any = None, errors: Any = None) -> Any:
        return self.error(422, message or (None if errors else gettext("The data could not be processed.")), errors)

    def response_500(self, message: Any = None) -> Any:
        return self.error(500, gettext("Internal error; it has been logged."))

    def refuse_fields(self, errors: dict[str, list[str]]) -> Any:
        """Field errors: 422 when they only name records that do not exist, else 400."""
        return self.error(422 if only_missing_records(errors) else 400, errors=errors)
