"""Server-side search for AJAX selects: a page of matches, never a whole table."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from access.scope import scope_condition
from console.filters import escape_like
from console.interface import valid_pk
from console.introspect import attribute, attributes
from extensions import db

PAGE = 20


def lookup_columns(model: type) -> list[str]:
    """The text columns a person types into when looking a `model` row up."""
    declared = getattr(model, "__lookup__", None)
    if declared:
        return list(declared)
    cols = [a.name for a in attributes(model)
            if a.kind == "column" and a.field.list and isinstance(a.column.type, sa.String)
            and not isinstance(a.column.type, sa.Enum)]
    return cols or ["id"]


def lookup(model: type, col: str, args: Any) -> dict:
    """Select2's answer for the relation `col` of `model`: {results: [{id, text}], pagination}."""
    attr = attribute(model, col)
    related = attr.related_model if attr else model.__mapper__.attrs[col].mapper.class_
    query = sa.select(related).where(scope_condition(related))
    one = args.get("id")
    if one is not None:
        pk = valid_pk(one)
        query = query.where(related.id == (pk or -1))
        row = db.session.execute(query).scalars().first()
        return {"results": [{"id": row.id, "text": str(row)}] if row else []}
    if attr is not None and attr.field.choices_filter is not None and args.get("for") != "search":
        query = query.where(attr.field.choices_filter())
    text = (args.get("q") or "").replace("\x00", "").strip()[:100]
    if text:
        pattern = f"%{escape_like(text)}%"
        query = query.where(sa.or_(*[getattr(related, c).ilike(pattern, escape="\\")
                                     for c in lookup_columns(related) if c != "id"]))
    page = max(valid_pk(args.get("page")) or 1, 1)
    order = getattr(related, "sort_order", None)
    query = query.order_by(*(c for c in (order, related.id) if c is not None))
    rows = db.session.execute(query.offset((page - 1) * PAGE).limit(PAGE + 1)).scalars().all()
    return {
        "results": [{"id": r.id, "text": str(r)} for r in rows[:PAGE]],
        "pagination": {"more": len(rows) > PAGE},
    }
