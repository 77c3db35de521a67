"""SQL pieces the KPIs and the evaluation share that the two databases spell differently."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class day_of(FunctionElement):  # noqa: N801  (reads as a SQL function)
    """The calendar day of a date-time column: `CAST(x AS DATE)`; `date(x)` on SQLite.

    SQLite keeps dates as 'YYYY-MM-DD' text, so the day compares with a Date column as text does.
    """

    type = sa.Date()
    name = "day_of"
    inherit_cache = True


@compiles(day_of)
def _day_of(element: Any, compiler: Any, **kw: Any) -> str:
    return f"CAST({compiler.process(element.clauses, **kw)} AS DATE)"


@compiles(day_of, "sqlite")
def _day_of_sqlite(element: Any, compiler: Any, **kw: Any) -> str:
    return f"date({compiler.process(element.clauses, **kw)})"


def count_where(condition: Any) -> Any:
    """`COUNT(CASE WHEN condition THEN 1 END)`: how many rows of the group satisfy `condition`."""
    return sa.func.count(sa.case((condition, 1)))
