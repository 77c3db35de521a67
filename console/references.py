"""Hard delete only for records no other record points to.

A department named in a case, a coordinator on a duty rota, a root cause in a
summary: deleting them would rewrite (or, through cascades, erase) the history
that points at them. `refuse_if_referenced` finds every foreign key in the
schema that refers to a row's table and refuses the delete, in Chinese, when
any row refers to this one. The screens and the API both call it before
deleting; records with history are deactivated (停用) or voided (作废) instead.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext
from sqlalchemy.orm import object_session

from console.errors import ConflictError


@cache
def _referring(table: sa.Table) -> tuple[tuple[sa.Table, sa.Column], ...]:
    """(table, column) of every foreign key in the schema that refers to `table`."""
    return tuple((other, fk.parent) for other in table.metadata.sorted_tables
                 for fk in other.foreign_keys if fk.column.table is table)


def _screen_name(table: sa.Table, registry: Any) -> str | None:
    """The screen name of the model stored in `table`, if it has a screen."""
    for mapper in registry.mappers:
        screen = getattr(mapper.class_, "__screen__", None)
        if mapper.local_table is table and screen is not None:
            return str(screen.item_label or screen.label)
    return None


def _kind_of(table: sa.Table, model: type) -> str:
    """What a person calls the rows of `table` that refer to a `model` row."""
    name = _screen_name(table, model.registry)
    if name is None:
        # An association table (通报批评 ↔ 反映事项): name it after the record on its other side.
        others = [fk.column.table for fk in table.foreign_keys if fk.column.table is not model.__table__]
        name = next((n for n in (_screen_name(t, model.registry) for t in others) if n), None)
    return name or table.name


def referenced_by(item: Any) -> list[str]:
    """The kinds of record (in Chinese) that refer to `item`, each named once."""
    model = type(item)
    session = object_session(item)
    pk = sa.inspect(item).identity[0]
    kinds: list[str] = []
    for table, column in _referring(model.__table__):
        found = session.execute(sa.select(sa.literal(1)).select_from(table).where(column == pk).limit(1)).first()
        kind = _kind_of(table, model)
        if found is not None and kind not in kinds:
            kinds.append(kind)
    return kinds


def refuse_if_referenced(item: Any) -> None:
    """Raise a Chinese ConflictError when other records refer to `item`; do nothing otherwise."""
    kinds = referenced_by(item)
    if not kinds:
        return
    if hasattr(item, "is_active"):
        raise ConflictError(gettext(
            "Other records refer to this one (%(kinds)s), so it cannot be deleted; deactivate it instead: "
            "it then disappears from the choices and the history keeps it.", kinds="、".join(kinds)))
    raise ConflictError(gettext("Other records refer to this one (%(kinds)s), so it cannot be deleted.",
                                kinds="、".join(kinds)))
