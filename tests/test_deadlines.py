"""Deadlines count working days of mainland China: holidays off, 调休 make-up days on."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from extensions import db
from models import HolidayOverride
from models.base import acting_as
from models.enums import CaseStatus, DayKind
from tests.workflow_support import act, case_in, user
from workdays import clock
from workdays.calendar import WorkCalendar
from workdays.store import forget_calendar, work_calendar

D = dt.date


def test_spring_festival_2026():
    cal = WorkCalendar()
    assert cal.is_workday(D(2026, 2, 14)), "Saturday 2026-02-14 is a make-up working day"
    assert not any(cal.is_workday(D(2026, 2, day)) for day in range(15, 24))
    assert cal.add_workdays(D(2026, 2, 13), 1) == D(2026, 2, 14)
    assert cal.add_workdays(D(2026, 2, 14), 1) == D(2026, 2, 24)
    assert cal.add_workdays(D(2026, 2, 12), 5) == D(2026, 2, 26)
    assert cal.is_workday(D(2026, 2, 28)), "and so is Saturday 2026-02-28"


def test_national_day_2026_and_its_make_up_days():
    cal = WorkCalendar()
    assert cal.is_workday(D(2026, 9, 20)) and cal.is_workday(D(2026, 10, 10))
    assert not any(cal.is_workday(D(2026, 10, day)) for day in range(1, 8))
    assert cal.add_workdays(D(2026, 9, 18), 1) == D(2026, 9, 20)
    assert cal.add_workdays(D(2026, 9, 30), 1) == D(2026, 10, 8)
    assert cal.add_workdays(D(2026, 10, 9), 1) == D(2026, 10, 10)
    assert cal.workdays_between(D(2026, 9, 30), D(2026, 10, 12)) == 4, "Oct 8, 9, 10 (Saturday) and 12"


def test_year_end_into_2027_is_flagged_estimated():
    cal = WorkCalendar()
    due = cal.add_workdays(D(2026, 12, 31), 1)
    assert due == D(2027, 1, 4), "New Year's Day 2027 is a Friday, then the weekend"
    assert cal.is_estimated(due) and not cal.is_estimated(D(2026, 12, 31))
    assert not WorkCalendar({D(2027, 1, 4): False}).is_estimated(due), "an admin-entered schedule is official"


def test_zero_days_means_the_same_working_day():
    cal = WorkCalendar()
    assert cal.add_workdays(D(2026, 3, 2), 0) == D(2026, 3, 2)
    assert cal.add_workdays(D(2026, 2, 21), 0) == D(2026, 2, 24)


def test_admin_overrides_win_over_the_statutory_schedule(app_ctx):
    assert work_calendar().add_workdays(D(2026, 3, 2), 1) == D(2026, 3, 3)
    with acting_as(user("admin").id):
        db.session.add(HolidayOverride(day=D(2026, 3, 3), kind=DayKind.DAY_OFF, name="临时停电"))
        db.session.commit()
    forget_calendar()
    assert work_calendar().add_workdays(D(2026, 3, 2), 1) == D(2026, 3, 4)


def test_assign_deadline_in_working_days(app_ctx):
    case = case_in(CaseStatus.ASSESSING, dt.datetime(2026, 9, 28, 9))
    case = act(case, "assign", {"lead_department_id": "清城区税务局", "deadline_days": 5},
               dt.datetime(2026, 9, 28, 10))
    assert case.due_date == D(2026, 10, 10), "Sep 29, 30, Oct 8, 9 and the 调休 Saturday Oct 10"


def test_default_deadlines_follow_the_handling_mechanism(app_ctx):
    case = case_in(CaseStatus.RECEIVED, dt.datetime(2026, 3, 2, 9))
    assert case.due_date == D(2026, 3, 3), "研判 within one working day"
    case = act(case, "assess", {"problem_type": "consult", "track": "on_spot", "disposition": "on_spot",
                                "level": "window"}, dt.datetime(2026, 3, 2, 10))
    assert case.due_date == D(2026, 3, 2), "当场办: the same day"
    case = act(case, "assess", {"problem_type": "difficult", "track": "coordinate", "disposition": "escalate",
                                "level": "district"}, dt.datetime(2026, 3, 2, 11))
    assert case.due_date == D(2026, 3, 16), "district level: 10 working days"


def test_suspension_stops_the_clock(app_ctx):
    case = case_in(CaseStatus.ASSESSING, dt.datetime(2026, 3, 2, 9))
    case = act(case, "assign", {"lead_department_id": "清城区税务局", "deadline_days": 5},
               dt.datetime(2026, 3, 2, 10))
    assert case.due_date == D(2026, 3, 9)
    case = act(case, "suspend", {"reason": "等待补充材料"}, dt.datetime(2026, 3, 4, 9))
    assert case.remaining_workdays == 3
    with clock.frozen_at(D(2026, 6, 1)):
        assert not case.overdue, "a suspended case is never overdue"
    case = act(case, "resume", {}, dt.datetime(2026, 6, 1, 9))
    assert case.due_date == D(2026, 6, 4), "three working days left, counted from the resumption"
    assert case.assignments[-1].deadline == D(2026, 6, 4)


def test_estimated_deadline_is_shown_as_such(as_user, app_ctx):
    case = case_in(CaseStatus.ASSESSING, dt.datetime(2026, 12, 30, 9))
    case = act(case, "assign", {"lead_department_id": "清城区税务局", "deadline_days": 5},
               dt.datetime(2026, 12, 30, 10))
    assert case.due_estimated and case.due_date.year == 2027
    html = as_user("coordinator").get(f"/cases/show/{case.id}").get_data(as_text=True)
    assert "推定" in html


def test_fill_holidays_command_copies_the_schedule(app, app_ctx):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["fill-holidays", "--year", "2026"])
    assert result.exit_code == 0, result.output
    days = {d: k for d, k in db.session.execute(sa.select(HolidayOverride.day, HolidayOverride.kind))}
    assert days[D(2026, 9, 20)] == DayKind.WORKDAY and days[D(2026, 10, 1)] == DayKind.DAY_OFF
    again = runner.invoke(args=["fill-holidays", "--year", "2026"])
    assert "新增 0 条" in again.output
