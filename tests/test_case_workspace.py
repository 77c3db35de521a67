"""The case page as a workspace: the allowed actions in one toolbar (the next step first, the rest under 「更多」)
opening dialogs that come back to the page, the summary without empty fields beside the timeline, and the
assignments with each department's 签收/反馈 state."""

from __future__ import annotations

import datetime as dt

import lxml.html
import sqlalchemy as sa

from extensions import db
from models import Case
from models.base import acting_as
from models.enums import CaseStatus
from tests.helpers import english_words
from tests.workflow_support import NOW, case_in, new_case, user
from workdays import clock


def C(name: str) -> str:
    """XPath test: the element has class `name`."""
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


def page_of(client, pk: int) -> lxml.html.HtmlElement:
    response = client.get(f"/cases/show/{pk}")
    assert response.status_code == 200
    return lxml.html.fromstring(response.get_data(as_text=True))


def toolbar(doc) -> tuple[str | None, list[str]]:
    """(the primary button's action, the actions in the 「更多」 menu) of the one toolbar on the page."""
    bars = doc.xpath(f"//*[{C('case-toolbar')}]")
    assert len(bars) == 1
    primary = bars[0].xpath(f".//a[{C('case-primary')}]")
    items = bars[0].xpath(f".//*[@id='case-more']//*[{C('dropdown-menu')}]//a[@data-action]")
    menu = [a.get("data-action") for a in items]
    return (primary[0].get("data-action") if primary else None), menu


def text(element) -> str:
    return " ".join(element.text_content().split())


def test_coordinator_sees_the_next_step_first_and_the_rest_under_more(app_ctx, as_user):
    case = case_in(CaseStatus.ASSIGNED)
    doc = page_of(as_user("coordinator"), case.id)
    primary, more = toolbar(doc)
    # Transition table: in 交办 the next step (next_step ∋ 交办) is 办结; the coordinator's other actions on an
    # assigned case are 督办, 提级, 退回改派, 挂起 (test_workflow_channels lists the same five).
    assert primary == "resolve"
    assert {"supervise", "escalate", "reassign", "suspend"} <= set(more) and "resolve" not in more
    assert not {"assess", "assign", "archive", "resume", "sign"} & set(more)
    toggle = doc.xpath(f"//*[@id='case-more']/*[{C('dropdown-toggle')}]")[0]
    assert text(toggle) == "更多" and toggle.get("data-toggle") == "dropdown"
    # The print link and the upload live in the same menu, not in rows of their own.
    menu = text(doc.xpath(f"//*[@id='case-more']//*[{C('dropdown-menu')}]")[0])
    assert "受理回执" in menu and "上传附件" in menu
    # Each action opens its own dialog, holding its form; without a script the link is the action's page.
    button = doc.xpath(f"//a[{C('case-primary')}]")[0]
    assert button.get("data-target") == "#case-act-resolve" and button.get("href") == f"/cases/act/{case.id}/resolve"
    dialog = doc.xpath(f"//*[@id='case-act-resolve'][{C('modal')}]//form")[0]
    assert dialog.get("action") == f"/cases/act/{case.id}/resolve" and dialog.xpath(".//*[@name='result']")


def test_handler_gets_only_the_department_actions(app_ctx, as_user):
    case = case_in(CaseStatus.ASSIGNED)  # lead department 清城区税务局, not yet signed for
    handler = as_user("handler_tax")
    primary, more = toolbar(page_of(handler, case.id))
    assert primary == "sign" and set(more) <= {"reply", "request_extension"}
    signed = handler.post(f"/cases/act/{case.id}/sign", data={"version": case.version, "origin": "case"})
    assert signed.status_code == 302
    primary, more = toolbar(page_of(handler, case.id))
    assert primary == "reply" and set(more) <= {"request_extension"} and "sign" not in more


def test_summary_leaves_out_empty_fields_in_folding_sections(app_ctx, as_user):
    case = case_in(CaseStatus.ASSIGNED)  # registered with no 工单号 and no phone (workflow_support.new_case)
    doc = page_of(as_user("coordinator"), case.id)
    summary = doc.xpath(f"//*[{C('case-summary')}]")[0]
    labels = [text(th) for th in summary.xpath(".//th")]
    assert "诉求内容" in labels and "标题" in labels
    assert "工单号" not in labels and "联系电话" not in labels
    sections = [text(s) for s in summary.xpath(f".//details[{C('show-section')}]/summary")]
    assert sections[:2] == ["反映情况", "反映人"], sections


def test_a_filled_optional_field_is_shown(app_ctx, as_user):
    case = new_case(NOW)
    with acting_as(user("window").id):
        case.external_ref = "GD-20260302-001"
        db.session.commit()
    summary = page_of(as_user("coordinator"), case.id).xpath(f"//*[{C('case-summary')}]")[0]
    assert "工单号" in [text(th) for th in summary.xpath(".//th")] and "GD-20260302-001" in text(summary)


def test_timeline_and_assignments_are_on_the_first_view(app_ctx, as_user):
    case = case_in(CaseStatus.ASSIGNED)
    client = as_user("coordinator")
    with clock.frozen_at(dt.datetime(2026, 3, 4, 10)):
        html = client.get(f"/cases/show/{case.id}").get_data(as_text=True)
    doc = lxml.html.fromstring(html)
    assert not doc.xpath(f"//*[{C('tab-pane')} or {C('nav-tabs')}]")
    events = doc.xpath(f"//*[@id='case-timeline']//*[{C('timeline')}]/li")
    # 受理, 研判, 交办 on Mon 2026-03-02 09:00 (workflow_support.case_in)
    assert [e.get("class") for e in events] == ["event-receive", "event-assess", "event-assign"]
    assert "2026-03-02 09:00" in text(events[-1])
    row = doc.xpath("//*[@id='case-assignments']//tr[@data-assignment]")
    assert len(row) == 1
    cells = [text(td) for td in row[0].xpath("./td")]
    # 5 working days after Mon 03-02: Mon 03-09
    assert cells[0].startswith("清城区税务局") and "主办" in cells[0]
    assert cells[1:] == ["未签收", "未反馈", "2026-03-09"]
    with clock.frozen_at(dt.datetime(2026, 3, 3, 10, 30)):
        done = as_user("handler_tax").post(f"/cases/act/{case.id}/sign",
                                           data={"version": case.version, "origin": "case"})
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/cases/show/{case.id}")
    # on Tue 03-10 the deadline Mon 03-09 has passed and the department has not replied: marked overdue
    for day, deadline in ((dt.datetime(2026, 3, 4, 10), "2026-03-09"),
                          (dt.datetime(2026, 3, 10, 10), "2026-03-09 已超期")):
        with clock.frozen_at(day):
            cells = [text(td) for td in page_of(as_user("coordinator"), case.id).xpath(
                "//*[@id='case-assignments']//tr[@data-assignment]/td")]
        assert cells[1:] == ["2026-03-03 10:30", "未反馈", deadline]
    assert english_words(html) == []


def test_a_dialog_posts_and_lands_back_on_the_case_with_the_result(app_ctx, as_user):
    case = case_in(CaseStatus.ASSIGNED)
    client = as_user("coordinator")
    done = client.post(f"/cases/act/{case.id}/resolve", data={
        "version": case.version, "origin": "case", "result": "已补缴社保", "solved": "yes", "note": ""})
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/cases/show/{case.id}")
    page = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "已执行「办结」" in page
    doc = lxml.html.fromstring(page)
    assert text(doc.xpath(f"//*[{C('case-status')}]")[0]) == "办结"


def test_a_refused_dialog_opens_again_with_the_reason_and_what_was_typed(app_ctx, as_user):
    case = case_in(CaseStatus.ASSIGNED)
    client = as_user("coordinator")
    refused = client.post(f"/cases/act/{case.id}/resolve", data={
        "version": case.version, "origin": "case", "result": "", "solved": "yes", "note": "先记一笔"})
    assert refused.status_code == 200
    doc = lxml.html.fromstring(refused.get_data(as_text=True))
    dialog = doc.xpath("//*[@id='case-act-resolve']")[0]
    assert dialog.get("data-reopen") == "1" and "in" in dialog.get("class").split()
    assert dialog.xpath(f".//*[{C('action-refused')}]") and dialog.xpath(f".//*[{C('has-error')}]//*[@name='result']")
    assert dialog.xpath(".//*[@name='solved']/option[@selected]")[0].get("value") == "yes"
    assert text(dialog.xpath(".//*[@name='note']")[0]) == "先记一笔"
    assert not doc.xpath(f"//*[{C('modal')}][@data-reopen]")[1:], "only the refused dialog opens"
    db.session.expire_all()
    assert db.session.scalar(sa.select(Case.status).where(Case.id == case.id)) == CaseStatus.ASSIGNED


def test_other_read_views_leave_out_empty_fields_too(app_ctx, as_user):
    from models import Department

    department = db.session.scalars(sa.select(Department).where(Department.name == "清城区税务局")).one()
    doc = lxml.html.fromstring(as_user("admin").get(f"/departments/show/{department.id}").get_data(as_text=True))
    cells = doc.xpath(f"//*[{C('show-fields')}]//td")
    assert cells and all(text(td) for td in cells), "no empty row"


def test_a_flag_that_shows_nothing_when_off_is_left_out(app_ctx, as_user):
    case = case_in(CaseStatus.ASSIGNED)  # not a suspected duplicate: its 疑似重复 badge is blank
    summary = page_of(as_user("coordinator"), case.id).xpath(f"//*[{C('case-summary')}]")[0]
    assert "疑似重复" not in [text(th) for th in summary.xpath(".//th")]


def test_a_dialog_for_an_action_no_longer_offered_says_why_on_the_page(app_ctx, as_user):
    case = case_in(CaseStatus.ASSIGNED)
    client = as_user("coordinator")
    seen = {"version": case.version, "origin": "case", "result": "已办结", "solved": "yes"}
    assert client.post(f"/cases/act/{case.id}/resolve", data=seen).status_code == 302
    again = client.post(f"/cases/act/{case.id}/resolve", data=seen)  # a second tab, still showing 交办
    assert again.status_code == 200
    doc = lxml.html.fromstring(again.get_data(as_text=True))
    assert not doc.xpath("//*[@id='case-act-resolve']")
    alerts = " ".join(text(a) for a in doc.xpath(f"//*[{C('alert-danger')}]"))
    assert "该事项已被他人更新" in alerts, alerts  # the stale version is refused first
