"""The case list in Chromium at a desk screen (1366×768) and a phone (粤政易, 390×844) — issue 13.

At 1366 px every case is one line: all data rows are equally tall, less than two text lines, and a
row's buttons sit side by side. At 390 px the page never scrolls sideways: the rows become cards,
and the quick filters, saved filters, search panel and bulk-action bar fit the screen.
"""

from __future__ import annotations

import pytest

from access.system import as_system
from extensions import db
from models.enums import CaseStatus
from tests.browser_support import browser, live, session  # noqa: F401  (fixtures)
from tests.workflow_support import case_in, new_case

LONG_TITLE = "企业开办涉及的营业执照、印章刻制与银行开户三件事在窗口多次往返仍未办成，申请人第三次来到窗口反映"

ROWS = """() => [...document.querySelectorAll('table.console-list > tbody > tr')].map(row => ({
    height: row.getBoundingClientRect().height,
    line: parseFloat(getComputedStyle(row.querySelector('td.col-title')).lineHeight),
    buttonTops: [...row.querySelectorAll('td.row-buttons .btn')].map(b => Math.round(b.getBoundingClientRect().top)),
}))"""
WIDTHS = "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"


@pytest.fixture
def long_rows(app):
    """A long-titled case for each list (the handler's is assigned to 清城区税务局), among the demo cases."""
    with app.app_context():
        new_case(title=LONG_TITLE)
        assigned = case_in(CaseStatus.ASSIGNED)
        with as_system():
            assigned.title = LONG_TITLE
            db.session.commit()


@pytest.mark.parametrize("username", ["coordinator", "handler_tax"])
def test_one_line_per_case_at_1366(session, long_rows, username):
    s = session(username)
    s.page.set_viewport_size({"width": 1366, "height": 768})
    rows = s.go("/cases/list/").evaluate(ROWS)
    assert len(rows) >= 2, rows
    heights = [r["height"] for r in rows]
    # one text line is 20 px (Bootstrap's line-height); a row is that plus its padding and buttons, about 34 px
    assert max(heights) - min(heights) < 1, heights
    assert max(heights) < 2 * rows[0]["line"], (heights, rows[0]["line"])
    assert all(len(set(r["buttonTops"])) == 1 for r in rows), [r["buttonTops"] for r in rows]
    assert s.page.evaluate(WIDTHS)[0] <= 1366


@pytest.mark.parametrize("username", ["coordinator", "handler_tax"])
def test_no_sideways_scrolling_at_390(session, long_rows, username):
    s = session(username)
    s.page.set_viewport_size({"width": 390, "height": 844})
    page = s.go("/cases/list/")
    scroll_width, client_width = page.evaluate(WIDTHS)
    assert scroll_width <= client_width == 390
    # every card inside the screen; the title wraps instead of being cut
    cards = page.evaluate("() => [...document.querySelectorAll('table.console-list > tbody > tr')]"
                          ".map(r => r.getBoundingClientRect().right)")
    assert cards and max(cards) <= 390, cards
    page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")  # search, save filter
    if page.get_by_text("批量操作").count():
        page.get_by_text("批量操作").click()
    scroll_width, client_width = page.evaluate(WIDTHS)
    assert scroll_width <= client_width == 390
    assert page.locator("td.col-title", has_text=LONG_TITLE).first.is_visible()
