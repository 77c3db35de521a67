"""The workflow through the screens and the API: buttons, forms, bulk actions, 409s, archive."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from extensions import db
from models import Case, CaseEvent, Notification, Supervision
from models.enums import AssignmentStatus, CaseStatus
from models.notification import NotificationKind
from tests.workflow_support import act, case_in, department, snapshot, user


def test_case_list_rows_offer_the_next_step(as_user, app_ctx):
    received = case_in(CaseStatus.RECEIVED)
    assessed = case_in(CaseStatus.ASSESSING)
    html = as_user("coordinator").get("/cases/list/?quick=to_assess").get_data(as_text=True)
    assert f"/cases/act/{received.id}/assess" in html
    html = as_user("coordinator").get("/cases/list/").get_data(as_text=True)
    assert f"/cases/act/{assessed.id}/assign" in html
    window = as_user("window").get("/cases/list/").get_data(as_text=True)
    assert f"/cases/act/{received.id}/assess" not in window, "window staff may not assess"
    assert f"/cases/act/{received.id}/resolve_on_spot" in window


def test_case_page_shows_exactly_the_allowed_actions(as_user, app_ctx):
    case = case_in(CaseStatus.ASSIGNED)
    coordinator = as_user("coordinator").get(f"/cases/show/{case.id}").get_data(as_text=True)
    for action in ("supervise", "escalate", "reassign", "suspend", "resolve"):
        assert f'data-action="{action}"' in coordinator
    for action in ("assess", "assign", "archive", "resume", "approve_extension"):
        assert f'data-action="{action}"' not in coordinator
    handler = as_user("handler_tax").get(f"/cases/show/{case.id}").get_data(as_text=True)
    assert 'data-action="sign"' in handler and 'data-action="resolve"' not in handler
    assert "办理记录" in coordinator and "交办" in coordinator


def test_an_action_form_runs_through_the_ui(as_user, app_ctx):
    case = case_in(CaseStatus.RECEIVED)
    client = as_user("coordinator")
    form = client.get(f"/cases/act/{case.id}/assess").get_data(as_text=True)
    assert "反映类型" in form and "处办机制" in form
    done = client.post(f"/cases/act/{case.id}/assess", data={
        "problem_type": "difficult", "track": "coordinate", "disposition": "escalate", "level": "center",
        "note": "电话沟通", "version": case.version})
    assert done.status_code == 302
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    assert case.status == CaseStatus.ASSESSING and case.events[-1].note == "电话沟通"
    assert case.events[-1].actor.username == "coordinator"


def test_ui_refusals_show_the_reason_and_change_nothing(as_user, app_ctx):
    case = case_in(CaseStatus.RECEIVED)
    before = snapshot(case.id)
    client = as_user("coordinator")
    bad = client.post(f"/cases/act/{case.id}/assess", data={"problem_type": "x", "version": case.version})
    assert bad.status_code == 200 and "请修改标出的字段" in bad.get_data(as_text=True)
    stale = client.post(f"/cases/act/{case.id}/assess", data={
        "problem_type": "difficult", "track": "coordinate", "disposition": "escalate", "level": "center",
        "version": case.version + 7})
    assert "该事项已被他人更新，请刷新后重试" in stale.get_data(as_text=True)
    assert snapshot(case.id) == before
    assert as_user("window").post(f"/cases/act/{case.id}/assess", data={}).status_code == 403


def test_stale_version_answers_409_in_the_api(api, app_ctx):
    case = case_in(CaseStatus.RECEIVED)
    coordinator = api("coordinator")
    body = {"problem_type": "difficult", "track": "coordinate", "disposition": "escalate", "level": "center"}
    first = coordinator.post(f"/api/v1/cases/{case.id}/actions/assess", json={**body, "version": case.version})
    assert first.status_code == 200
    assert first.get_json()["result"]["status"] == "assessing"
    second = coordinator.post(f"/api/v1/cases/{case.id}/actions/assess", json={**body, "version": case.version})
    assert second.status_code == 409
    assert second.get_json()["message"] == "该事项已被他人更新，请刷新后重试"


def test_api_action_answers(api, app_ctx):
    case = case_in(CaseStatus.RECEIVED)
    coordinator = api("coordinator")
    wrong_state = coordinator.post(f"/api/v1/cases/{case.id}/actions/resolve", json={"result": "x", "solved": "yes"})
    assert wrong_state.status_code == 409
    bad = coordinator.post(f"/api/v1/cases/{case.id}/actions/assign", json={})
    assert bad.status_code == 409
    invalid = coordinator.post(f"/api/v1/cases/{case.id}/actions/assess", json={"problem_type": 5})
    assert invalid.status_code == 400 and "problem_type" in invalid.get_json()["errors"]
    assert coordinator.post(f"/api/v1/cases/{case.id}/actions/fly", json={}).status_code == 404
    assert coordinator.post("/api/v1/cases/99999999/actions/assess", json={}).status_code == 404
    assert api("leader").post(f"/api/v1/cases/{case.id}/actions/assess", json={}).status_code == 403
    assert coordinator.post(f"/api/v1/cases/{case.id}/actions/assess", json=["x"]).status_code == 400


def test_openapi_documents_every_action(api):
    spec = api("admin").get("/api/v1/_openapi").get_json()
    from workflow.transitions import TRANSITIONS

    for action in TRANSITIONS:
        path = f"/api/v1/cases/{{pk}}/actions/{action.value}"
        assert path in spec["paths"], path
        schema = spec["components"]["schemas"][f"CaseAction.{action.value}"]
        assert "version" in schema["properties"]
    assert spec["components"]["schemas"]["CaseAction.assign"]["properties"]["co_department_ids"]["type"] == "array"


def test_bulk_assign_thirty_cases_in_one_confirmation(as_user, app_ctx):
    cases = [case_in(CaseStatus.ASSESSING) for _ in range(30)]
    archived = case_in(CaseStatus.ARCHIVED)
    ids = [str(c.id) for c in cases] + [str(archived.id)]
    client = as_user("coordinator")
    form = client.post("/cases/bulk/assign", data={"rowid": ids})
    assert form.status_code == 200 and "已选择 31 件事项" in form.get_data(as_text=True)
    tax = department("清城区税务局")
    before_events = db.session.execute(sa.select(sa.func.count()).select_from(CaseEvent)).scalar_one()
    done = client.post("/cases/bulk/assign", data={"rowid": ids, "confirm": "1", "lead_department_id": tax.id,
                                                   "deadline_days": "5"}, follow_redirects=True)
    html = done.get_data(as_text=True)
    assert "已对 30 件事项执行「交办」" in html
    assert f"{archived.number} 未执行：该事项状态为“归档”，只读" in html
    after_events = db.session.execute(sa.select(sa.func.count()).select_from(CaseEvent)).scalar_one()
    assert after_events == before_events + 30
    db.session.expire_all()
    assert all(db.session.get(Case, c.id).lead_department_id == tax.id for c in cases)


def test_bulk_supervise_and_bad_parameters(as_user, app_ctx):
    cases = [case_in(CaseStatus.ASSIGNED) for _ in range(3)]
    ids = [str(c.id) for c in cases]
    client = as_user("coordinator")
    refused = client.post("/cases/bulk/supervise", data={"rowid": ids, "confirm": "1"})
    assert "请修改标出的字段" in refused.get_data(as_text=True)
    tax = department("清城区税务局")
    client.post("/cases/bulk/supervise", data={"rowid": ids, "confirm": "1", "department_id": tax.id,
                                               "supervision_level": "key", "reason": "逾期未反馈"})
    assert db.session.execute(sa.select(sa.func.count()).select_from(Supervision).where(
        Supervision.case_id.in_([c.id for c in cases]))).scalar_one() == 3


def test_archived_cases_are_read_only_on_every_channel(as_user, api, app_ctx):
    case = case_in(CaseStatus.ARCHIVED)
    before = snapshot(case.id)
    admin = as_user("admin")
    assert admin.get(f"/cases/edit/{case.id}").status_code == 409
    assert admin.post(f"/cases/edit/{case.id}", data={"title": "改"}).status_code == 409
    admin.post(f"/cases/delete/{case.id}")
    for action in ("assess", "supervise", "resume", "archive", "escalate", "void"):
        assert admin.post(f"/cases/act/{case.id}/{action}", data={}).status_code in (302, 200)
    client = api("admin")
    assert client.put(f"/api/v1/cases/{case.id}", json={"title": "改"}).status_code == 409
    assert client.delete(f"/api/v1/cases/{case.id}").status_code == 405  # cases are voided, never deleted
    assert client.post(f"/api/v1/cases/{case.id}/actions/supervise", json={}).status_code == 409
    assert snapshot(case.id) == before
    db.session.expire_all()
    assert db.session.get(Case, case.id).title == "测试事项"


def test_corrections_are_logged(api, app_ctx):
    case = case_in(CaseStatus.ASSIGNED)
    changed = api("coordinator").put(f"/api/v1/cases/{case.id}", json={"applicant_name": "赵先生",
                                                                      "version": case.version})
    assert changed.status_code == 200
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    assert case.applicant_name == "赵先生"
    assert case.events[-1].action.value == "update" and case.events[-1].data["fields"] == ["applicant_name"]
    refused = api("coordinator").put(f"/api/v1/cases/{case.id}", json={"status": "archived"})
    assert refused.status_code == 400 and "status" in refused.get_json()["errors"]


def test_assignment_notifies_the_department_and_replies_notify_the_coordinator(app_ctx):
    from models import Coordinator
    from tests.workflow_support import ASSESS, new_case

    zhang = db.session.execute(sa.select(Coordinator).where(Coordinator.user_id == user("coordinator").id)).scalar_one()
    case = act(new_case(), "assess", {**ASSESS, "coordinator_id": zhang.id})
    case = act(case, "assign", {"lead_department_id": "清城区税务局"})
    handler = user("handler_tax")
    notes = db.session.execute(sa.select(Notification).where(Notification.case_id == case.id)).scalars().all()
    assert any(n.user_id == handler.id and n.kind == NotificationKind.ASSIGNED for n in notes)
    act(case, "reply", {"department_id": "清城区税务局", "content": "已办"}, username="handler_tax")
    coordinator_notes = db.session.execute(sa.select(Notification).where(
        Notification.case_id == case.id, Notification.kind == NotificationKind.REPLIED)).scalars().all()
    assert coordinator_notes and all(n.user.username == "coordinator" for n in coordinator_notes)
    unowned = act(case_in(CaseStatus.ASSESSING), "assign", {"lead_department_id": "清城区税务局"})
    act(unowned, "reply", {"department_id": "清城区税务局", "content": "已办"}, username="handler_tax")
    everyone = {n.user.username for n in db.session.execute(sa.select(Notification).where(
        Notification.case_id == unowned.id, Notification.kind == NotificationKind.REPLIED)).scalars()}
    assert everyone == {"coordinator", "zhou_tax", "wu_hrss", "zheng_market"}, "no coordinator: all of them"


def test_notifications_page_and_badge(as_user, app_ctx):
    case_in(CaseStatus.ASSIGNED)
    client = as_user("handler_tax")
    html = client.get("/dashboard/").get_data(as_text=True)
    assert "badge-unread" in html
    listing = client.get("/notifications/list/").get_data(as_text=True)
    assert "已交办给本单位" in listing
    own = db.session.execute(sa.select(Notification).where(
        Notification.user_id == user("handler_tax").id)).scalars().first()
    other = db.session.execute(sa.select(Notification).where(
        Notification.user_id != user("handler_tax").id)).scalars().first()
    assert client.get(f"/notifications/show/{own.id}").status_code == 200
    assert client.get(f"/notifications/show/{other.id}").status_code == 404
    db.session.expire_all()
    assert db.session.get(Notification, own.id).read_at is not None


def test_reminders_are_written_once(app, app_ctx):
    from workdays import clock
    from workflow.reminders import run_reminders

    case = case_in(CaseStatus.ASSIGNED)
    due = case.due_date
    with clock.frozen_at(due):
        first = run_reminders()
        second = run_reminders()
    assert first.due_soon >= 1 and second.due_soon == 0
    with clock.frozen_at(due + dt.timedelta(days=3)):
        late = run_reminders()
        again = run_reminders()
    assert late.overdue >= 2 and again.overdue == 0
    kinds = set(db.session.execute(sa.select(Notification.kind).where(Notification.case_id == case.id)).scalars())
    assert {NotificationKind.DUE_SOON, NotificationKind.OVERDUE} <= kinds


def test_new_case_defaults_to_todays_duty_coordinator(as_user, app_ctx):
    from models import Coordinator, DutyRota
    from models.base import acting_as
    from workdays import clock

    zhou = db.session.execute(sa.select(Coordinator).join(Coordinator.user).where(
        Coordinator.user.has(username="zhou_tax"))).scalar_one()
    with acting_as(user("admin").id):
        db.session.execute(sa.delete(DutyRota).where(DutyRota.day == clock.today()))
        db.session.add(DutyRota(day=clock.today(), coordinator=zhou))
        db.session.commit()
    form = as_user("window").get("/cases/add").get_data(as_text=True)
    assert f'<option value="{zhou.id}" selected>' in form
    dashboard = as_user("coordinator").get("/dashboard/").get_data(as_text=True)
    assert "周敏" in dashboard


def test_overdue_is_the_same_in_list_api_and_dashboard(as_user, api, app_ctx):
    from workdays import clock

    case = case_in(CaseStatus.ASSIGNED)
    later = case.due_date + dt.timedelta(days=10)
    with clock.frozen_at(later):
        listing = as_user("coordinator").get("/cases/list/?quick=overdue").get_data(as_text=True)
        assert case.number in listing
        item = api("coordinator").get(f"/api/v1/cases/{case.id}").get_json()["result"]
        assert item["overdue"] is True
        unsupervised = as_user("coordinator").get("/cases/list/?quick=overdue_unsupervised").get_data(as_text=True)
        assert case.number in unsupervised
        act(case, "supervise", {"department_id": "清城区税务局", "supervision_level": "key", "reason": "超期"},
            dt.datetime.combine(later, dt.time(9)))
        unsupervised = as_user("coordinator").get("/cases/list/?quick=overdue_unsupervised").get_data(as_text=True)
        assert case.number not in unsupervised
    soon = as_user("coordinator").get("/cases/list/?quick=due_soon").get_data(as_text=True)
    assert "反映事项" in soon


def test_handler_works_own_assignments(as_user, app_ctx):
    case = case_in(CaseStatus.ASSIGNED)
    client = as_user("handler_tax")
    listing = client.get("/assignments/list/").get_data(as_text=True)
    assert case.number in listing
    assert client.post(f"/cases/act/{case.id}/sign", data={"version": case.version}).status_code == 302
    db.session.expire_all()
    assignment = db.session.get(Case, case.id).assignments[-1]
    assert assignment.status == AssignmentStatus.SIGNED and assignment.signed_by.username == "handler_tax"
