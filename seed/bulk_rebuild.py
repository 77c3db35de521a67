"""A large load on PostgreSQL the way pg_restore does it: indexes and foreign keys set aside, then rebuilt.

Per row, PostgreSQL updates every secondary index of the row's table (18 on `case`, four GIN indexes on
`case_search`) and fires a trigger per foreign key; for a million cases that was most of the server's
work. Building an index once over the loaded table, and checking a foreign key with one set-based query
(`ALTER TABLE … VALIDATE CONSTRAINT`), is several times cheaper. The definitions are read from the
catalog (`pg_get_indexdef`, `pg_get_constraintdef`) just before they are dropped and replayed verbatim,
so the migrations stay their single source. Primary keys and unique indexes stay: the load must still
be refused on a duplicate, and other tables' foreign keys depend on them.

Everything happens inside the load's one transaction (PostgreSQL's DDL is transactional): a failure
anywhere rolls back to the original schema and no rows. The price is that the loaded tables are locked
(ACCESS EXCLUSIVE) until the load commits, hence only for loads at least as large as what is already
there (`worth_rebuilding`), on a database nobody is using.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import sqlalchemy as sa

MAINTENANCE_WORK_MEM = "256MB"
"""Memory each index build may sort in, for this transaction only (the server default is 64 MB)."""

_INDEXES = sa.text("""
    SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
    FROM pg_index i
    WHERE i.indrelid = ANY(CAST(:tables AS regclass[]))
      AND NOT i.indisunique AND NOT i.indisprimary
      AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
    ORDER BY i.indexrelid""")
_FOREIGN_KEYS = sa.text("""
    SELECT c.conrelid::regclass::text, quote_ident(c.conname), pg_get_constraintdef(c.oid), c.convalidated
    FROM pg_constraint c
    WHERE c.contype = 'f' AND c.conrelid = ANY(CAST(:tables AS regclass[]))
    ORDER BY c.oid""")


@dataclass(frozen=True)
class SetAside:
    """What was dropped for the load: each index as (name, CREATE INDEX statement), each foreign key as
    (table, name, definition, was it validated)."""

    indexes: list[tuple[str, str]]
    foreign_keys: list[tuple[str, str, str, bool]]


def worth_rebuilding(connection: sa.Connection, table: sa.Table, rows_to_load: int) -> bool:
    """The rule: set indexes and foreign keys aside on PostgreSQL when the load adds at least as many rows
    to `table` as it already holds (rebuilding then costs at most about what maintaining them row by row
    would, and usually far less)."""
    if connection.dialect.name != "postgresql":
        return False
    existing = connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
    return rows_to_load >= existing


def secondary_structures(connection: sa.Connection, tables: Iterable[sa.Table]) -> SetAside:
    """The non-unique secondary indexes and the foreign keys of `tables`, as the catalog defines them now."""
    names = [f'"{table.name}"' for table in tables]
    indexes = [(name, ddl) for name, ddl in connection.execute(_INDEXES, {"tables": names})]
    keys = [(table, name, ddl, valid) for table, name, ddl, valid in connection.execute(_FOREIGN_KEYS,
                                                                                        {"tables": names})]
    return SetAside(indexes, keys)


@contextlib.contextmanager
def rebuilt_after_load(connection: sa.Connection, tables: list[sa.Table]) -> Iterator[SetAside]:
    """Drop the secondary indexes and foreign keys of `tables`, let the block load rows, then rebuild them
    (foreign keys added NOT VALID, then validated in one pass each). All in the connection's current
    transaction, which the caller commits; on any failure the transaction is rolled back here, which
    restores the schema as it was."""
    run = connection.exec_driver_sql
    try:
        run(f"SET LOCAL maintenance_work_mem = '{MAINTENANCE_WORK_MEM}'")
        aside = secondary_structures(connection, tables)
        for table, name, _ddl, _valid in aside.foreign_keys:
            run(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
        for name, _ddl in aside.indexes:
            run(f"DROP INDEX {name}")
        yield aside
        for _name, ddl in aside.indexes:
            run(ddl)
        for table, name, ddl, valid in aside.foreign_keys:
            # pg_get_constraintdef already ends in NOT VALID for a key that was not validated: kept so.
            run(f"ALTER TABLE {table} ADD CONSTRAINT {name} {ddl}" + ("" if not valid else " NOT VALID"))
        for table, name, _ddl, valid in aside.foreign_keys:
            if valid:
                run(f"ALTER TABLE {table} VALIDATE CONSTRAINT {name}")
    except BaseException:
        connection.rollback()
        raise
