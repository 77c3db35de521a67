"""The console in a real browser: Debian's Chromium driven by Playwright against a live server.

What only a browser can show: the scripts run under our Content-Security-Policy,
the searchable selects fetch and pick departments, row buttons and bulk
actions post with their CSRF tokens, the personal-data reveal works.
Every page and record of every role is crawled in tests/test_crawl.py.
"""

from __future__ import annotations

import re

import sqlalchemy as sa

from extensions import db
from models import AuditLog, Case
from models.enums import CaseStatus
from tests.browser_support import browser, live, session  # noqa: F401  (fixtures)
from tests.workflow_support import act, case_in

LIST = re.compile(r"/cases/list/\??$")


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
