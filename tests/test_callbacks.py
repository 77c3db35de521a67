"""回访 after 办结: attempts from the case page and the API, a verdict through 评价, 无法联系 after three misses,
and the 待回访 tile and list."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from extensions import db
from kpi.facts import Facts
from models import CallbackAttempt, Case, CaseEvent, Satisfaction
from models.enums import CaseAction, CaseStatus, FeedbackChannel, SatisfactionLevel
from tests.helpers import english_words
from tests.test_dashboard import tiles
from tests.test_kpi_drill import record_count
from tests.workflow_support import NOW, act, case_in, snapshot
from workdays import clock

MISSED = {"channel": "phone", "reached": False, "words": "无人接听"}


def attempts(case_id: int) -> list[CallbackAttempt]:
    db.session.expire_all()
    return list(db.session.execute(sa.select(CallbackAttempt).where(CallbackAttempt.case_id == case_id)
                                   .order_by(CallbackAttempt.id)).scalars())


def test_a_reached_callback_records_the_verdict_through_evaluate(api, app_ctx):
    case = case_in(CaseStatus.RESOLVED)
    answer = api("coordinator").post(f"/api/v1/cases/{case.id}/actions/callback", json={
        "channel": "phone", "reached": True, "satisfaction": "satisfied", "words": "办得很快，满意",
        "version": case.version})
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["result"]["status"] == "evaluated"
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    # the attempt is one event, the verdict the same `evaluate` event every other channel writes
    assert [e.action for e in case.events[-2:]] == [CaseAction.CALLBACK, CaseAction.EVALUATE]
    [verdict] = case.satisfactions
    assert (verdict.level, verdict.channel, verdict.comment) == (
        SatisfactionLevel.SATISFIED, FeedbackChannel.PHONE, "办得很快，满意")
    [attempt] = attempts(case.id)
    assert attempt.reached and attempt.satisfaction == SatisfactionLevel.SATISFIED
    assert attempt.caller.username == "coordinator" and attempt.words == "办得很快，满意"


def test_an_unsatisfied_verdict_on_a_home_visit_sends_the_case_back(as_user, app_ctx):
    case = case_in(CaseStatus.RESOLVED)
    client = as_user("coordinator")
    form = client.get(f"/cases/act/{case.id}/callback").get_data(as_text=True)
    assert "回访方式" in form and "已联系上申请人" in form and "申请人原话" in form
    done = client.post(f"/cases/act/{case.id}/callback", data={
        "channel": "visit", "reached": "y", "satisfaction": "unsatisfied", "words": "还没解决",
        "version": case.version})
    assert done.status_code == 302
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    assert case.status == CaseStatus.ASSIGNED and case.reopen_count == 1, "不满意 → 重办, as ever"
    assert case.satisfactions[-1].channel == FeedbackChannel.ON_SITE, "上门 is a face-to-face verdict"


def test_a_reached_attempt_without_a_verdict_is_refused_and_changes_nothing(api, app_ctx):
    case = case_in(CaseStatus.RESOLVED)
    before = snapshot(case.id)
    answer = api("coordinator").post(f"/api/v1/cases/{case.id}/actions/callback",
                                     json={"channel": "phone", "reached": True})
    assert answer.status_code == 400
    assert answer.get_json()["errors"]["satisfaction"] == ["联系上申请人时须记录评价。"]
    assert snapshot(case.id) == before and attempts(case.id) == []
    assert api("handler_tax").post(f"/api/v1/cases/{case.id}/actions/callback",
                                   json=MISSED).status_code in (403, 404)


def test_three_missed_attempts_record_the_applicant_as_unreachable(as_user, app_ctx):
    case = case_in(CaseStatus.RESOLVED)
    for day in (1, 2):
        case = act(case, "callback", MISSED, NOW + dt.timedelta(days=day))
        assert case.status == CaseStatus.RESOLVED and not case.unreachable
    assert case.id in awaiting(as_user)
    case = act(case, "callback", {**MISSED, "channel": "sms"}, NOW + dt.timedelta(days=3))
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    assert case.status == CaseStatus.EVALUATED and case.unreachable
    assert case.satisfactions == [], "no verdict: the satisfaction rate does not count the case"
    evaluated = sa.select(sa.func.count()).select_from(Case).where(Case.id == case.id, Facts(NOW.date()).evaluated())
    assert db.session.execute(evaluated).scalar_one() == 0, "not in the 满意率's denominator (kpi/definitions.py)"
    assert len(attempts(case.id)) == 3 and not any(a.reached for a in attempts(case.id))
    assert case.events[-1].data["unreachable"] is True
    assert case.id not in awaiting(as_user)
    act(case, "summarize", {"summary": "无法联系申请人"}, NOW + dt.timedelta(days=4))


def test_a_reopened_case_is_followed_up_afresh(app_ctx):
    case = case_in(CaseStatus.RESOLVED)
    act(case, "callback", MISSED)
    act(case, "callback", MISSED)
    act(case, "callback", {"channel": "phone", "reached": True, "satisfaction": "very_unsatisfied"})
    case = act(case, "resolve", {"result": "重办完成", "solved": "yes"}, NOW + dt.timedelta(days=5))
    case = act(case, "callback", MISSED, NOW + dt.timedelta(days=6))
    assert case.status == CaseStatus.RESOLVED and not case.unreachable, "earlier misses were of the first round"


def awaiting(as_user) -> set[int]:
    """Ids of the cases in the 待回访 list, checked against the tile that links to it."""
    client = as_user("coordinator")
    with clock.frozen_at(NOW + dt.timedelta(days=3)):
        count, url = tiles(client.get("/dashboard/").get_data(as_text=True), "今日工作")["待回访"]
        page = client.get(url).get_data(as_text=True)
    assert record_count(page) == count
    expected = set(db.session.execute(sa.select(Case.id).where(
        Case.status == CaseStatus.RESOLVED, Case.unreachable.is_(False))).scalars())
    assert count == len(expected)
    return expected


def test_the_event_log_names_the_callback(app_ctx):
    case = case_in(CaseStatus.RESOLVED)
    act(case, "callback", MISSED)
    event = db.session.execute(sa.select(CaseEvent).where(CaseEvent.case_id == case.id)
                               .order_by(CaseEvent.id.desc())).scalars().first()
    assert str(event.action.label) == "回访" and event.data["reached"] is False
    assert db.session.execute(sa.select(sa.func.count()).select_from(Satisfaction)
                              .where(Satisfaction.case_id == case.id)).scalar_one() == 0


def test_the_demo_has_follow_up_calls_on_a_chinese_screen(as_user, app_ctx):
    expected = db.session.execute(sa.select(sa.func.count()).select_from(CallbackAttempt)).scalar_one()
    assert expected > 0, "seed: phone verdicts and reopenings come through 回访"
    page = as_user("coordinator").get("/callbacks/list/").get_data(as_text=True)
    assert record_count(page) == expected and "回访记录" in page and "已联系上" in page
    assert english_words(page) == []
    assert as_user("handler_tax").get("/callbacks/list/").status_code in (302, 403)
