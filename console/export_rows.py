"""An export's records read as plain rows: the model's own columns in one SELECT per chunk of keys.

Loading 100 000 ORM objects with their relations cost most of a large export; the cells need only column
values and the few records they point to. `RecordReader.rows(keys)` selects the model's columns (no ORM
objects), loads each many-to-one relation's targets once per chunk, and hands back `Record`s that read as the
model's instances do, so `console.export.RowFormatter` formats them exactly as it formats instances.

    reader = RecordReader(session, Case, ["number", "lead_department", "overdue"])
    for record in reader.rows([3, 1, 2]):      # in the order of the keys
        record.number, record.lead_department, record.overdue
"""

from __future__ import annotations

import inspect
import types
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, class_mapper

from console.introspect import attributes


class Record:
    """One row read as the model's instance would be: columns and relations from the chunk's queries, computed
    attributes evaluated on the record itself; anything else (what a computed attribute may follow) loads
    the instance."""

    __slots__ = ("_values", "_computed", "_instance")

    def __init__(self, values: dict[str, Any], computed: dict[str, Any], instance: Callable[[Any], Any]) -> None:
        self._values = values
        self._computed = computed
        self._instance = instance

    def __getattr__(self, name: str) -> Any:
        values = self._values
        if name in values:
            return values[name]
        computed = self._computed.get(name)
        if isinstance(computed, property):
            return computed.fget(self)
        if computed is not None:
            return types.MethodType(computed, self)
        return getattr(self._instance(values), name)

    def values(self, names: list[str]) -> list[Any]:
        """The values of `names`, as `getattr` gives them (a computed method called)."""
        values = self._values
        return [values[name] if name in values else self._computed_value(name) for name in names]

    def _computed_value(self, name: str) -> Any:
        value = getattr(self, name)
        return value() if callable(value) else value


class RecordReader:
    """Reads `model`'s records by primary key for an export of `columns` (declared attribute names)."""

    def __init__(self, session: Session, model: type, columns: list[str]) -> None:
        self.session = session
        self.model = model
        mapper = class_mapper(model)
        self.key = mapper.primary_key[0].key
        self.names = [prop.key for prop in mapper.column_attrs]
        self.columns = [getattr(model, name) for name in self.names]
        declared = {a.name: a for a in attributes(model)}
        self.relations = {name: (declared[name].fk_name, declared[name].related_model)
                          for name in columns if declared[name].kind == "relation" and declared[name].fk_name}
        self.computed = {name: inspect.getattr_static(model, name)
                         for name in columns if declared[name].kind == "computed"}

    @staticmethod
    def suits(model: type, columns: list[str]) -> bool:
        """Whether every column is a plain column, a many-to-one relation or a computed attribute."""
        declared = {a.name: a for a in attributes(model)}
        return all(declared[name].kind in ("column", "computed")
                   or (declared[name].kind == "relation" and declared[name].fk_name) for name in columns)

    def rows(self, keys: list[int]) -> list[Record]:
        """The records with these primary keys, in the order of `keys` (keys no longer found are left out)."""
        names = self.names
        by_key = {values[self.key]: values for values in (dict(zip(names, row, strict=True)) for row in
                  self.session.execute(sa.select(*self.columns).where(getattr(self.model, self.key).in_(keys))))}
        for name, (fk, target) in self.relations.items():
            wanted = {values[fk] for values in by_key.values() if values[fk] is not None}
            found = self._targets(target, wanted)
            for values in by_key.values():
                values[name] = found.get(values[fk])
        return [Record(by_key[key], self.computed, self._instance) for key in keys if key in by_key]

    def _targets(self, target: type, ids: set[Any]) -> dict[Any, Any]:
        if not ids:
            return {}
        key = class_mapper(target).primary_key[0].key
        return {getattr(obj, key): obj for obj in self.session.execute(
            sa.select(target).where(getattr(target, key).in_(ids))).scalars()}

    def _instance(self, values: dict[str, Any]) -> Any:
        return self.session.get(self.model, values[self.key])
