"""The fields of workflow actions, declared once for the UI dialogs, the API and OpenAPI.

A `Param` says what an action needs (a department, a number of working days,
a text …). `parse` turns a form post or a JSON body into typed values with
Chinese messages per field, the same way for every channel; `openapi_schema`
describes the same fields to API clients.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from console.api_errors import MISSING_OR_INACTIVE
from console.errors import ConsoleError
from console.interface import INT_MAX
from console.validators import text_rule
from extensions import db
from models.base import LabeledEnum


@dataclass(frozen=True)
class Param:
    """One input of an action."""

    name: str
    label: Any
    kind: str
    """'enum', 'text', 'textarea', 'int', 'bool', 'department', 'departments', 'coordinator', 'root_cause',
    'case' (a case by its number, or by its id)."""
    required: bool = True
    enum: type[LabeledEnum] | None = None
    minimum: int | None = None
    maximum: int | None = None
    max_length: int = 2000
    description: Any = None


class ParamError(ConsoleError):
    """Invalid action input: a message per field (HTTP 400; 422 when it only names records not there)."""

    status = 400


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError
    value = value.strip()
    return value or None


def _int(value: Any) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, str):
        value = value.strip()
        if not value.lstrip("-").isdigit():
            raise ValueError
    if isinstance(value, float) and not value.is_integer():
        raise ValueError
    number = int(value)
    if abs(number) > INT_MAX:
        raise ValueError
    return number


def _bool(value: Any) -> bool | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("y", "yes", "true", "1", "on"):
        return True
    if isinstance(value, str) and value.lower() in ("n", "no", "false", "0", "off"):
        return False
    raise ValueError


def _record(model: type, pk: int | None, condition: Any = None) -> Any:
    if pk is None:
        return None
    if pk <= 0:
        raise LookupError
    query = sa.select(model).where(model.id == pk)
    if condition is not None:
        query = query.where(condition)
    found = db.session.execute(query).scalar_one_or_none()
    if found is None:
        raise LookupError
    return found


def _case(raw: Any) -> Any:
    """The case numbered `raw` (BBC-2025-0003, any case), or with the id `raw`; None when empty."""
    from models import Case

    if isinstance(raw, str):
        text = _text(raw)
        if text is None:
            return None
        problem = text_rule(False)(text)
        if problem:
            raise ValueError("printable", problem)
        if not text.isdigit():
            found = db.session.execute(sa.select(Case).where(Case.number == text.upper())).scalar_one_or_none()
            if found is None:
                raise LookupError
            return found
    return _record(Case, _int(raw))


def _convert(param: Param, raw: Any) -> Any:
    from models import Coordinator, Department, DictionaryEntry
    from models.enums import DictionaryKind

    kind = param.kind
    if kind in ("text", "textarea"):
        text = _text(raw)
        problem = text_rule(kind == "textarea")(text)
        if problem:
            raise ValueError("printable", problem)
        if text is not None and len(text) > param.max_length:
            raise ValueError("length")
        return text
    if kind == "enum":
        text = _text(raw)
        if text is None:
            return None
        member = param.enum.parse(text)
        if member is None:
            raise ValueError
        return member
    if kind == "int":
        number = _int(raw)
        if number is not None and ((param.minimum is not None and number < param.minimum)
                                   or (param.maximum is not None and number > param.maximum)):
            raise ValueError("range")
        return number
    if kind == "bool":
        return _bool(raw)
    if kind == "department":
        return _record(Department, _int(raw), Department.is_active.is_(True))
    if kind == "coordinator":
        return _record(Coordinator, _int(raw), Coordinator.is_active.is_(True))
    if kind == "case":
        return _case(raw)
    if kind == "root_cause":
        return _record(DictionaryEntry, _int(raw), DictionaryEntry.kind == DictionaryKind.ROOT_CAUSE)
    if kind == "departments":
        items = raw if isinstance(raw, (list, tuple)) else ([] if raw in (None, "") else [raw])
        result = []
        for item in items:
            if item in (None, ""):
                continue
            dept = _record(Department, _int(item), Department.is_active.is_(True))
            if dept not in result:
                result.append(dept)
        return result
    raise ValueError


def _message(param: Param, problem: Any = None, detail: Any = None) -> str:
    if problem == "length":
        return gettext("At most %(max)d characters.", max=param.max_length)
    if problem == "printable":
        return str(detail)
    if problem == "range":
        return gettext("Must be between %(min)d and %(max)d.", min=param.minimum or 0, max=param.maximum or INT_MAX)
    if param.kind == "enum":
        return gettext("Not a valid choice.")
    if param.kind == "int":
        return gettext("Enter a whole number.")
    return gettext("Not a valid value.")


def parse(params: Sequence[Param], raw: Mapping[str, Any], *, multi: Any = None) -> dict[str, Any]:
    """Typed values of `params` from `raw` (form data or JSON); raise ParamError listing every problem.

    `multi(name)` returns all values of a repeated form field (for 'departments').
    """
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    missing: set[str] = set()
    for param in params:
        source = multi(param.name) if (multi is not None and param.kind == "departments") else raw.get(param.name)
        try:
            value = _convert(param, source)
        except LookupError:
            errors[param.name] = (gettext("No case has this number.") if param.kind == "case" else
                                  str(MISSING_OR_INACTIVE))
            missing.add(param.name)
            continue
        except (ValueError, TypeError) as exc:
            errors[param.name] = _message(param, *exc.args[:2])
            continue
        if param.required and (value is None or value == []):
            errors[param.name] = gettext("This field is required.")
            continue
        values[param.name] = value
    if errors:
        first = next(iter(errors.values()))
        # Only records that are not there: the body was valid, the data refuses it (422).
        raise ParamError(gettext("Please correct the marked fields: %(first)s", first=first), fields=errors,
                         status=422 if set(errors) == missing else None)
    return values


NOTE = Param("note", _l("Note"), "textarea", required=False,
             description=_l("Shown in the case's timeline"))
VERSION_DESCRIPTION = _l("The case's version as last read; a stale one is refused with 409")


def openapi_schema(params: Sequence[Param]) -> dict:
    """The JSON schema of an action body: its params plus `note` and `version`."""
    types = {"text": "string", "textarea": "string", "int": "integer", "bool": "boolean",
             "department": "integer", "coordinator": "integer", "root_cause": "integer"}
    properties: dict[str, Any] = {}
    for param in params:
        if param.kind == "enum":
            prop: dict[str, Any] = {"type": "string", "enum": param.enum.codes()}
        elif param.kind == "departments":
            prop = {"type": "array", "items": {"type": "integer", "minimum": 1, "maximum": INT_MAX}}
        elif param.kind == "case":
            prop = {"type": "string", "maxLength": param.max_length}
        else:
            prop = {"type": types[param.kind]}
            if param.kind in ("text", "textarea"):
                prop["maxLength"] = param.max_length
            if param.kind in ("department", "coordinator", "root_cause"):
                prop.update(minimum=1, maximum=INT_MAX)
            if param.kind == "int":
                prop.update(minimum=param.minimum if param.minimum is not None else -INT_MAX,
                            maximum=param.maximum if param.maximum is not None else INT_MAX)
        prop["description"] = str(param.label)
        if not param.required:
            prop["nullable"] = True
        properties[param.name] = prop
    properties["note"] = {"type": "string", "maxLength": 2000, "nullable": True, "description": str(NOTE.label)}
    properties["version"] = {"type": "integer", "minimum": 1, "maximum": INT_MAX,
                             "description": str(VERSION_DESCRIPTION)}
    return {"type": "object", "properties": properties,
            "required": [p.name for p in params if p.required]}
