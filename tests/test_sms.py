"""Text messages: queued once per event and phone, kept in the outbox by default, sent with retries,
the applicant's opt-out, and the admin's template and outbox screens."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from access.system import as_system
from extensions import db
from models import Case, CaseEvent, SmsMessage, SmsTemplate
from models.enums import ApplicantKind, CaseAction, CaseStatus, Channel, SmsEvent, SmsState
from sms.outbox import queue_for_event
from sms.sender import send_due
from tests.helpers import english_words
from tests.sms_support import Gateway, RecordingProvider, RefusingProvider
from tests.workflow_support import NOW, act, case_in, department, system_actor
from workdays import clock
from workflow.registration import register_case

TAX_PHONE = "0763-3362001"
APPLICANT = "13812345678"


def messages(**where) -> list[SmsMessage]:
    db.session.expire_all()
    query = sa.select(SmsMessage).filter_by(**where).order_by(SmsMessage.id)
    return list(db.session.execute(query).scalars())


@pytest.fixture
def tax_phone(app_ctx):
    with as_system():
        department("清城区税务局").contact_phone = TAX_PHONE
        db.session.commit()


def with_phone(opt_out: bool = False) -> Case:
    """A case registered at the window with the applicant's mobile, 不接收短信 as asked."""
    case = Case(title="测试事项", description="诉求内容", channel=Channel.WINDOW, applicant_kind=ApplicantKind.PERSON,
                applicant_name="测试人", received_at=NOW, applicant_phone=APPLICANT, sms_opt_out=opt_out)
    with clock.frozen_at(NOW):
        return register_case(case, system_actor("window"))


def test_an_assignment_queues_one_message_even_when_the_action_is_retried(api, tax_phone):
    case = case_in(CaseStatus.ASSESSING)
    body = {"lead_department_id": department("清城区税务局").id, "deadline_days": 5, "version": case.version}
    coordinator = api("coordinator")
    assert coordinator.post(f"/api/v1/cases/{case.id}/actions/assign", json=body).status_code == 200
    # the client did not hear the answer and sends the same request again
    assert coordinator.post(f"/api/v1/cases/{case.id}/actions/assign", json=body).status_code == 409
    [message] = messages(case_id=case.id, event=SmsEvent.ASSIGNED)
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    assert message.phone == TAX_PHONE and message.state == SmsState.QUEUED
    # the default template: 事项{编号}“{标题}”已交办{部门}，请于{时限}前办结
    assert f"事项{case.number}“测试事项”已交办清城区税务局，请于{case.due_date.isoformat()}前办结" in message.text


def test_replaying_the_hook_queues_nothing_more_and_the_database_refuses_a_duplicate(tax_phone):
    case = act(case_in(CaseStatus.ASSIGNED), "supervise", {
        "department_id": "清城区税务局", "supervision_level": "key", "reason": "未反馈"})
    event = db.session.execute(sa.select(CaseEvent).where(
        CaseEvent.case_id == case.id, CaseEvent.action == CaseAction.SUPERVISE)).scalar_one()
    assert len(messages(case_id=case.id, event=SmsEvent.SUPERVISED)) == 1
    assert queue_for_event(event) == 0 and queue_for_event(event) == 0
    db.session.commit()
    [message] = messages(case_id=case.id, event=SmsEvent.SUPERVISED)
    db.session.add(SmsMessage(event=SmsEvent.SUPERVISED, event_key=message.event_key, phone=TAX_PHONE,
                              text="重复", case_id=case.id))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_the_applicant_hears_of_receipt_and_resolution_unless_opted_out(app_ctx):
    told = with_phone()
    act(told, "resolve_on_spot", {"result": "已当场办结", "solved": "yes"})
    silent = with_phone(opt_out=True)
    act(silent, "resolve_on_spot", {"result": "已当场办结", "solved": "yes"})
    assert [m.event for m in messages(case_id=told.id)] == [SmsEvent.RECEIVED, SmsEvent.RESOLVED]
    assert messages(case_id=silent.id) == []
    received, resolved = messages(case_id=told.id)
    assert {received.phone, resolved.phone} == {APPLICANT}
    assert f"已受理，编号{told.number}" in received.text and told.number in resolved.text


def test_a_missed_callback_tells_the_applicant_and_a_disabled_template_sends_nothing(app_ctx):
    case = act(with_phone(), "resolve_on_spot", {"result": "已当场办结", "solved": "yes"})
    act(case, "callback", {"channel": "phone", "reached": False})
    assert messages(case_id=case.id)[-1].event == SmsEvent.CALLBACK
    with as_system():
        template = db.session.execute(
            sa.select(SmsTemplate).where(SmsTemplate.event == SmsEvent.CALLBACK)).scalar_one()
        template.is_active = False
        db.session.commit()
    act(case, "callback", {"channel": "phone", "reached": False}, NOW + dt.timedelta(days=1))
    assert [m.event for m in messages(case_id=case.id)] == [SmsEvent.RECEIVED, SmsEvent.RESOLVED, SmsEvent.CALLBACK]


def test_the_default_provider_keeps_messages_in_the_outbox_and_sends_each_once(app, tax_phone):
    case_in(CaseStatus.ASSIGNED)
    queued = len(messages(state=SmsState.QUEUED))
    assert queued >= 1
    with clock.frozen_at(NOW + dt.timedelta(minutes=1)):
        report = send_due(app.config)
        again = send_due(app.config)
    assert (report.kept, report.sent, again.kept) == (queued, 0, 0)
    assert messages(state=SmsState.QUEUED) == []
    kept = messages(state=SmsState.OUTBOX)
    assert all(m.attempts == 1 and m.sent_at is not None for m in kept)


def test_a_configured_provider_sends_and_a_refusing_one_is_retried_then_failed(app, tax_phone):
    RecordingProvider.sent.clear()
    case = case_in(CaseStatus.ASSIGNED)
    [message] = messages(case_id=case.id, event=SmsEvent.ASSIGNED)
    config = {**app.config, "SMS_PROVIDER": "tests.sms_support:RefusingProvider", "SMS_MAX_ATTEMPTS": 3,
              "SMS_RETRY_SECONDS": 60}
    RefusingProvider.tries = 0
    start = NOW + dt.timedelta(minutes=1)
    # tries at start, start + 60 s, start + 60 s + 120 s (the wait doubles); the third failure is final
    for moment, state in ((start, SmsState.QUEUED), (start + dt.timedelta(seconds=59), SmsState.QUEUED),
                          (start + dt.timedelta(seconds=60), SmsState.QUEUED),
                          (start + dt.timedelta(seconds=180), SmsState.FAILED)):
        with clock.frozen_at(moment):
            send_due(config)
        assert db.session.get(SmsMessage, message.id).state == state
        db.session.expire_all()
    message = db.session.get(SmsMessage, message.id)
    assert (message.attempts, message.last_error) == (3, "网关无响应 503")
    assert RefusingProvider.tries >= 3
    config["SMS_PROVIDER"] = "tests.sms_support:RecordingProvider"
    with clock.frozen_at(start + dt.timedelta(hours=1)):
        send_due(config)
    assert TAX_PHONE not in [phone for phone, _ in RecordingProvider.sent], "a failed message is not resent"
    other = case_in(CaseStatus.ASSIGNED)
    with clock.frozen_at(start + dt.timedelta(hours=2)):
        send_due(config)
        send_due(config)
    [sent] = messages(case_id=other.id, event=SmsEvent.ASSIGNED)
    assert sent.state == SmsState.SENT
    assert sum(1 for phone, text in RecordingProvider.sent if text == sent.text) == 1


def test_the_admin_edits_templates_and_reads_the_outbox_masked(as_user, tax_phone):
    case_in(CaseStatus.ASSIGNED)
    admin = as_user("admin")
    outbox = admin.get("/sms-outbox/list/").get_data(as_text=True)
    assert "短信发件箱" in outbox and "待发送" in outbox and "0763" not in outbox.split("接收号码", 1)[1]
    assert english_words(outbox) == []
    assert "/sms-outbox/delete/" not in outbox
    queued = admin.get("/sms-outbox/list/?quick=queued").get_data(as_text=True)
    assert "待发送" in queued
    template = db.session.execute(sa.select(SmsTemplate).where(SmsTemplate.event == SmsEvent.ASSIGNED)).scalar_one()
    page = admin.get(f"/sms-templates/edit/{template.id}").get_data(as_text=True)
    assert "模板内容" in page and "{编号}" in page and english_words(page) == []
    saved = admin.post(f"/sms-templates/edit/{template.id}", data={
        "text": "事项{编号}已交办，限{时限}前办结。", "is_active": "y"})
    assert saved.status_code == 302
    db.session.expire_all()
    assert db.session.get(SmsTemplate, template.id).text == "事项{编号}已交办，限{时限}前办结。"
    other = case_in(CaseStatus.ASSIGNED)
    [message] = messages(case_id=other.id, event=SmsEvent.ASSIGNED)
    assert message.text == f"事项{other.number}已交办，限{other.due_date.isoformat()}前办结。"
    assert as_user("window").get("/sms-outbox/list/").status_code in (302, 403)


def test_the_example_http_provider_posts_json_and_a_refusal_is_retried(app, tax_phone):
    case = case_in(CaseStatus.ASSIGNED)
    [message] = messages(case_id=case.id, event=SmsEvent.ASSIGNED)
    down, up = Gateway(status=503), Gateway(status=200)
    config = {**app.config, "SMS_PROVIDER": "sms.providers:HttpJsonProvider", "SMS_HTTP_TOKEN": "t0ken"}
    try:
        with clock.frozen_at(NOW + dt.timedelta(minutes=1)):
            send_due({**config, "SMS_HTTP_URL": down.url})
        refused = db.session.get(SmsMessage, message.id)
        assert (refused.state, refused.attempts) == (SmsState.QUEUED, 1)
        assert refused.last_error == "短信网关返回 HTTP 503。"
        db.session.expire_all()
        with clock.frozen_at(NOW + dt.timedelta(hours=1)):
            send_due({**config, "SMS_HTTP_URL": up.url})
    finally:
        down.close()
        up.close()
    sent = db.session.get(SmsMessage, message.id)
    assert (sent.state, sent.attempts, sent.last_error) == (SmsState.SENT, 2, None)
    assert ("Bearer t0ken", {"phone": TAX_PHONE, "text": message.text}) in up.received


def test_the_scheduled_task_empties_the_queue_like_the_command(app, tax_phone):
    case_in(CaseStatus.ASSIGNED)
    queued = len(messages(state=SmsState.QUEUED))
    assert queued >= 1
    with clock.frozen_at(NOW + dt.timedelta(minutes=1)):
        app.extensions["celery"].tasks["jobs.send_text_messages"].apply()   # what beat runs every minute
    assert messages(state=SmsState.QUEUED) == [] and len(messages(state=SmsState.OUTBOX)) == queued
