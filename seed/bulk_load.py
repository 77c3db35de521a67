"""Loading generated rows fast: COPY on PostgreSQL, one prepared executemany on SQLite.

Rows arrive as tuples already in the form both databases accept as text (`stamp`, `day`,
enum codes, JSON text), so nothing is converted row by row on the way in: SQLAlchemy's
per-value bind processing was most of seed-bulk's time on SQLite. Columns a row does not
carry get the model's constant defaults, as a Core INSERT would give them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import enum
import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import sqlalchemy as sa


def stamp(moment: dt.datetime) -> str:
    """A datetime as text both databases read back as the same value (SQLAlchemy's SQLite storage format)."""
    return moment.isoformat(" ", "microseconds")


def day(date: dt.date) -> str:
    """A date as text both databases read back as the same value."""
    return date.isoformat()


def _stored(value: Any) -> Any:
    """A constant default as it is stored: an enum's code, JSON as text."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return value


class Loader:
    """Appends rows to tables over one connection, the fastest way its database offers."""

    def __init__(self, connection: sa.Connection) -> None:
        self.connection = connection
        self.postgresql = connection.dialect.name == "postgresql"
        self._issued: dict[str, int] = {}  # SQLite: the last id handed out per table

    def next_ids(self, table: sa.Table, count: int) -> range | list[int]:
        """`count` ids for new rows of `table`, taken before the rows are written (so dependants can name them).

        PostgreSQL draws them from the table's sequence; SQLite's rowid tables (no AUTOINCREMENT) give the
        next rows max(id) + 1 onwards, which is what an INSERT without ids would have given, past the ids
        this loader has already handed out (the next chunk's ids are taken before the current one is written)."""
        if self.postgresql:
            return self.connection.execute(sa.text(
                "SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)"),
                {"table": f'"{table.name}"', "n": count}).scalars().all()
        last = max(self.connection.execute(sa.select(sa.func.max(table.c.id))).scalar() or 0,
                   self._issued.get(table.name, 0))
        self._issued[table.name] = last + count
        return range(last + 1, last + 1 + count)

    def append(self, table: sa.Table, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        """INSERT `rows` (tuples in the order of `columns`) into `table`, constant defaults filled in."""
        defaults = {c.name: _stored(c.default.arg) for c in table.c
                    if c.name not in columns and c.default is not None and c.default.is_scalar}
        names = [*columns, *defaults]
        fixed = tuple(defaults.values())
        quoted = ", ".join(f'"{name}"' for name in names)
        if not self.connection.in_transaction():
            # The driver's cursor opens a transaction SQLAlchemy does not see, and its commit() would skip.
            self.connection.begin()
        cursor = self.connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            if self.postgresql:
                with cursor.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy:
                    for row in rows:
                        copy.write_row((*row, *fixed) if fixed else row)
            else:
                marks = ", ".join("?" * len(names))
                cursor.executemany(f'INSERT INTO "{table.name}" ({quoted}) VALUES ({marks})',
                                   _extended(rows, fixed))
        finally:
            cursor.close()


    def analyze(self, tables: Iterable[sa.Table]) -> None:
        """On PostgreSQL, refresh the planner's statistics of `tables` now rather than at autovacuum's next
        round: right after a load of a million rows the console's first queries would be planned on
        the old, small table."""
        if self.postgresql:
            for table in tables:
                self.connection.exec_driver_sql(f'ANALYZE "{table.name}"')
            self.connection.commit()


def _extended(rows: Iterable[Sequence[Any]], fixed: tuple) -> Iterator[Sequence[Any]]:
    return ((*row, *fixed) for row in rows) if fixed else iter(rows)


@contextlib.contextmanager
def fast_sqlite_writes(connection: sa.Connection) -> Iterator[None]:
    """On SQLite, for this connection only and until the block ends: no fsync, the rollback journal in memory,
    a larger page cache.

    A failed batch still rolls back (the journal is kept, in memory); a crash of the process or the
    machine in the middle of a commit may damage the file, acceptable for load-test data and the
    reason this is confined to seed-bulk. A database in WAL mode stays in it. The settings are put
    back afterwards: the connection returns to the pool."""
    if connection.dialect.name != "sqlite":
        yield
        return
    raw = connection.connection.dbapi_connection
    before = {name: raw.execute(f"PRAGMA {name}").fetchone()[0]  # type: ignore[union-attr]
              for name in ("synchronous", "cache_size", "journal_mode")}
    raw.execute("PRAGMA synchronous=OFF")  # type: ignore[union-attr]
    raw.execute("PRAGMA cache_size=-65536")  # type: ignore[union-attr]  # 64 MB: index pages stay in memory
    if before["journal_mode"] != "wal":
        raw.execute("PRAGMA journal_mode=MEMORY")  # type: ignore[union-attr]
    try:
        yield
    finally:
        connection.rollback()  # nothing is pending after the last commit; journal_mode needs no open transaction
        for name, value in before.items():
            raw.execute(f"PRAGMA {name}={value}")  # type: ignore[union-attr]
