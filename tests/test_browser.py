"""The console in a real browser: Debian's Chromium driven by Playwright against a live server.

What only a browser can show: the scripts run under our Content-Security-Policy,
the searchable selects fetch and pick departments, row buttons and bulk
actions post with their CSRF tokens, the personal-data reveal works, and no
page of any role's menu loads anything that fails or comes from outside.

Set CHROMIUM to another browser binary; without Playwright or a browser the
module is skipped (`.ci/run` installs both, so CI always runs it).
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import threading
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

from extensions import db
from models import AuditLog, Case
from models.enums import CaseStatus
from tests.conftest import PASSWORD
from tests.workflow_support import act, case_in

playwright_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
if not os.path.exists(CHROMIUM):
    pytest.skip(f"no Chromium at {CHROMIUM}", allow_module_level=True)

LIST = re.compile(r"/cases/list/\??$")
ROLES = ["admin", "window", "coordinator", "handler_tax", "leader"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium for the module."""
    with playwright_api.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield instance
        instance.close()


@pytest.fixture
def live(app) -> Iterator[str]:
    """The app served over HTTP on a free port, with CSRF checked as in production."""
    app.config["WTF_CSRF_ENABLED"] = True
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


class Session:
    """A logged-in browser tab that records every failure the page meets."""

    def __init__(self, browser: Any, base: str, username: str) -> None:
        self.base = base
        self.context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
        self.page = self.context.new_page()
        self.failures: list[str] = []
        self.page.on("pageerror", lambda error: self.failures.append(f"script error: {error}"))
        self.page.on("console", self._console)
        self.page.on("response", self._response)
        self.page.on("request", self._request)
        self.page.add_init_script(
            "document.addEventListener('securitypolicyviolation', e => "
            "console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));")
        self.page.goto(f"{base}/login/")
        self.page.fill("#username", username)
        self.page.fill("#password", PASSWORD)
        self.page.locator("form [type=submit]").click()
        self.page.wait_for_url(f"{base}/dashboard/")

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.failures.append(f"console: {message.text} at {self.page.url}")

    def _response(self, response: Any) -> None:
        if response.status >= 400:
            self.failures.append(f"{response.status} {response.url}")

    def _request(self, request: Any) -> None:
        if not request.url.startswith((self.base, "data:", "about:")):
            self.failures.append(f"outside request: {request.url}")

    def go(self, path: str) -> Any:
        """Open a console page and wait until its scripts and requests are done."""
        self.page.goto(self.base + path)
        self.page.wait_for_load_state("networkidle")
        return self.page

    def pick(self, select_id: str, typed: str, option: str) -> None:
        """Choose `option` in a searchable select by typing `typed` into it."""
        self.page.locator(f"#{select_id} + .select2").click()
        self.page.keyboard.type(typed)
        self.page.locator(".select2-results__option", has_text=option).first.click()

    def flashes(self) -> list[str]:
        """The flash messages on the current page."""
        return [text.replace("×", "").strip() for text in self.page.locator(".alert").all_inner_texts()]


@pytest.fixture
def session(browser: Any, live: str) -> Iterator[Any]:
    """`session("coordinator")` → a Session; fails the test if any page met a failure."""
    opened: list[Session] = []

    def make(username: str) -> Session:
        opened.append(Session(browser, live, username))
        return opened[-1]

    yield make
    for s in opened:
        s.context.close()
    failures = [f for s in opened for f in s.failures]
    assert failures == [], failures


def _cases_in(status: CaseStatus, count: int, app) -> list[int]:
    with app.app_context():
        ids = [case_in(status).id for _ in range(count)]
        db.session.commit()
        return ids


def _case(app, pk: int) -> tuple[CaseStatus, str | None]:
    with app.app_context():
        case = db.session.get(Case, pk)
        return case.status, case.lead_department.name if case.lead_department else None


def test_coordinator_assigns_from_a_row_button_with_a_searchable_department(app, session):
    pk = _cases_in(CaseStatus.ASSESSING, 1, app)[0]
    s = session("coordinator")
    page = s.go("/cases/list/")
    row = page.locator(f"tr[data-pk='{pk}']")
    row.get_by_role("link", name="交办", exact=True).click()
    page.wait_for_load_state("networkidle")
    s.pick("lead_department_id", "税务", "清城区税务局")
    s.pick("co_department_ids", "人力", "清城区人力资源和社会保障局")
    page.fill("#deadline_days", "5")
    page.locator("form [type=submit]").last.click()
    page.wait_for_url(LIST)
    assert any(text.startswith("已执行「交办」") for text in s.flashes()), s.flashes()
    assert _case(app, pk) == (CaseStatus.ASSIGNED, "清城区税务局")


def test_bulk_assign_selected_rows_after_one_confirmation(app, session):
    ids = _cases_in(CaseStatus.ASSESSING, 2, app)
    s = session("coordinator")
    page = s.go("/cases/list/")
    for pk in ids:
        page.check(f"input.action_check[value='{pk}']")
    page.get_by_text("批量操作").click()
    page.locator("a.bulk-action", has_text="交办").click()
    page.wait_for_url(f"{s.base}/cases/bulk/assign")
    assert "已选择 2 件事项" in page.inner_text("body")
    s.pick("lead_department_id", "税务", "清城区税务局")
    page.get_by_role("button", name="确认：对 2 件事项执行「交办」").click()
    page.wait_for_url(LIST)
    assert any("2 件" in text for text in s.flashes()), s.flashes()
    assert [_case(app, pk) for pk in ids] == [(CaseStatus.ASSIGNED, "清城区税务局")] * 2


def test_bulk_action_without_a_selection_says_so_in_chinese(app, session):
    s = session("coordinator")
    page = s.go("/cases/list/")
    page.get_by_text("批量操作").click()
    page.locator("a.bulk-action", has_text="交办").click()
    dialog = page.locator("#modal-alert")
    dialog.wait_for(state="visible")
    assert "未选择任何记录" in dialog.inner_text()
    assert page.url.endswith("/cases/list/")


def test_handler_signs_for_the_own_department_and_sees_no_other(app, session):
    tax = _cases_in(CaseStatus.ASSIGNED, 1, app)[0]
    with app.app_context():
        other = act(case_in(CaseStatus.ASSESSING), "assign", {"lead_department_id": "清城区住房和城乡建设局"}).id
        db.session.commit()
    s = session("handler_tax")
    page = s.go("/cases/list/")
    assert page.locator(f"tr[data-pk='{tax}']").count() == 1
    assert page.locator(f"tr[data-pk='{other}']").count() == 0
    row = page.locator(f"tr[data-pk='{tax}']")
    row.get_by_role("link", name="签收", exact=True).click()
    page.wait_for_load_state("networkidle")
    page.locator("form [type=submit]").last.click()
    page.wait_for_url(LIST)
    assert any(text.startswith("已执行「签收」") for text in s.flashes()), s.flashes()
    with app.app_context():
        signed = [a.signed_at is not None for a in db.session.get(Case, tax).assignments]
    assert signed == [True]


def test_revealing_a_phone_number_shows_it_and_leaves_an_audit_row(app, session):
    with app.app_context():
        case = db.session.execute(sa.select(Case).where(Case.applicant_phone.is_not(None))).scalars().first()
        pk, phone = case.id, case.applicant_phone
    s = session("coordinator")
    page = s.go(f"/cases/show/{pk}")
    assert phone not in page.inner_text("body")
    page.locator(".reveal-pi").first.click()
    page.get_by_text(phone).wait_for()
    with app.app_context():
        reveals = db.session.scalars(sa.select(AuditLog).where(
            AuditLog.operation == "reveal", AuditLog.record_id == pk)).all()
    assert len(reveals) == 1


def test_search_panel_filters_by_department_through_the_searchable_select(app, session):
    s = session("coordinator")
    page = s.go("/cases/list/")
    page.locator("summary", has_text="查询").click()
    s.pick(page.locator(".search-control[data-column=lead_department] select").get_attribute("id"),
           "税务", "清城区税务局")
    page.locator("#filter_form [type=submit]").click()
    page.wait_for_load_state("networkidle")
    departments = page.locator("td.col-lead_department").all_inner_texts()
    assert departments and set(departments) == {"清城区税务局"}, departments


@pytest.mark.parametrize("username", ROLES)
def test_every_menu_page_of_every_role_loads_cleanly(app, session, username):
    """No script error, no CSP violation, no failed or outside request, and Chinese headings."""
    s = session(username)
    page = s.go("/dashboard/")
    links = sorted({href for href in page.eval_on_selector_all(
        ".navbar .dropdown-menu a[href^='/']", "links => links.map(a => a.getAttribute('href'))")
        if not href.startswith(("/logout", "/lang"))})
    assert len(links) >= 4, links
    for href in links:
        s.go(href)
        heading = page.locator(".panel-title, h1, h2, h3").first.inner_text()
        assert any("\u4e00" <= ch <= "\u9fff" for ch in heading), (href, heading)
