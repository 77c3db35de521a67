"""SQL statements per list page do not grow with the rows shown (no N+1)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from console.modelview import ConsoleModelView
from extensions import db


@contextmanager
def counted(app) -> Iterator[list[str]]:
    """The statements the engine sends inside the block."""
    seen: list[str] = []

    def note(conn, cursor, statement, *args) -> None:
        seen.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", note)


def _list_views(app) -> list[ConsoleModelView]:
    return [v for v in app.appbuilder.baseviews if isinstance(v, ConsoleModelView)]


def _statements(app, client, url: str) -> int:
    client.get(url)  # first request of a view warms caches (holiday table, permissions)
    with counted(app) as seen:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(seen)


@pytest.mark.parametrize("username", ["admin", "coordinator", "handler_tax", "leader"])
def test_list_pages_send_as_many_statements_for_100_rows_as_for_25(app, as_user, username):
    # Both pages are long enough to show every kind of related record: a relation empty on every shown row
    # costs no batch at all, which would make a tiny page look cheaper than the rule (one batch per relation).
    client = as_user(username)
    grown = {}
    checked = 0
    for view in _list_views(app):
        base = f"{view.route_base}/list/"
        if client.get(base).status_code != 200:
            continue
        name = view.__class__.__name__
        few = _statements(app, client, f"{base}?psize_{name}=25")
        many = _statements(app, client, f"{base}?psize_{name}=100")
        checked += 1
        if many != few:
            grown[base] = (few, many)
    assert checked >= 5
    assert grown == {}, f"statements grow with the rows shown: {grown}"


def test_case_list_loads_the_rows_assignments_in_one_query(app, as_user):
    """Row buttons ask each case for its assignments: one query per page, not one per row."""
    client = as_user("coordinator")
    client.get("/cases/list/?psize_CaseView=50")
    with counted(app) as seen:
        client.get("/cases/list/?psize_CaseView=50")
    assert sum(1 for s in seen if s.lstrip().upper().startswith("SELECT") and "FROM assignment" in s) == 1
