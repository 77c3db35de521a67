"""The data interface of every console view and API: FAB's, made safe and cheap.

- filters come from `ConsoleFilterConverter` (escaped LIKE, parsed ids);
- list queries eager-load the relations the list shows: single records joined into the page's statement,
  collections in one more statement per page (no query per row);
- the count is exact up to LIST_COUNT_EXACT_MAX rows, PostgreSQL's estimate above (约 N 条);
- a page reads its ids first, so a deep page skips index entries rather than whole rows;
- `get` and related lookups accept only ids a database column can hold.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import current_app, has_app_context
from flask_appbuilder.models.sqla.interface import SQLAInterface
from sqlalchemy.orm import MANYTOONE, ColumnProperty, joinedload, selectinload

from console.filters import INT_MAX, ConsoleFilterConverter, ConsoleFilters
from console.listargs import clamp_page


def valid_pk(value: Any) -> int | None:
    """`value` as a database id, or None when it cannot be one (text, 0, beyond 32 bits)."""
    try:
        pk = int(value)
    except (TypeError, ValueError):
        return None
    return pk if 0 < pk <= INT_MAX else None


class Count(int):
    """A row count that may be an estimate (shown as 约 N 条)."""

    estimated: bool

    def __new__(cls, value: int, estimated: bool = False) -> Count:
        count = super().__new__(cls, value)
        count.estimated = estimated
        return count


def planner_rows(session: Any, statement: Any) -> int | None:
    """PostgreSQL's estimate of the rows `statement` returns (EXPLAIN, nothing run); None elsewhere or unsure."""
    bind = session.get_bind()
    if bind.dialect.name != "postgresql":
        return None
    try:
        sql = str(statement.compile(dialect=bind.dialect, compile_kwargs={"literal_binds": True}))
    except (sa.exc.CompileError, NotImplementedError):
        return None
    plan = session.execute(sa.text("EXPLAIN (FORMAT JSON) " + sql.replace(":", r"\:"))).scalar()
    return int(plan[0]["Plan"]["Plan Rows"])


class ConsoleInterface(SQLAInterface):
    """SQLAInterface with safe filters, eager loading and id checks."""

    filter_converter_class = ConsoleFilterConverter

    def __init__(self, obj: type, session: Any = None, eager: list[str] | None = None) -> None:
        super().__init__(obj, session)
        self.eager = [name for name in (eager or []) if self.is_relation(name)]

    def get_filters(self, search_columns: list[str] | None = None, search_filters: Any = None) -> ConsoleFilters:
        """FAB's filters, with the per-column filter objects built once (console.filters.ConsoleFilters)."""
        return ConsoleFilters(self.filter_converter_class, self, search_columns=search_columns or [],
                              search_filters=search_filters)

    def _eager_options(self) -> list[Any]:
        # A row's single related record (its department, its case) joins the page's own statement;
        # a collection (a case's assignments) takes one more statement for the whole page.
        relations = self.obj.__mapper__.relationships
        return [(joinedload if relations[name].direction is MANYTOONE else selectinload)(getattr(self.obj, name))
                for name in self.eager]

    def query(self, filters: Any = None, order_column: str = "", order_direction: str = "",
              page: int | None = None, page_size: int | None = None,
              select_columns: list[str] | None = None, outer_default_load: bool = False,
              ) -> tuple[int, list[Any]]:
        """Count and fetch one page, joining listed single relations and loading collections in one query each.

        A page or size beyond what OFFSET/LIMIT hold (or below zero) is moved within reach.
        """
        base = self._filtered(filters)
        count = self._count(base)
        if page_size is not None:
            page_size = min(max(page_size, 1), INT_MAX)
        # The page's ids first (from an index when the order has one), then those rows with their relations:
        # a deep page skips index entries, not whole rows with their joined relations.
        ids = self._ordered(base.with_entities(self.get_pk()), order_column, order_direction)
        ids = self.apply_pagination(ids, clamp_page(page, page_size), page_size)
        query = self._ordered(self.session.query(self.obj), order_column, order_direction)
        query = query.filter(self.get_pk().in_(ids.subquery().select())).options(*self._eager_options())
        return count, query.all()

    def _ordered(self, query: Any, order_column: str, order_direction: str) -> Any:
        query = self.apply_order_by(query, order_column, order_direction, add_pk=True)
        return query if order_column else query.order_by(self.get_pk().desc())

    def apply_order_by(self, query: Any, order_column: str, order_direction: str,
                       aliases_mapping: dict | None = None, bypass_many_to_many: bool = False,
                       add_pk: bool = False) -> Any:
        """FAB's ordering, except that a plain column puts empty values last in both directions, on SQLite and
        PostgreSQL alike (e.g. 不参评 evaluations, which have no score, after the scored ones)."""
        if not isinstance(self.list_properties.get(order_column), ColumnProperty):
            return super().apply_order_by(query, order_column, order_direction, aliases_mapping,
                                          bypass_many_to_many, add_pk)
        direction = sa.asc if order_direction == "asc" else sa.desc
        column = getattr(self.obj, order_column)
        # NULLS LAST only where a NULL can be: on a NOT NULL column it would keep PostgreSQL from reading
        # the page off an index (the case list's received_at), and every page would sort the whole table.
        order = [direction(column).nulls_last() if column.property.columns[0].nullable else direction(column)]
        if add_pk and order_column != self.get_pk_name():
            order.append(direction(self.get_pk()))
        return query.order_by(*order)

    def count(self, filters: Any = None) -> int:
        """How many rows `filters` select."""
        return self._count(self._filtered(filters))

    def _filtered(self, filters: Any) -> Any:
        query = self.session.query(self.obj)
        return filters.apply_all(query) if filters else query

    def ordered_keys(self, filters: Any, order_column: str, order_direction: str) -> list[int]:
        """The primary keys `filters` select, in the list's order (an export reads its rows by these)."""
        query = self.apply_order_by(self._filtered(filters), order_column, order_direction, add_pk=True)
        if not order_column:
            query = query.order_by(self.get_pk().desc())
        keys = query.with_entities(self.get_pk()).all()
        return list(dict.fromkeys(key for (key,) in keys))  # a filter over a relation may repeat a row

    def rows_by_keys(self, keys: list[int], relations: list[str] | None = None) -> list[Any]:
        """The rows with these primary keys, in the same order, with the listed relations and `relations`
        loaded in one query each."""
        extra = [selectinload(getattr(self.obj, name)) for name in relations or []
                 if self.is_relation(name) and name not in self.eager]
        rows = self.session.query(self.obj).filter(self.get_pk().in_(keys)).options(
            *self._eager_options(), *extra).all()
        by_key = {getattr(row, self.get_pk_name()): row for row in rows}
        return [by_key[key] for key in keys if key in by_key]

    def _count(self, query: Any) -> int:
        """How many rows `query` selects: exact up to LIST_COUNT_EXACT_MAX, beyond it PostgreSQL's estimate.

        The exact count reads at most that many index entries plus one; above, the planner's row estimate
        is shown as 约 N 条 (`Count.estimated`). SQLite has no such estimate and counts on.
        """
        ids = query.order_by(None).with_entities(self.get_pk())
        if len(ids.statement.get_final_froms()) != 1:  # a filter joined another table: count each row once
            ids = ids.distinct()
        limit = current_app.config.get("LIST_COUNT_EXACT_MAX") if has_app_context() else None
        if limit and self.session.get_bind().dialect.name == "postgresql":  # the only one that can estimate
            capped = self.session.scalar(sa.select(sa.func.count()).select_from(ids.limit(limit + 1).subquery()))
            if capped <= limit:
                return Count(capped)
            estimate = planner_rows(self.session, ids.statement)
            if estimate is not None:
                return Count(max(estimate, limit + 1), estimated=True)
        return Count(self.session.scalar(sa.select(sa.func.count()).select_from(ids.subquery())) or 0)

    def get(self, id: Any, filters: Any = None, select_columns: list[str] | None = None,
            outer_default_load: bool = False) -> Any:
        """The row with this id within `filters`, or None (also for ids no row can have)."""
        pk = valid_pk(id)
        if pk is None:
            return None
        query = self.session.query(self.obj)
        if filters:
            query = filters.apply_all(query)
        return query.filter(self.get_pk() == pk).one_or_none()

    def get_related_obj(self, col_name: str, value: Any) -> Any:
        """The related row by id, None for an id that cannot exist."""
        pk = valid_pk(value)
        if pk is None:
            return None
        return self.session.get(self.get_related_model(col_name), pk)

    def get_related_interface(self, col_name: str) -> ConsoleInterface:
        return ConsoleInterface(self.get_related_model(col_name))
