"""How values read on screens and in exports: 2025-06-30, 是/否, labels, no 'None'."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from flask_babel import gettext


def display(value: Any) -> str:
    """A value as a person reads it in a table cell or an export."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, dt.datetime):
        return value.isoformat(" ", "minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}".rstrip("0").rstrip(".") if value % 1 else f"{value:.0f}"
    if isinstance(value, (list, tuple, set)):
        return "、".join(display(v) for v in value)
    return str(value)


def long_date(value: dt.date | None) -> str:
    """2025年6月30日, as in official documents."""
    if value is None:
        return ""
    return f"{value.year}年{value.month}月{value.day}日"


FEW = 10
"""How many items a message names before it only counts the rest (a flash lives in the session cookie)."""


def first_few(items: list[str], limit: int = FEW) -> str:
    """“A、B、C” — or, past `limit` items, the first `limit` and “等 N 件” (N counts all of them)."""
    if len(items) <= limit:
        return "、".join(items)
    return gettext("%(items)s and others, %(count)d in all", items="、".join(items[:limit]), count=len(items))
