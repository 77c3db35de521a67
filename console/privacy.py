"""Masking of personal information (个人信息保护法).

Phone and ID numbers are masked on every channel for users without the
查看个人信息 permission (`can_view` on `PersonalInfo`). The field declares its
kind once (`mask="phone"`); lists, show pages, exports and the API all mask
through `mask_value`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import has_request_context

PERSONAL_INFO_VIEW = "PersonalInfo"
VIEW_PERSONAL_INFO = "can_view"


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


def may_see_personal_info() -> bool:
    """Whether the current user holds 查看个人信息."""
    if not has_request_context():
        return True
    from flask import current_app

    from console.cache import request_cache

    cache = request_cache()
    if "may_see_personal_info" not in cache:
        cache["may_see_personal_info"] = current_app.appbuilder.sm.has_access(VIEW_PERSONAL_INFO,
                                                                             PERSONAL_INFO_VIEW)
    return cache["may_see_personal_info"]


def masking_formatter(kind: str) -> Callable[[Any], Any]:
    """A list/show/export formatter that masks unless the user may see the value."""

    def format_value(value: Any) -> Any:
        if value is None:
            return ""
        return value if may_see_personal_info() else mask_value(kind, value)

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
    from flask_babel import gettext

    return gettext("Show in full")
