"""The n-gram search index of cases: title, request, applicant and enterprise, findable by any 1–2 characters.

One row per case holds each searched field as the token text of console/ngrams.py.
Migration 0010 makes it an FTS5 table on SQLite (rowid = case id, the `ascii`
tokenizer: every non-ASCII character is part of a token, so the tokens stay as
written) and a table of tsvector columns on PostgreSQL, one GIN index each, read
from those same tokens without the text parser (whose word rules depend on the
server's locale; like the 'simple' configuration, no stemming and no stop words).
The row is rewritten in the same flush, hence the same transaction, as the case
(`refresh_search_rows`), so a search never sees a case without its tokens or
tokens of an older title.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import TSQUERY, TSVECTOR
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session

from console.filters import escape_like
from console.ngrams import answers_exactly, query_tokens, register_index, text_tokens
from models.case import Case

FIELDS = ("title", "description", "applicant_name", "enterprise_name")
"""The case's columns found through the index (the list's 包含 filter and the API's `contains`)."""

_sqlite = sa.Table("case_search", sa.MetaData(), sa.Column("rowid", sa.Integer, key="case_id"),
                   *(sa.Column(name, sa.Text) for name in FIELDS))
_postgresql = sa.Table("case_search", sa.MetaData(), sa.Column("case_id", sa.Integer, primary_key=True),
                       *(sa.Column(name, TSVECTOR) for name in FIELDS))
# PostgreSQL keeps the tokens as a tsvector: `'社 社保 保'::tsvector` reads space-separated lexemes as they are
# (no parser, no dictionary), and a stored tsvector needs no rebuilding when a row is checked.
# Deliberately outside the models' metadata: the FTS5 table is no ordinary table, migration 0010 makes both.


def modelled(name: str | None, type_: str, parent_names: dict) -> bool:
    """Alembic's `include_name`: the index tables (FTS5 keeps shadow tables beside it) are made by hand."""
    return not (type_ == "table" and name is not None and (name == "case_search" or name.startswith("case_search_")))


def search_table(dialect_name: str) -> sa.Table:
    """The index table as seen on this database."""
    return _sqlite if dialect_name == "sqlite" else _postgresql


def search_row(case: Case) -> dict[str, Any]:
    """The index row of a case."""
    return {"case_id": case.id, **{name: text_tokens(getattr(case, name)) for name in FIELDS}}


class _Found(sa.sql.expression.ColumnElement):
    """`case.id` is among the cases whose `field` holds every token (compiled per database)."""

    type = sa.Boolean()
    inherit_cache = False

    def __init__(self, field: str, tokens: list[str]) -> None:
        self.field = field
        self.tokens = tokens


@compiles(_Found)  # str() of a statement, e.g. in a log line
@compiles(_Found, "sqlite")
def _found_sqlite(element: _Found, compiler: Any, **kw: Any) -> str:
    match = " AND ".join(f'{element.field}:"{token}"' for token in element.tokens)
    found = sa.select(_sqlite.c.case_id).where(sa.literal_column("case_search").op("MATCH")(sa.literal(match)))
    return compiler.process(Case.id.in_(found), **kw)


@compiles(_Found, "postgresql")
def _found_postgresql(element: _Found, compiler: Any, **kw: Any) -> str:
    query = " & ".join(f"'{token}'" for token in element.tokens)  # tokens hold no quote (console/ngrams.py)
    found = sa.select(_postgresql.c.case_id).where(
        _postgresql.c[element.field].op("@@")(sa.cast(sa.literal(query), TSQUERY)))
    return compiler.process(Case.id.in_(found), **kw)


def contains(field: str, query: str) -> sa.ColumnElement[bool]:
    """Cases whose `field` contains `query` (case-insensitive, as ILIKE): the index, and LIKE where it must."""
    tokens = query_tokens(query)
    if not tokens:
        return sa.true()
    found = _Found(field, tokens)
    if answers_exactly(query):
        return found
    return sa.and_(found, getattr(Case, field).ilike(f"%{escape_like(query)}%", escape="\\"))


def refresh_search_rows(session: Session, _flush_context: Any) -> None:
    """After a flush: rewrite the index rows of the cases it added or whose searched fields it changed."""
    rows, gone = [], []
    for case in session.new:
        if isinstance(case, Case):
            rows.append(search_row(case))
    for case in session.dirty:
        if isinstance(case, Case) and any(sa.inspect(case).attrs[name].history.has_changes() for name in FIELDS):
            rows.append(search_row(case))
    for case in session.deleted:
        if isinstance(case, Case):
            gone.append(case.id)
    if not rows and not gone:
        return
    conn = session.connection()
    table = search_table(conn.dialect.name)
    stale = [row["case_id"] for row in rows] + gone
    for start in range(0, len(stale), 500):
        conn.execute(table.delete().where(table.c.case_id.in_(stale[start:start + 500])))
    if rows:
        conn.execute(table.insert(), rows)


def install_search_index(session: Any) -> None:
    """Keep the index in step with every flush of `session` (a session or scoped session)."""
    if not sa.event.contains(session, "after_flush", refresh_search_rows):
        sa.event.listen(session, "after_flush", refresh_search_rows)


for _field in FIELDS:
    register_index(Case, _field, lambda query, field=_field: contains(field, query))
