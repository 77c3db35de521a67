"""量化评价 counted in SQL (one GROUP BY per kind of record) against a hand count, across a holiday."""

from __future__ import annotations

import datetime as dt

import pytest

from evaluation.compute import evaluate
from evaluation.figures import FIGURES, records
from evaluation.periods import parse_period
from extensions import db
from models import Department
from models.base import acting_as
from models.enums import DepartmentKind
from tests.workflow_support import act, new_case, user
from workdays import clock

T = dt.datetime
ASSESS = {"problem_type": "difficult", "track": "coordinate", "disposition": "escalate", "level": "back_office"}


@pytest.fixture
def bureau(app_ctx):
    """A department with no history, to construct cases for."""
    with acting_as(user("admin").id):
        dept = Department(name="清明测试局", kind=DepartmentKind.BACK_OFFICE)
        db.session.add(dept)
        db.session.commit()
    return dept


def _assigned_before_qingming(bureau: Department):
    # Friday 2026-04-03; 清明 is 4–6 April (Sat–Mon), so the next working day is Tuesday 7 April and
    # 5 working days later is Monday 13 April (7, 8, 9, 10, 13).
    at = T(2026, 4, 3, 10)
    case = act(new_case(at), "assess", ASSESS, at)
    return act(case, "assign", {"lead_department_id": bureau.id, "deadline_days": 5}, at)


def test_figures_across_a_holiday_match_a_hand_count(bureau):
    prompt = _assigned_before_qingming(bureau)  # signed Tue 7th (on time: first working day), replied Thu 9th
    act(prompt, "sign", {"department_id": bureau.id}, T(2026, 4, 7, 16))
    act(prompt, "reply", {"department_id": bureau.id, "content": "办完"}, T(2026, 4, 9, 9))
    slow = _assigned_before_qingming(bureau)  # signed Wed 8th (late), never replied: overdue by 30 April
    act(slow, "sign", {"department_id": bureau.id}, T(2026, 4, 8, 9))
    waiting = _assigned_before_qingming(bureau)  # never signed; suspended Fri 10th, before the deadline
    act(waiting, "suspend", {"reason": "待补材料"}, T(2026, 4, 10, 9))
    late = _assigned_before_qingming(bureau)  # signed the same Friday, replied Mon 20th: after the 13th
    act(late, "sign", {"department_id": bureau.id}, T(2026, 4, 3, 15))
    act(late, "reply", {"department_id": bureau.id, "content": "晚了"}, T(2026, 4, 20, 9))

    with clock.frozen_at(T(2026, 5, 11, 9)), acting_as(user("leader").id):
        [evaluation] = [e for e in evaluate("2026-04") if e.department_id == bureau.id]
    # 4 received; signed: prompt, slow, late = 3; on time (by Tue 7th): prompt, late = 2;
    # finished by the 13th: prompt = 1; overdue: slow (unanswered, not suspended) and late (replied the 20th) = 2
    expected = {"assigned_count": 4, "signed_count": 3, "signed_on_time": 2, "finished_on_time": 1,
                "overdue_count": 2}
    assert {name: getattr(evaluation, name) for name in expected} == expected
    period = parse_period("2026-04")
    for name, number in expected.items():
        assert len(records(FIGURES[name], period, T(2026, 5, 11).date(), bureau.id)) == number, name
