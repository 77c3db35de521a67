"""Read the console declarations off a model: the ordered list of declared attributes."""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import ColumnProperty, RelationshipProperty, class_mapper

from console.declare import INFO_KEY, Field, Screen


@dataclass(frozen=True)
class Attribute:
    """One declared attribute of a model: a column, a relation or a computed value."""

    name: str
    field: Field
    kind: str
    """'column', 'relation' (many-to-one), 'collection' (to-many) or 'computed'."""
    prop: Any = None

    @property
    def column(self) -> sa.Column | None:
        """The table column of a plain column attribute."""
        if self.kind == "column":
            return self.prop.columns[0]
        return None

    @property
    def multiline(self) -> bool:
        """Whether the column holds multi-line text (a textarea on forms; line breaks allowed)."""
        column = self.column
        return column is not None and (self.field.textarea or isinstance(column.type, sa.Text))

    @property
    def fk_name(self) -> str | None:
        """For a many-to-one relation, the local foreign-key attribute (the API field)."""
        if self.kind != "relation":
            return None
        local = list(self.prop.local_columns)
        return local[0].key if len(local) == 1 else None

    @property
    def related_model(self) -> type | None:
        """The model a relation points to."""
        if self.kind in ("relation", "collection"):
            return self.prop.mapper.class_
        return None


def screen_of(model: type) -> Screen | None:
    """The model's screen declaration, if it has one."""
    return model.__dict__.get("__screen__")


def _field_of_prop(prop: Any) -> Field | None:
    if isinstance(prop, ColumnProperty):
        # A column_property of an SQL expression (not a table column) has no `info` of its own.
        return getattr(prop.columns[0], "info", {}).get(INFO_KEY) or prop.info.get(INFO_KEY)
    if isinstance(prop, RelationshipProperty):
        return prop.info.get(INFO_KEY)
    return None


@cache
def attributes(model: type) -> tuple[Attribute, ...]:
    """Every declared attribute of `model` in declaration order; mixins' come last."""
    mapper = class_mapper(model)
    ordered: list[str] = []
    for klass in model.__mro__:
        for name in klass.__dict__:
            if name not in ordered:
                ordered.append(name)
    result = []
    for name in ordered:
        if name in mapper.attrs:
            prop = mapper.attrs[name]
            declared = _field_of_prop(prop)
            if declared is None:
                continue
            if isinstance(prop, RelationshipProperty):
                kind = "collection" if prop.uselist else "relation"
            else:
                kind = "column"
            result.append(Attribute(name, declared, kind, prop))
        else:
            value = inspect.getattr_static(model, name, None)
            target = value.fget if isinstance(value, property) else value
            declared = getattr(target, "__console_field__", None)
            if isinstance(declared, Field):
                result.append(Attribute(name, declared, "computed", value))
    return tuple(result)


def attribute(model: type, name: str) -> Attribute | None:
    """The declared attribute called `name`, if any."""
    return next((a for a in attributes(model) if a.name == name), None)


def names(model: type, place: str) -> list[str]:
    """Attribute names declared for a place: 'list', 'show', 'add', 'edit', 'search', 'export'."""
    if place == "export":
        return [a.name for a in attributes(model) if a.field.in_export]
    if place in ("add", "edit", "search"):
        return [a.name for a in attributes(model) if getattr(a.field, place) and a.kind != "computed"]
    return [a.name for a in attributes(model) if getattr(a.field, place)]


def labels(model: type) -> dict[str, Any]:
    """Column name → label for every declared attribute (FK names get their relation's)."""
    result: dict[str, Any] = {}
    for attr in attributes(model):
        result[attr.name] = attr.field.label
        if attr.fk_name:
            result.setdefault(attr.fk_name, attr.field.label)
    return result


def descriptions(model: type) -> dict[str, Any]:
    """Column name → description, only where one is declared."""
    return {a.name: a.field.description for a in attributes(model) if a.field.description}
