"""量化评价, leaders' filters, 通报批评 and the printable documents."""

from __future__ import annotations

import datetime as dt
import io
import threading
from decimal import Decimal

import pytest
import sqlalchemy as sa
from docx import Document

from console.errors import ConsoleError
from evaluation.compute import evaluate
from evaluation.figures import FIGURES, records
from evaluation.periods import parse_period
from extensions import db
from models import Criticism, Department, Evaluation
from models.base import acting_as
from models.enums import DepartmentKind, Grade, PeriodKind
from tests.workflow_support import act, new_case, user
from workdays import clock

D = dt.date
T = dt.datetime


@pytest.mark.parametrize("text,kind,start,end", [
    ("2025", PeriodKind.YEAR, D(2025, 1, 1), D(2025, 12, 31)),
    ("2025Q2", PeriodKind.QUARTER, D(2025, 4, 1), D(2025, 6, 30)),
    ("2025q4", PeriodKind.QUARTER, D(2025, 10, 1), D(2025, 12, 31)),
    ("2025-06", PeriodKind.MONTH, D(2025, 6, 1), D(2025, 6, 30)),
    ("2024-02", PeriodKind.MONTH, D(2024, 2, 1), D(2024, 2, 29)),
    ("2025-12", PeriodKind.MONTH, D(2025, 12, 1), D(2025, 12, 31)),
])
def test_period_arithmetic(text, kind, start, end):
    period = parse_period(text)
    assert (period.kind, period.start, period.end) == (kind, start, end)
    assert period.contains(T(end.year, end.month, end.day, 23, 59)) and not period.contains(end + dt.timedelta(1))


@pytest.mark.parametrize("text", ["2025Q5", "2025-13", "2025-00", "abc", "", "20251", "1999"])
def test_bad_periods_are_refused_in_chinese(app_ctx, text):
    with pytest.raises(ConsoleError, match="考评期间"):
        parse_period(text)


@pytest.fixture
def bureau(app_ctx):
    """A department with no history, to construct cases for."""
    with acting_as(user("admin").id):
        dept = Department(name="测试评价局", kind=DepartmentKind.BACK_OFFICE)
        db.session.add(dept)
        db.session.commit()
    return dept


def _assigned(bureau: Department, at: dt.datetime):
    case = act(new_case(at), "assess", {"problem_type": "difficult", "track": "coordinate",
                                         "disposition": "escalate", "level": "back_office"}, at)
    return act(case, "assign", {"lead_department_id": bureau.id, "deadline_days": 5}, at)


def test_score_formula_on_constructed_cases(bureau, app):
    start = T(2026, 3, 2, 9)
    on_time = _assigned(bureau, start)
    act(on_time, "sign", {"department_id": bureau.id}, start + dt.timedelta(hours=2))
    act(on_time, "reply", {"department_id": bureau.id, "content": "办完"}, T(2026, 3, 5, 9))
    act(on_time, "resolve", {"result": "好", "solved": "yes"}, T(2026, 3, 5, 10))
    act(on_time, "evaluate", {"satisfaction": "very_satisfied", "channel": "phone"}, T(2026, 3, 6, 9))
    late = _assigned(bureau, start)
    act(late, "reply", {"department_id": bureau.id, "content": "晚了"}, T(2026, 3, 20, 9))
    act(late, "resolve", {"result": "好", "solved": "partly"}, T(2026, 3, 20, 10))
    act(late, "evaluate", {"satisfaction": "unsatisfied", "channel": "phone"}, T(2026, 3, 23, 9))
    silent = _assigned(bureau, start)
    act(silent, "supervise", {"department_id": bureau.id, "supervision_level": "key", "reason": "逾期"},
        T(2026, 3, 12, 9))
    with clock.frozen_at(T(2026, 3, 25, 9)):
        with acting_as(user("leader").id):
            from evaluation.criticism import issue_for_cases

            issue_for_cases([silent], {"reason": "overdue", "severity": "general", "rectify_days": 5})
            db.session.commit()
            [evaluation] = [e for e in evaluate("2026Q1") if e.department_id == bureau.id]
    # assignments: on time, late, the reopened round (due later, unanswered but not yet late) and the silent one
    assert evaluation.assigned_count == 4
    assert evaluation.finished_on_time == 1
    assert evaluation.overdue_count == 2
    assert evaluation.supervised_count == 1
    assert (evaluation.very_satisfied, evaluation.unsatisfied, evaluation.reopened_count) == (1, 1, 1)
    # signed: the on-time one (on time) and the late one (by its reply) → 响应率 2/4 = 50, 按时签收率 1/4 = 25;
    # 按时办结率 1/(1 on time + 2 overdue) = 33.33; 满意率 1/2 = 50
    # (20×50 + 20×25 + 40×33.33 + 20×50) / 100 = 38.332; − 3×2 overdue − 2×1 reopened − 2×1 supervision
    # − 5×1 criticism = 23.33
    assert evaluation.computed_score == Decimal("23.33")
    assert evaluation.grade == Grade.FAIL
    assert evaluation.on_time_rate == Decimal("33.33") and evaluation.satisfaction_rate == Decimal("50.00")


def test_recomputing_is_idempotent_and_keeps_the_adjustment(as_user, app_ctx):
    before = {(e.period, e.department_id): e.score for e in db.session.execute(sa.select(Evaluation)).scalars()}
    evaluation = db.session.execute(sa.select(Evaluation).where(Evaluation.period == "2021")
                                    .order_by(Evaluation.id)).scalars().first()
    client = as_user("leader")
    refused = client.post(f"/evaluations/edit/{evaluation.id}", data={"adjustment": "3"})
    assert "人工调整分须填写调整理由" in refused.get_data(as_text=True)
    done = client.post(f"/evaluations/edit/{evaluation.id}", data={"adjustment": "3", "adjustment_reason": "表现突出"})
    assert done.status_code == 302
    with acting_as(user("leader").id):
        evaluate("2021")
        evaluate("2021")
    db.session.expire_all()
    again = db.session.get(Evaluation, evaluation.id)
    assert again.adjustment == Decimal("3.00") and again.adjustment_reason == "表现突出"
    assert again.score == again.computed_score + 3
    after = {(e.period, e.department_id): e.score for e in db.session.execute(sa.select(Evaluation)).scalars()}
    assert set(after) == set(before)


def test_every_figure_drills_down_to_exactly_its_records(as_user, app_ctx):
    client = as_user("leader")
    evaluations = db.session.execute(sa.select(Evaluation).where(Evaluation.period_kind == PeriodKind.YEAR)).scalars()
    checked = 0
    for evaluation in evaluations:
        for name in ("assigned_count", "finished_on_time", "overdue_count", "supervised_count", "reopened_count"):
            found = records(FIGURES[name], parse_period(evaluation.period), clock.today(), evaluation.department_id)
            assert len(found) == getattr(evaluation, name), (evaluation.period, evaluation.department_id, name)
            if found:
                page = client.get(f"/evaluations/drill/{evaluation.id}/{name}").get_data(as_text=True)
                assert page.count('class="drill-record"') == len(found)
                checked += 1
    assert checked > 10


def test_leaders_filter_award_and_criticism_candidates(as_user, app_ctx):
    client = as_user("leader")
    award = client.get("/evaluations/list/?quick=award&psize_EvaluationView=100").get_data(as_text=True)
    criticism = client.get("/evaluations/list/?quick=criticism&psize_EvaluationView=100").get_data(as_text=True)
    assert "优秀" in award
    medical = db.session.execute(sa.select(Department).where(Department.name.like("%医疗保障%"))).scalar_one()
    # seed.stories: the late 2021 cases of 医保局 were answered after their deadline → 不合格 in 2021
    assert medical.name in criticism
    by_kind = client.get("/evaluations/list/?_flt_0_department_kind=town").get_data(as_text=True)
    assert "凤城街道" in by_kind and "清城区税务局" not in by_kind
    ranged = client.get("/evaluations/list/?_flt_1_score=90&_flt_2_score=99&psize_EvaluationView=100")
    assert ranged.status_code == 200
    sorted_page = client.get("/evaluations/list/?_oc_EvaluationView=on_time_rate&_od_EvaluationView=asc")
    assert sorted_page.status_code == 200


def test_criticized_departments_are_not_award_candidates(as_user, app_ctx):
    year = db.session.execute(sa.select(Criticism.year).order_by(Criticism.id)).scalars().first()
    criticized = db.session.execute(sa.select(Criticism.department_id).where(Criticism.year == year)).scalars().all()
    award_rows = db.session.execute(sa.select(Evaluation).where(Evaluation.period == str(year))).scalars().all()
    html = as_user("leader").get(f"/evaluations/list/?quick=award&_flt_0_period={year}").get_data(as_text=True)
    for e in award_rows:
        if e.department_id in criticized:
            assert f"/evaluations/show/{e.id}" not in html


def test_criticize_from_the_evaluation_list(as_user, app_ctx):
    evaluation = db.session.execute(sa.select(Evaluation).where(Evaluation.period == "2024")
                                    .order_by(Evaluation.id)).scalars().first()
    client = as_user("leader")
    form = client.post("/evaluations/criticize", data={"rowid": [str(evaluation.id)]})
    assert "已选择 1 条量化评价" in form.get_data(as_text=True)
    done = client.post("/evaluations/criticize", data={
        "rowid": [str(evaluation.id)], "confirm": "1", "reason": "poor_implementation", "severity": "general",
        "rectify_days": "10"}, follow_redirects=True)
    assert "已下发通报批评" in done.get_data(as_text=True)
    criticism = db.session.execute(sa.select(Criticism).order_by(Criticism.id.desc())).scalars().first()
    assert criticism.evaluation_id == evaluation.id and criticism.department_id == evaluation.department_id
    assert criticism.number == f"清城政数〔{clock.today().year}〕{criticism.sequence}号"


def _open_document(response) -> str:
    assert response.status_code == 200
    doc = Document(io.BytesIO(response.data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def test_criticism_document_text(as_user, app_ctx):
    criticism = db.session.execute(sa.select(Criticism).where(Criticism.cases.any())
                                   .order_by(Criticism.id)).scalars().first()
    text = _open_document(as_user("leader").get(f"/criticisms/document/{criticism.id}"))
    assert criticism.number in text and f"关于对{criticism.department.name}的通报批评" in text
    for case in criticism.cases:
        assert case.number in text
    deadline = criticism.rectify_deadline
    assert f"{deadline.year}年{deadline.month}月{deadline.day}日" in text
    assert "高新区、清城区政务服务中心" in text


def test_supervision_notice_text(as_user, app_ctx):
    from models import Supervision

    supervision = db.session.execute(sa.select(Supervision).order_by(Supervision.id)).scalars().first()
    text = _open_document(as_user("coordinator").get(f"/supervisions/notice/{supervision.id}"))
    assert "督办通知单" in text and supervision.case.number in text and supervision.department.name in text
    assert f"{supervision.deadline.year}年{supervision.deadline.month}月{supervision.deadline.day}日" in text


def test_the_supervised_department_answers_the_supervision(as_user, app_ctx):
    from models import Supervision
    from models.enums import CaseStatus
    from tests.workflow_support import case_in

    case = act(case_in(CaseStatus.ASSIGNED), "supervise", {
        "department_id": "清城区税务局", "supervision_level": "general", "reason": "逾期未反馈"})
    supervision = case.supervisions[-1]
    client = as_user("handler_tax")
    for empty in ("   ", "x\x00", "长" * 5001):
        refused = client.post(f"/supervisions/feedback/{supervision.id}", data={"feedback": empty},
                              follow_redirects=True)
        assert "请填写办理情况（不超过 5000 字）。" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Supervision, supervision.id).feedback_at is None
    assert client.post(f"/supervisions/feedback/{supervision.id}", data={"feedback": "已于当日办结"}).status_code == 302
    db.session.expire_all()
    answered = db.session.get(Supervision, supervision.id)
    assert answered.feedback == "已于当日办结" and answered.feedback_at is not None


def test_rectification_by_the_criticized_department(as_user, app_ctx):
    social = db.session.execute(sa.select(Department).where(Department.name.like("%社会保险基金%"))).scalar_one()
    criticism = db.session.execute(sa.select(Criticism).where(Criticism.department_id == social.id)).scalars().first()
    leader = as_user("leader")
    late = leader.get("/criticisms/list/?quick=late").get_data(as_text=True)
    assert criticism.number in late and "逾期未整改" in late
    assert as_user("handler_tax").get(f"/criticisms/show/{criticism.id}").status_code == 404
    with acting_as(user("admin").id):
        handler = user("handler_hrss")
        handler.department_id = social.id
        db.session.commit()
    client = as_user("handler_hrss")
    assert client.post(f"/criticisms/rectify/{criticism.id}", data={"feedback": "已整改到位"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Criticism, criticism.id).rectified_at == clock.today()
    rectified = leader.get("/criticisms/list/?quick=rectified").get_data(as_text=True)
    assert criticism.number in rectified


def test_saved_filters_are_visible_to_the_roles_they_are_shared_with(app, as_user, app_ctx):
    from access.roles import LEADER
    from tests.conftest import login

    with acting_as(user("admin").id):
        from werkzeug.security import generate_password_hash

        from models import StaffUser

        second = StaffUser(username="leader2", first_name="副", last_name="主任", email="l2@example.cn",
                           active=True, department_id=user("leader").department_id,
                           password=generate_password_hash("Strong-Pass-55", method="pbkdf2:sha256:1000"))
        second.roles = [app.appbuilder.sm.find_role(LEADER)]
        db.session.add(second)
        db.session.commit()
    leader = as_user("leader")
    role_id = app.appbuilder.sm.find_role(LEADER).id
    leader.post("/evaluations/save-filter", data={"name": "本年优秀", "query": "quick=award&_flt_0_period=2025",
                                                  "shared_with": [str(role_id)]})
    leader.post("/evaluations/save-filter", data={"name": "我的私藏", "query": "quick=criticism"})
    mine = leader.get("/evaluations/list/").get_data(as_text=True)
    assert "本年优秀" in mine and "我的私藏" in mine
    other = login(app.test_client(), "leader2", "Strong-Pass-55").get("/dashboard/").get_data(as_text=True)
    assert "本年优秀" in other and "我的私藏" not in other
    assert "quick=award" in other
    coordinator = as_user("coordinator").get("/dashboard/").get_data(as_text=True)
    assert "本年优秀" not in coordinator


def test_evaluate_command(app):
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["evaluate", "--period", "2025Q2"])
    assert ok.exit_code == 0 and "已计算" in ok.output
    bad = runner.invoke(args=["evaluate", "--period", "2025Q9"])
    assert bad.exit_code != 0 and "考评期间" in bad.output


def test_document_numbers_are_gap_free_under_concurrent_creation(app, database):
    """Eight transactions issue criticisms at once; their 文号 are 1…8 without gaps or duplicates."""
    from evaluation.criticism import issue_for_evaluations

    with app.app_context():
        evaluation_ids = db.session.execute(sa.select(Evaluation.id).limit(8)).scalars().all()
        leader_id = user("leader").id
        year = clock.today().year
        before = db.session.execute(sa.select(sa.func.count()).select_from(Criticism)
                                    .where(Criticism.year == year)).scalar_one()
    barrier = threading.Barrier(len(evaluation_ids))
    errors: list[BaseException] = []

    def issue(evaluation_id: int) -> None:
        try:
            with app.app_context():
                barrier.wait(timeout=10)
                with acting_as(leader_id):
                    issue_for_evaluations([db.session.get(Evaluation, evaluation_id)], {
                        "reason": "neglect", "severity": "general", "rectify_days": 5})
                    db.session.commit()
                db.session.remove()
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=issue, args=(i,)) for i in evaluation_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    with app.app_context():
        numbers = db.session.execute(sa.select(Criticism.sequence).where(Criticism.year == year)).scalars().all()
        db.session.remove()
    assert sorted(numbers) == list(range(1, before + len(evaluation_ids) + 1))
