"""The add form's 疑似重复 hint in a real browser: console.js asks /cases/duplicates under the CSP, once the
applicant's phone is filled in, and names the earlier case with the phone masked."""

from __future__ import annotations

from models import Case
from models.enums import ApplicantKind, Channel
from tests.browser_support import browser, live, session  # noqa: F401  (fixtures)
from tests.workflow_support import system_actor
from workdays import clock
from workflow.registration import register_case


def test_the_add_form_names_a_likely_duplicate_when_the_phone_is_filled_in(app, session):
    with app.app_context():
        earlier = register_case(Case(
            title="社保缴费年限查询", description="诉求内容", channel=Channel.WINDOW,
            applicant_kind=ApplicantKind.PERSON, applicant_name="王某", applicant_phone="13800138000",
            received_at=clock.now()), system_actor("window"))
        number = earlier.number
    s = session("window")
    page = s.go("/cases/add")
    hint = page.locator("#duplicate-hint")
    assert hint.is_hidden()
    page.fill("[name='applicant_phone']", "138 0013 8000")
    page.locator("[name='applicant_phone']").dispatch_event("change")
    hint.get_by_role("link", name=number).wait_for()
    text = hint.inner_text()
    assert "疑似重复" in text and "联系电话相同" in text and "社保缴费年限查询" in text
    assert "13800138000" not in page.content()
