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


STATEMENTS_MAX = 6
"""Issue 11: the user with roles and cache stamps, count, page (single relations joined), one batch per shown
collection, the unread badge, the saved filters — and nothing per row, nothing for permissions or holidays."""


@pytest.mark.parametrize("username", ["admin", "window", "coordinator", "handler_tax", "leader"])
def test_every_list_page_sends_at_most_six_statements_for_2_rows_as_for_100(app, as_user, username):
    client = as_user(username)
    counts = {}
    for view in _list_views(app):
        base = f"{view.route_base}/list/"
        if client.get(base).status_code != 200:
            continue
        name = view.__class__.__name__
        for quick in [None, *(q.name for q in view.screen.quick_filters)]:
            extra = f"&quick={quick}" if quick else ""
            counts[base + extra] = (_statements(app, client, f"{base}?psize_{name}=2{extra}"),
                                    _statements(app, client, f"{base}?psize_{name}=100{extra}"))
    assert len(counts) >= 10
    grown = {url: pair for url, pair in counts.items() if pair[0] != pair[1]}
    assert grown == {}, f"statements grow with the rows shown: {grown}"
    over = {url: pair for url, pair in counts.items() if max(pair) > STATEMENTS_MAX}
    assert over == {}, f"more than {STATEMENTS_MAX} statements: {over}"


def test_searching_and_sorting_the_case_list_stays_within_six(app, as_user):
    client = as_user("coordinator")
    for url in ("/cases/list/?_flt_0_title=社保", "/cases/list/?_oc_CaseView=received_at&_od_CaseView=asc",
                "/cases/list/?_oc_CaseView=lead_department&_od_CaseView=desc", "/cases/list/?page_CaseView=2"):
        assert _statements(app, client, url) <= STATEMENTS_MAX, url


def test_case_list_loads_the_rows_assignments_in_one_query(app, as_user):
    """Row buttons ask each case for its assignments: one query per page, not one per row."""
    client = as_user("coordinator")
    client.get("/cases/list/?psize_CaseView=50")
    with counted(app) as seen:
        client.get("/cases/list/?psize_CaseView=50")
    assert sum(1 for s in seen if s.lstrip().upper().startswith("SELECT") and "FROM assignment" in s) == 1
