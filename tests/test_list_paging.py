"""Deep pages and large counts of the case list: the right rows on every page, 约 N 条 above the threshold."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from extensions import db
from models import Case
from models.enums import CaseStatus
from tests.test_queries import _statements

NUMBER = re.compile(r"BBC-\d{4}-\d{4}")


def _numbers_in_order(app) -> list[str]:
    """Every listed case's number as the list orders them, computed here: newest 受理 first, then higher id."""
    with app.app_context():
        return list(db.session.scalars(sa.select(Case.number).where(Case.status != CaseStatus.VOIDED)
                                       .order_by(Case.received_at.desc(), Case.id.desc())))


def _page_numbers(html: str) -> list[str]:
    table = html[html.index("<table"):html.index("</table>")]
    return list(dict.fromkeys(NUMBER.findall(table)))


def test_every_page_shows_the_rows_of_its_place_in_the_order(app, as_user):
    expected = _numbers_in_order(app)
    assert len(expected) > 20  # the demo district has 60 cases: several pages of 7
    client = as_user("coordinator")
    shown = []
    for page in range(0, len(expected) // 7 + 1):
        shown += _page_numbers(client.get(f"/cases/list/?psize_CaseView=7&page_CaseView={page}").get_data(as_text=True))
    assert shown == expected


def test_a_deep_page_sends_as_many_statements_as_the_first(app, as_user):
    client = as_user("coordinator")
    assert _statements(app, client, "/cases/list/?psize_CaseView=7&page_CaseView=6") == \
        _statements(app, client, "/cases/list/?psize_CaseView=7")


def _record_count(html: str) -> str:
    return re.search(r'<span class="record-count">([^<]*)</span>', html).group(1)


def test_counts_are_exact_up_to_the_threshold(app, as_user):
    total = len(_numbers_in_order(app))
    app.config["LIST_COUNT_EXACT_MAX"] = total
    try:
        assert _record_count(as_user("coordinator").get("/cases/list/").get_data(as_text=True)) == str(total)
    finally:
        app.config["LIST_COUNT_EXACT_MAX"] = 100_000


@pytest.fixture
def low_threshold(app):
    app.config["LIST_COUNT_EXACT_MAX"] = 10
    yield
    app.config["LIST_COUNT_EXACT_MAX"] = 100_000


def test_above_the_threshold_postgresql_shows_its_estimate_and_sqlite_counts_on(app, as_user, low_threshold):
    total = len(_numbers_in_order(app))
    client = as_user("coordinator")
    html = client.get("/cases/list/").get_data(as_text=True)
    shown = _record_count(html)
    with app.app_context():
        dialect = db.engine.dialect.name
    if dialect == "postgresql":
        estimate = re.fullmatch(r"约 (\d+) 条", shown)
        assert estimate, shown
        assert int(estimate.group(1)) > 10  # never below what the capped count already saw
    else:
        assert shown == str(total)
    assert _statements(app, client, "/cases/list/") <= 6
