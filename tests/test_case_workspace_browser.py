"""The case workspace in Chromium, on a desktop (1366×768) and on a phone (390×844, 粤政易): one toolbar row,
no sideways scrolling, the 「更多」 menu opening a dialog whose form returns to the case with its new status."""

from __future__ import annotations

import pytest

from extensions import db
from models.enums import CaseStatus
from tests.browser_support import browser, live, session  # noqa: F401  (fixtures)
from tests.workflow_support import case_in

TOOLBAR_TOPS = "els => els.map(e => Math.round(e.getBoundingClientRect().top))"
NO_SIDEWAYS = "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"


def _assigned_case(app) -> tuple[int, str]:
    with app.app_context():
        case = case_in(CaseStatus.ASSIGNED)
        db.session.commit()
        return case.id, case.number


@pytest.mark.parametrize("width,height", [(1366, 768), (390, 844)])
def test_coordinator_returns_a_case_for_reassignment_from_the_more_menu(app, session, width, height):
    pk, _number = _assigned_case(app)
    s = session("coordinator")
    s.page.set_viewport_size({"width": width, "height": height})
    page = s.go(f"/cases/show/{pk}")

    tops = page.eval_on_selector_all(".case-toolbar .btn", TOOLBAR_TOPS)
    assert len(tops) == 2 and len(set(tops)) == 1, tops  # 办结 and 更多, side by side
    assert page.evaluate(NO_SIDEWAYS)
    summary = page.locator(".case-summary-col").bounding_box()
    timeline = page.locator(".case-timeline-col").bounding_box()
    if width >= 992:  # two columns: the timeline beside the summary
        assert timeline["x"] > summary["x"] + summary["width"] - 1 and abs(timeline["y"] - summary["y"]) < 2
    else:  # stacked: the timeline under the summary
        assert timeline["y"] >= summary["y"] + summary["height"] - 1

    page.locator("#case-more > .dropdown-toggle").click()
    page.locator("#case-more .dropdown-menu a[data-action=reassign]").click()
    dialog = page.locator("#case-act-reassign")
    dialog.wait_for(state="visible")
    assert page.evaluate(NO_SIDEWAYS)
    dialog.locator("button[type=submit]").click()  # no reason: refused, and the dialog opens again saying why
    page.wait_for_load_state("networkidle")
    dialog = page.locator("#case-act-reassign")
    dialog.wait_for(state="visible")
    assert dialog.locator(".action-refused").is_visible()
    assert page.locator(".case-status").inner_text() == "交办"

    dialog.locator("textarea[name=reason]").fill("主办单位不对口，改派人社局")
    dialog.locator("button[type=submit]").click()
    page.wait_for_url(f"{s.base}/cases/show/{pk}")
    page.wait_for_load_state("networkidle")
    assert page.locator(".case-status").inner_text() == "研判"
    assert any(text.startswith("已执行「退回改派」") for text in s.flashes()), s.flashes()
    assert page.evaluate(NO_SIDEWAYS)


def test_without_scripts_the_menu_and_the_forms_are_still_reachable(app, browser, live):
    from tests.conftest import PASSWORD

    pk, _number = _assigned_case(app)
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{live}/login/")
        page.fill("#username", "coordinator")
        page.fill("#password", PASSWORD)
        page.locator("form [type=submit]").click()
        page.wait_for_url(f"{live}/dashboard/")
        page.goto(f"{live}/cases/show/{pk}")
        page.locator("#case-more > .dropdown-toggle").click()  # → #case-more, the menu opens by :target
        assert page.locator("#case-more .dropdown-menu").is_visible()
        page.locator("#case-more .dropdown-menu a", has_text="上传附件").click()
        assert page.locator("#case-upload input[type=file]").is_visible()
        page.goto(f"{live}/cases/show/{pk}#case-more")
        page.locator("#case-more .dropdown-menu a[data-action=reassign]").click()
        page.wait_for_url(f"{live}/cases/act/{pk}/reassign")  # the action's own page holds the same form
        page.locator("textarea[name=reason]").fill("主办单位不对口")
        page.locator("form.action-form [type=submit]").click()
        page.wait_for_url(f"{live}/cases/show/{pk}")
        assert page.locator(".case-status").inner_text() == "研判"
    finally:
        context.close()
