"""量化评价 figures leaders act on: the published score, 不参评, past periods, exact period filter, candidate lists.

The cases are constructed in 2026, after the last demo record, and acted on by the demo accounts with their own
roles. Weights 20/20/40/20 (响应率/按时签收率/按时办结率/满意率) and deductions 3/2/2/5 (超期/重办/督办/通报批评)
are config.py's EVALUATION_SCORING; every expected number is worked out by hand in the comments.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal

import sqlalchemy as sa
from docx import Document

from evaluation.figures import FIGURES, records
from evaluation.periods import parse_period
from extensions import db
from models import Criticism, Evaluation
from models.enums import Grade
from models.evaluation import _award_candidates, _criticism_candidates
from tests.figure_support import (
    HRSS,
    SOCIAL,
    TAX,
    D,
    T,
    as_role,
    assigned,
    evaluate_on,
    figures_of,
    handler_act,
    nothing_after,
)
from tests.workflow_support import department

P = Decimal


def _on_time(at: T, signed: T | None = None) -> None:
    case = assigned(at)
    handler_act(case, "sign", TAX, signed or at.replace(hour=at.hour + 1))
    handler_act(case, "reply", TAX, T(2026, 3, 6, 9), content="已办结")


def test_the_published_formula_on_a_constructed_quarter(app_ctx):
    nothing_after(D(2026, 1, 1))
    good = assigned(T(2026, 3, 2, 9))                      # due Mon 03-09
    handler_act(good, "sign", TAX, T(2026, 3, 2, 11))
    handler_act(good, "reply", TAX, T(2026, 3, 5, 9), content="已办结")
    as_role(good, "resolve", {"result": "已办结", "solved": "yes"}, T(2026, 3, 5, 10))
    as_role(good, "evaluate", {"satisfaction": "very_satisfied", "channel": "phone"}, T(2026, 3, 6, 9))
    late = assigned(T(2026, 3, 2, 9, 30))                  # due 03-09, answered 03-20
    handler_act(late, "reply", TAX, T(2026, 3, 20, 9), content="晚了")
    as_role(late, "resolve", {"result": "已办结", "solved": "partly"}, T(2026, 3, 20, 10))
    # 不满意 on Mon 03-23: 重办, a new assignment due 03-23 + 5 working days = Mon 03-30, never answered
    as_role(late, "evaluate", {"satisfaction": "unsatisfied", "channel": "phone"}, T(2026, 3, 23, 9))
    silent = assigned(T(2026, 3, 2, 10))                   # due 03-09, never signed
    as_role(silent, "supervise", {"department_id": TAX, "supervision_level": "key", "reason": "逾期"},
            T(2026, 3, 12, 9))
    as_role(silent, "criticize", {"reason": "overdue", "severity": "general", "rectify_days": 5},
            T(2026, 3, 25, 9), "leader")
    tax = evaluate_on("2026Q1", T(2026, 4, 15, 9))[department(TAX).id]
    # 4 assignments: good, late, the reopened round, silent. Signed: good (on 03-02, on time), late (by its reply).
    # Answered on time: good. Overdue as of 03-31: late (answered late), reopened (due 03-30), silent.
    # 响应率 2/4 = 50; 按时签收率 1/4 = 25; 按时办结率 1/(1+3) = 25; 满意率 1/2 = 50 (非常满意, 不满意)
    # (20×50 + 20×25 + 40×25 + 20×50) / 100 = 35; deductions 3×3 超期 + 2×1 重办 + 2×1 督办 + 5×1 通报批评 = 18
    assert figures_of(tax) == {
        "assigned_count": 4, "signed_count": 2, "signed_on_time": 1, "finished_on_time": 1, "overdue_count": 3,
        "reopened_count": 1, "supervised_count": 1, "response_rate": P("50.00"), "signed_on_time_rate": P("25.00"),
        "on_time_rate": P("25.00"), "satisfaction_rate": P("50.00"), "computed_score": P("17.00"),
        "score": P("17.00"), "grade": Grade.FAIL}


def test_missing_rates_drop_out_of_the_weights_and_adjustments_stay_within_0_to_100(app_ctx, as_user, api):
    nothing_after(D(2026, 1, 1))
    _on_time(T(2026, 3, 2, 9))
    _on_time(T(2026, 3, 2, 10))
    _on_time(T(2026, 3, 2, 11), signed=T(2026, 3, 4, 9))  # signed a day after the next working day
    tax = evaluate_on("2026Q1", T(2026, 4, 15, 9))[department(TAX).id]
    # no verdict: 满意率 has no denominator and its weight drops out
    # 响应率 100; 按时签收率 2/3 = 66.67; 按时办结率 3/3 = 100
    # (20×100 + 20×66.67 + 40×100) / (20 + 20 + 40) = 7333.4 / 80 = 91.6675 → 91.67, 优秀 from 90
    assert (tax.response_rate, tax.signed_on_time_rate, tax.on_time_rate, tax.satisfaction_rate) == (
        P("100.00"), P("66.67"), P("100.00"), None)
    assert (tax.computed_score, tax.score, tax.grade) == (P("91.67"), P("91.67"), Grade.EXCELLENT)
    leader = as_user("leader")
    for adjustment, score, grade in (("20", "100.00", Grade.EXCELLENT), ("-95", "0.00", Grade.FAIL),
                                     ("-20", "71.67", Grade.PASS)):
        done = leader.post(f"/evaluations/edit/{tax.id}", data={"adjustment": adjustment,
                                                                 "adjustment_reason": "领导小组研究决定"})
        assert done.status_code == 302, done.get_data(as_text=True)
        db.session.expire_all()
        again = db.session.get(Evaluation, tax.id)
        assert (again.score, again.grade) == (P(score), grade), adjustment
    # the API applies the same rule: a reason is required, and 91.67 + 5 = 96.67
    client = api("leader")
    assert client.put(f"/api/v1/evaluations/{tax.id}", json={"adjustment": 5, "adjustment_reason": ""}).status_code \
        == 400
    done = client.put(f"/api/v1/evaluations/{tax.id}", json={"adjustment": 5, "adjustment_reason": "专项加分"})
    assert done.status_code == 200, done.get_json()
    assert (done.get_json()["result"]["score"], done.get_json()["result"]["grade"]) == (96.67, "excellent")


def test_a_department_without_assignments_in_the_period_is_not_rated(app_ctx, api, as_user):
    nothing_after(D(2026, 1, 1))
    case = assigned(T(2026, 3, 25, 9))                     # in 2026Q1, due Wed 04-01
    as_role(case, "supervise", {"department_id": TAX, "supervision_level": "general", "reason": "未反馈"},
            T(2026, 4, 8, 9))
    tax = evaluate_on("2026Q2", T(2026, 7, 10, 9))[department(TAX).id]
    assert (tax.assigned_count, tax.supervised_count) == (0, 1)
    assert (tax.response_rate, tax.signed_on_time_rate, tax.on_time_rate, tax.satisfaction_rate) == (None,) * 4
    assert (tax.computed_score, tax.score, tax.grade) == (None, None, None)
    body = api("leader").get(f"/api/v1/evaluations/{tax.id}").get_json()["result"]
    assert (body["score"], body["grade"], body["response_rate"]) == (None, None, None)
    leader = as_user("leader")
    page = leader.get("/evaluations/list/?_flt_0_period=2026Q2").get_data(as_text=True)
    assert "不参评" in page
    refused = leader.post(f"/evaluations/edit/{tax.id}", data={"adjustment": "5", "adjustment_reason": "表现好"})
    assert "不参评" in refused.get_data(as_text=True) and refused.status_code == 200
    by_api = api("leader").put(f"/api/v1/evaluations/{tax.id}", json={"adjustment": 5, "adjustment_reason": "表现好"})
    assert by_api.status_code == 400 and "不参评" in by_api.get_json()["message"]
    db.session.expire_all()
    assert db.session.get(Evaluation, tax.id).adjustment == 0
    issued = leader.post("/evaluations/criticize", data={"rowid": [str(tax.id)], "confirm": "1", "reason": "neglect",
                                                         "severity": "general", "rectify_days": "10"})
    assert issued.status_code == 302
    criticism = db.session.execute(sa.select(Criticism).where(Criticism.evaluation_id == tax.id)).scalar_one()
    document = leader.get(f"/criticisms/document/{criticism.id}")
    text = "".join(p.text for p in Document(io.BytesIO(document.data)).paragraphs)
    assert "2026Q2 期内无交办事项，量化评价不参评" in text


def test_the_demo_quarter_without_assignments_is_not_rated_and_lists_last(app_ctx, api):
    # the tax bureau's last 2025 assignments: the Yang case (January) and BBC-2025-0003 (assigned in Q3)
    tax = db.session.execute(sa.select(Evaluation).where(
        Evaluation.period == "2025Q2", Evaluation.department_id == department(TAX).id)).scalar_one()
    assert (tax.assigned_count, tax.score, tax.grade) == (0, None, None)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(Evaluation))
    assert total <= 100
    for direction in ("desc", "asc"):
        listed = api("leader").get(f"/api/v1/evaluations/?q=(order_column:score,order_direction:{direction},"
                                   "page_size:100)").get_json()["result"]
        scores = [row["score"] for row in listed]
        rated = [score for score in scores if score is not None]
        assert len(scores) == total and scores == rated + [None] * (total - len(rated)), direction


def test_a_past_period_does_not_change_when_recomputed_later(app_ctx):
    nothing_after(D(2026, 1, 1))
    case = assigned(T(2026, 3, 25, 9))                     # due Wed 04-01, after the quarter
    handler_act(case, "sign", TAX, T(2026, 3, 25, 10))
    # as of 03-31 it is signed on time and still running: 响应率 100, 按时签收率 100, nothing decided yet
    expected = {
        "assigned_count": 1, "signed_count": 1, "signed_on_time": 1, "finished_on_time": 0, "overdue_count": 0,
        "reopened_count": 0, "supervised_count": 0, "response_rate": P("100.00"),
        "signed_on_time_rate": P("100.00"), "on_time_rate": None, "satisfaction_rate": None,
        "computed_score": P("100.00"), "score": P("100.00"), "grade": Grade.EXCELLENT}
    assert figures_of(evaluate_on("2026Q1", T(2026, 4, 10, 9))[department(TAX).id]) == expected
    handler_act(case, "reply", TAX, T(2026, 4, 15, 9), content="晚了")
    assert figures_of(evaluate_on("2026Q1", T(2026, 5, 4, 9))[department(TAX).id]) == expected
    # the late answer belongs to the year: 1 overdue, 按时办结率 0/1 = 0
    year = evaluate_on("2026", T(2026, 5, 4, 9))[department(TAX).id]
    assert (year.overdue_count, year.on_time_rate) == (1, P("0.00"))


def test_the_demo_2025q2_counts_no_deadline_that_fell_after_june(app_ctx):
    period = parse_period("2025Q2")
    q2 = evaluate_on("2025Q2", T(2026, 11, 2, 9))
    # BBC-2025-0002 was handed to 社保分局 (lead) and 人社局 (co) in Q2, both due 2025-07-04
    for name in (HRSS, SOCIAL):
        evaluation = q2[department(name).id]
        assert (evaluation.assigned_count, evaluation.overdue_count) == (1, 0), name
    overdue = records(FIGURES["overdue_count"], period, D(2026, 11, 2))
    assert all(a.deadline < period.end for a in overdue)


def _ids(html: str) -> set[int]:
    return {int(pk) for pk in re.findall(r"/evaluations/show/(\d+)", html)}


def test_the_period_filter_matches_the_period_exactly(app_ctx, as_user, api):
    years = {e.id for e in db.session.execute(sa.select(Evaluation).where(Evaluation.period == "2025")).scalars()}
    assert years
    leader = as_user("leader")
    page = leader.get("/evaluations/list/?_flt_0_period=2025&psize_EvaluationView=100").get_data(as_text=True)
    assert _ids(page) == years
    assert 'name="_flt_0_period"' in page
    quick = leader.get("/evaluations/list/?quick=years&_flt_0_period=2025&psize_EvaluationView=100")
    assert _ids(quick.get_data(as_text=True)) == years
    client = api("leader")
    found = client.get("/api/v1/evaluations/?q=(filters:!((col:period,opr:equals,value:'2025')),page_size:100)")
    assert found.status_code == 200, found.get_json()
    assert {r["period"] for r in found.get_json()["result"]} == {"2025"} and found.get_json()["count"] == len(years)


def test_award_and_criticism_candidates_never_overlap(app_ctx, as_user):
    award = set(db.session.scalars(sa.select(Evaluation.id).where(_award_candidates())))
    criticism = set(db.session.scalars(sa.select(Evaluation.id).where(_criticism_candidates())))
    assert award and criticism and not award & criticism
    nothing_after(D(2026, 1, 1))
    _on_time(T(2026, 3, 2, 9))
    assigned(T(2026, 3, 2, 10))                            # due 03-09, never signed nor answered
    tax = evaluate_on("2026Q1", T(2026, 4, 15, 9))[department(TAX).id]
    # 响应率 1/2, 按时签收率 1/2, 按时办结率 1/(1+1): (20×50 + 20×50 + 40×50) / 80 = 50; − 3 for the overdue = 47
    assert (tax.score, tax.grade) == (P("47.00"), Grade.FAIL)
    leader = as_user("leader")
    leader.post(f"/evaluations/edit/{tax.id}", data={"adjustment": "45", "adjustment_reason": "专项工作加分"})
    db.session.expire_all()
    assert db.session.get(Evaluation, tax.id).grade == Grade.EXCELLENT      # 47 + 45 = 92
    listed = "/evaluations/list/?_flt_0_period=2026Q1&quick="
    assert tax.id in _ids(leader.get(listed + "criticism").get_data(as_text=True))
    assert tax.id not in _ids(leader.get(listed + "award").get_data(as_text=True))
