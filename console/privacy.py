"""Personal data, minimum necessary (个人信息保护法, 等保 2.0 三级).

A field declares its kind once (`mask="phone"`, `"id_number"`, `"credit_code"`). Lists, show pages,
edit forms, the API, exports, notifications and documents show it masked, for every role. The full
value leaves the server only in two audited ways:

- 查看个人信息 (`can_view` on `PersonalInfo`): one field of one record, through the show page's
  button or `GET /api/v1/<resource>/<pk>?reveal=<field>`;
- 导出个人信息 (`can_export_personal` on `PersonalInfo`, held by no built-in role, not even the
  admin's): a file of the filtered list, with a reason, logged with its row count.

Documents for the applicant or the public (受理回执, 办理进度查询) carry none of it: `for_the_public`.
Both disclosures are written to the audit log by the recorder the application installs
(`install_disclosure_log`), so this module needs nothing above it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app, has_request_context
from flask_babel import gettext

from console.introspect import Attribute, attributes

PERSONAL_INFO_VIEW = "PersonalInfo"
VIEW_PERSONAL_INFO = "can_view"
"""查看个人信息: reveal one field of one record, logged."""
EXPORT_PERSONAL_INFO = "can_export_personal"
"""导出个人信息: an export with full values, with a reason, logged; given to no built-in role."""
MASKED_IN_LOG = "***"
"""What an audit row says about a disclosed value: never the value itself."""
DISCLOSURE_LOG = "console.disclosure_log"


def mask_value(kind: str, value: Any) -> Any:
    """`value` with its middle hidden: 138****8000, 441802********0123."""
    if not value or not isinstance(value, str):
        return value
    if kind == "phone":
        return value[:3] + "*" * max(len(value) - 7, 1) + value[-4:] if len(value) > 7 else "*" * len(value)
    if kind == "id_number":
        return value[:6] + "*" * max(len(value) - 10, 1) + value[-4:] if len(value) > 10 else "*" * len(value)
    if kind == "credit_code":
        return value[:4] + "*" * max(len(value) - 8, 1) + value[-4:] if len(value) > 8 else "*" * len(value)
    return "*" * len(value)


def personal_fields(model: type) -> tuple[Attribute, ...]:
    """The model's declared personal-data attributes."""
    return tuple(a for a in attributes(model) if a.field.mask)


def mask_record(model: type, data: dict, reveal: str | None = None) -> dict:
    """`data` (a record as a dict) with every personal-data field masked, except `reveal`."""
    for attr in personal_fields(model):
        if attr.name in data and attr.name != reveal:
            data[attr.name] = mask_value(attr.field.mask, data[attr.name])
    return data


def for_the_public(model: type, values: dict) -> dict:
    """What the 受理回执 and the 办理进度查询 may print of a record: `values` without any
    personal-data field, not even masked (they reach people who are not staff)."""
    personal = {a.name for a in personal_fields(model)}
    return {key: value for key, value in values.items() if key not in personal}


def _holds(permission: str) -> bool:
    if not has_request_context():
        return False
    from console.cache import request_cache

    cache = request_cache()
    key = f"personal_info:{permission}"
    if key not in cache:
        cache[key] = current_app.appbuilder.sm.has_access(permission, PERSONAL_INFO_VIEW)
    return cache[key]


def may_see_personal_info() -> bool:
    """Whether the current user holds 查看个人信息 (reveal one field of one record at a time)."""
    return _holds(VIEW_PERSONAL_INFO)


def may_export_personal_info() -> bool:
    """Whether the current user holds 导出个人信息 (a file with full values, with a reason)."""
    return _holds(EXPORT_PERSONAL_INFO)


def reveal_problem(model: type, field: str) -> str | None:
    """Why `field` cannot be revealed on `model` (a Chinese sentence), or None."""
    if any(a.name == field for a in personal_fields(model)):
        return None
    names = "、".join(f"{a.name}（{a.field.label}）" for a in personal_fields(model))
    return gettext("Only a personal-data field can be revealed: %(fields)s.", fields=names)


def masking_formatter(kind: str) -> Callable[[Any], Any]:
    """A list/export formatter: masked for everyone."""

    def format_value(value: Any) -> Any:
        return "" if value is None else mask_value(kind, value)

    return format_value


def show_formatter(kind: str, view_endpoint: str, field: str) -> Callable[[Any], Any]:
    """On a record's page the value stays masked for everyone; holders of 查看个人信息 get a
    button that reveals it (and that click is audited)."""
    from markupsafe import Markup

    def format_value(value: Any) -> Any:
        if not value:
            return ""
        masked = mask_value(kind, value)
        if not may_see_personal_info():
            return masked
        return Markup('<span class="pi-value" data-field="{}">{}</span> '
                      '<button type="button" class="btn btn-xs btn-default reveal-pi" data-field="{}">{}</button>'
                      ).format(field, masked, field, gettext_reveal())

    return format_value


def gettext_reveal() -> str:
    """The label of the reveal button."""
    return gettext("Show in full")


# ---- edit forms and API writes: a masked value sent back unchanged keeps the stored one -------


def mask_form(form: Any, item: Any) -> None:
    """Show the record's personal data masked in its edit form (what the user typed stays as typed)."""
    for attr in personal_fields(type(item)):
        if attr.name in form and form[attr.name].data and form[attr.name].data == getattr(item, attr.name):
            form[attr.name].data = mask_value(attr.field.mask, form[attr.name].data)


def unmask_form(form: Any, item: Any) -> None:
    """A personal-data field posted back as it was shown (masked) keeps the stored value."""
    for attr in personal_fields(type(item)):
        stored = getattr(item, attr.name)
        if attr.name in form and stored and form[attr.name].data == mask_value(attr.field.mask, stored):
            form[attr.name].data = stored


def drop_unchanged_masks(item: Any, data: dict) -> None:
    """Remove from a JSON change the personal-data fields sent back as the API showed them (masked)."""
    for attr in personal_fields(type(item)):
        stored = getattr(item, attr.name)
        if stored and data.get(attr.name) == mask_value(attr.field.mask, stored):
            del data[attr.name]


# ---- the log of every disclosure ---------------------------------------------------------------


def install_disclosure_log(app: Any, recorder: Callable[[str, str, int | None, dict], None]) -> None:
    """Have `recorder(operation, model name, record id, changes)` write and commit one audit row
    for each disclosure of personal data in `app`."""
    app.extensions[DISCLOSURE_LOG] = recorder


def log_disclosure(operation: str, model: type, record_id: int | None, changes: dict) -> None:
    """Log one disclosure by the current user: 'reveal' of one field, 'export_personal' of a file."""
    current_app.extensions[DISCLOSURE_LOG](operation, model.__name__, record_id, changes)


def revealed(fields: Any) -> dict:
    """The audit row's changes naming the disclosed fields, never their values."""
    return {name: [None, MASKED_IN_LOG] for name in fields}
