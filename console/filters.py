"""List filters that are safe with any input.

FAB's own filters pass `%` and `_` through to LIKE, look related rows up with
whatever string arrives (a DataError on PostgreSQL), and compare enums with
unknown codes. These escape LIKE patterns, parse ids and codes first, and turn
anything unparseable into "no match" rather than an error. Their REST operator
names (`opr`) are distinct from FAB's so FAB's global registry never swaps
them for its own classes.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa
from flask_appbuilder.models.filters import BaseFilter, BaseFilterConverter, FilterRelation, Filters
from flask_babel import lazy_gettext as _l

from console.introspect import attribute
from console.ngrams import indexed_search

INT_MAX = 2**31 - 1
NOTHING = sa.false()


def escape_like(value: str) -> str:
    """`value` with LIKE's wildcards and escape character taken literally (escape character `\\`)."""
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _column(flt: BaseFilter) -> Any:
    return getattr(flt.model, flt.column_name)


def _text(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if value is None:
        return None
    text = str(value).replace("\x00", "")
    return text


class Contains(BaseFilter):
    """Case-insensitive substring match, LIKE wildcards taken literally."""

    name = _l("Contains")
    arg_name = "contains"

    def apply(self, query: Any, value: Any) -> Any:
        text = _text(value)
        if not text:
            return query
        search = indexed_search(self.model, self.column_name)
        if search is not None:  # an n-gram index answers without reading every row (console/ngrams.py)
            return query.filter(search(text))
        return query.filter(_column(self).ilike(f"%{escape_like(text)}%", escape="\\"))


class StartsWith(BaseFilter):
    """Prefix match, LIKE wildcards taken literally."""

    name = _l("Starts with")
    arg_name = "starts"

    def apply(self, query: Any, value: Any) -> Any:
        text = _text(value)
        if not text:
            return query
        return query.filter(_column(self).ilike(f"{escape_like(text)}%", escape="\\"))


def _typed(flt: BaseFilter, value: Any) -> Any:
    """Parse a filter value to the column's Python type; raise ValueError if it cannot be."""
    text = _text(value)
    if text is None or text == "":
        raise ValueError
    column = _column(flt).property.columns[0]
    ctype = column.type
    if isinstance(ctype, sa.Enum):
        member = ctype.enum_class.parse(text) if ctype.enum_class else None
        if member is None:
            raise ValueError
        return member
    if isinstance(ctype, sa.Boolean):
        return text.lower() in ("y", "1", "true", "on", "yes")
    if isinstance(ctype, sa.DateTime):
        return dt.datetime.fromisoformat(text[:19].replace("T", " ")) if len(text) > 10 \
            else dt.datetime.combine(dt.date.fromisoformat(text), dt.time())
    if isinstance(ctype, sa.Date):
        return dt.date.fromisoformat(text[:10])
    if isinstance(ctype, sa.Integer):
        number = int(text)
        if abs(number) > INT_MAX:
            raise ValueError
        return number
    if isinstance(ctype, sa.Numeric):
        try:
            number = Decimal(text)
        except InvalidOperation as exc:
            raise ValueError from exc
        if not number.is_finite() or abs(number) > 10**9:
            raise ValueError
        return number
    return text


class TypedFilter(BaseFilter):
    """A comparison on the column's own type; a value of the wrong type matches nothing."""

    matches_on_bad_value = False
    """True: a value that cannot be read leaves the query unfiltered instead of empty."""

    def apply(self, query: Any, value: Any) -> Any:
        try:
            typed = _typed(self, value)
        except (ValueError, TypeError):
            return query if self.matches_on_bad_value or not _text(value) else query.filter(NOTHING)
        return query.filter(self.condition(_column(self), typed))

    def condition(self, column: Any, typed: Any) -> Any:
        """The WHERE clause for a readable value: equality, unless a subclass compares otherwise."""
        return column == typed


class Equal(TypedFilter):
    """Equality (a date against a date-time column: that whole day)."""

    name = _l("Equal to")
    arg_name = "equals"

    def condition(self, column: Any, typed: Any) -> Any:
        if isinstance(column.property.columns[0].type, sa.DateTime) and isinstance(typed, dt.datetime) \
                and typed.time() == dt.time():
            return sa.and_(column >= typed, column < typed + dt.timedelta(days=1))
        return super().condition(column, typed)


class NotEqual(TypedFilter):
    """Inequality; empty values count as different."""

    name = _l("Not equal to")
    arg_name = "not_equals"
    matches_on_bad_value = True

    def condition(self, column: Any, typed: Any) -> Any:
        return sa.or_(column != typed, column.is_(None))


class AtLeast(TypedFilter):
    """Greater than or equal to (dates: from this day on)."""

    name = _l("From")
    arg_name = "gte"

    def condition(self, column: Any, typed: Any) -> Any:
        return column >= typed


class AtMost(TypedFilter):
    """Less than or equal to (dates and times: up to the end of this day)."""

    name = _l("To")
    arg_name = "lte"

    def condition(self, column: Any, typed: Any) -> Any:
        if isinstance(typed, dt.datetime) and typed.time() == dt.time():
            return column < typed + dt.timedelta(days=1)
        return column <= typed


def _pk(value: Any) -> int | None:
    text = _text(value)
    try:
        pk = int(text) if text else None
    except ValueError:
        return None
    return pk if pk is not None and 0 < pk <= INT_MAX else None


class RelationEqual(FilterRelation):
    """A many-to-one relation equal to the record with this id."""

    name = _l("Is")
    arg_name = "rel"

    def apply(self, query: Any, value: Any) -> Any:
        if not _text(value):
            return query
        pk = _pk(value)
        if pk is None:
            return query.filter(NOTHING)
        prop = _column(self).property
        fk = list(prop.local_columns)[0]
        return query.filter(fk == pk)


class RelationContains(FilterRelation):
    """A to-many relation that includes the record with this id."""

    name = _l("Includes")
    arg_name = "rel_many"

    def apply(self, query: Any, value: Any) -> Any:
        if not _text(value):
            return query
        pk = _pk(value)
        if pk is None:
            return query.filter(NOTHING)
        related = _column(self).property.mapper.class_
        return query.filter(_column(self).any(related.id == pk))


class ConsoleFilterConverter(BaseFilterConverter):
    """Which filters each column type offers; the first one is the search form's.

    A field declared `exact` offers equality alone, in the search panel, URLs and the API alike.
    """

    conversion_table = (
        ("is_relation_many_to_one", [RelationEqual]),
        ("is_relation_one_to_one", [RelationEqual]),
        ("is_relation_many_to_many", [RelationContains]),
        ("is_relation_one_to_many", [RelationContains]),
        ("is_enum", [Equal, NotEqual]),
        ("is_boolean", [Equal]),
        ("is_text", [Contains, Equal, StartsWith]),
        ("is_string", [Contains, Equal, StartsWith]),
        ("is_integer", [Equal, AtLeast, AtMost]),
        ("is_numeric", [Equal, AtLeast, AtMost]),
        ("is_float", [Equal, AtLeast, AtMost]),
        ("is_datetime", [AtLeast, AtMost, Equal]),
        ("is_date", [AtLeast, AtMost, Equal]),
        ("is_json", []),
    )

    def convert(self, col_name: str) -> Any:
        """The filters of a column: equality alone for an exact field, else those of its type."""
        declared = attribute(self.datamodel.obj, col_name)
        if declared is not None and declared.field.exact:
            return [Equal(col_name, self.datamodel)]
        return super().convert(col_name)


class ConditionFilter(BaseFilter):
    """A filter carrying a ready SQL condition (quick filters, data scope)."""

    name = "condition"
    arg_name = None

    def apply(self, query: Any, value: Any) -> Any:
        condition = value() if callable(value) else value
        return query.filter(condition)


class ConsoleFilters(Filters):
    """FAB's Filters, whose per-column filter objects are built once per interface.

    FAB builds them for every column of the model each time a Filters is made, and a list
    makes two per request (the scope's copy, the join with the search); they depend only on
    the model and the converter, so they are kept on the interface. Each Filters gets its own
    dict and lists (FAB appends declared search filters to them)."""

    def _get_filters(self, cols: list[str]) -> dict[str, list[BaseFilter]]:
        memo = self.datamodel.__dict__.setdefault("_console_filters_memo", {})
        key = (self.filter_converter, tuple(cols))
        if key not in memo:
            memo[key] = super()._get_filters(cols)
        return {col: list(found) for col, found in memo[key].items()}

    def get_joined_filters(self, filters: Filters) -> ConsoleFilters:
        """A new Filters with the active filters of both."""
        joined = ConsoleFilters(self.filter_converter, self.datamodel)
        joined.filters = self.filters + filters.filters
        joined.values = self.values + filters.values
        return joined

    def copy(self) -> ConsoleFilters:
        """A copy whose active filters can grow without touching these."""
        copied = ConsoleFilters(self.filter_converter, self.datamodel)
        copied.filters = list(self.filters)
        copied.values = list(self.values)
        return copied
