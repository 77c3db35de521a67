"""Gap-free yearly numbering (case numbers, 文号)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import Model


class YearCounter(Model):
    """The last number handed out for a series in a year.

    `next_number` takes a row lock (SELECT … FOR UPDATE on PostgreSQL, the
    database-wide write lock on SQLite), so concurrent transactions get
    consecutive numbers without gaps or duplicates; a rolled-back transaction
    gives its number back.
    """

    __tablename__ = "year_counter"

    series: Mapped[str] = mapped_column(sa.String(30), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[int] = mapped_column(default=0)


def next_number(session: Session, series: str, year: int) -> int:
    """Reserve and return the next number of `series` in `year` (1, 2, 3 …)."""
    table = YearCounter.__table__
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        session.execute(
            postgresql.insert(table)
            .values(series=series, year=year, value=0)
            .on_conflict_do_nothing()
        )
    else:
        session.execute(
            sqlite.insert(table).values(series=series, year=year, value=0).on_conflict_do_nothing()
        )
    value = session.execute(
        sa.update(table)
        .where(table.c.series == series, table.c.year == year)
        .values(value=table.c.value + 1)
        .returning(table.c.value)
    ).scalar_one()
    return int(value)
