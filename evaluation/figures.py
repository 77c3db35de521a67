"""The figures of 量化评价, each defined once as the condition on the records it counts.

A figure names the records behind it (assignments, verdicts, supervisions or
criticisms) for a department and a period. The number on an evaluation is the
count of those records and the drill-down page lists the records themselves;
both read the same SQL condition, so the two always agree.

An assignment belongs to the period it was handed over in, and is judged as of
the period's last day (today, while the period runs): a signature, reply or
settlement counts only if it happened by then, and a deadline is missed only if
it passed by then. Recomputing a past period later therefore gives the same
figures; lateness that shows only after a quarter's end counts in the year.

Counting is set-based: one GROUP BY department per kind of record
(`counts_by_department`). The only working-day rule, "signed by the end of the
next working day", reads a small table of the period's days and their limit,
computed once from the calendar (`Judging.sign_by`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from console.sql import count_where, day_of
from evaluation.periods import Period
from extensions import db
from models import Assignment, Case, Criticism, Satisfaction, Supervision
from models.enums import AssignmentStatus, SatisfactionLevel
from workdays.calendar import WorkCalendar
from workdays.store import work_calendar


@dataclass(frozen=True)
class Judging:
    """What a figure's condition reads: the day judged on and, per day of the period, the signing limit."""

    as_of: dt.date
    sign_by: Any
    """A table (day, sign_by) of VALUES: the end of the working day after `day` (签收 on time)."""

    @classmethod
    def of(cls, period: Period, today: dt.date, calendar: WorkCalendar) -> Judging:
        """Judge `period` on its last day (today while it runs), the calendar's limits computed once."""
        days = [period.start + dt.timedelta(days=n) for n in range((period.end - period.start).days + 1)]
        table = sa.values(sa.column("day", sa.Date), sa.column("sign_by", sa.Date), name="sign_by").data(
            [(day, calendar.add_workdays(day, 1)) for day in days]).cte("sign_by")
        return cls(as_of(period, today), table)


Condition = Callable[[Judging], Any]
"""condition(judging): the SQL condition a fetched record meets to count."""


@dataclass(frozen=True)
class Source:
    """A kind of record figures count: its table, the time that places it in a period, whose it is."""

    model: type
    time_column: Callable[[], Any]
    department: Callable[[], Any]
    joins: Callable[[Judging], list[tuple]] = lambda judging: []
    load: tuple = ()

    def select(self, judging: Judging, period: Period, *columns: Any) -> Any:
        """SELECT columns (the records when none) of this source in `period`, with the joins figures read."""
        column = self.time_column()
        query = sa.select(*(columns or (self.model,))).select_from(self.model)
        for target, onclause in self.joins(judging):
            query = query.join(target, onclause)
        return query.where(column >= period.start_time, column < period.end_time)


@dataclass(frozen=True)
class Figure:
    """One counted quantity."""

    name: str
    label: Any
    source: Source
    condition: Condition = field(default=lambda judging: sa.true())


def _by(moment: Any, judging: Judging) -> Any:
    """`moment` happened, by the end of the day judged on."""
    return sa.and_(moment.is_not(None), day_of(moment) <= judging.as_of)


def _received(judging: Judging) -> Any:
    return Assignment.status != AssignmentStatus.WITHDRAWN


def _signed(judging: Judging) -> Any:
    # 签收, or 反馈 (which signs implicitly), by the end of the period.
    return sa.and_(_received(judging), _by(Assignment.signed_at, judging))


def _signed_on_time(judging: Judging) -> Any:
    # 签收 by the end of the working day after the case was handed over.
    return sa.and_(_signed(judging), day_of(Assignment.signed_at) <= judging.sign_by.c.sign_by)


def _finished_on_time(judging: Judging) -> Any:
    return sa.and_(_received(judging), _by(Assignment.replied_at, judging),
                   day_of(Assignment.replied_at) <= Assignment.deadline)


def _clock_stopped() -> Any:
    # The case waits for the applicant and its clock stopped before this deadline passed
    # (a deadline missed before the suspension stays missed: see workflow.steps.resume).
    return sa.and_(Case.suspended.is_(True),
                   sa.or_(Case.suspended_at.is_(None), day_of(Case.suspended_at) <= Assignment.deadline))


def _overdue(judging: Judging) -> Any:
    # Answered, or settled because the case closed: late if that happened after the deadline.
    late = sa.case(
        (_by(Assignment.replied_at, judging), day_of(Assignment.replied_at) > Assignment.deadline),
        (_by(Assignment.closed_at, judging), day_of(Assignment.closed_at) > Assignment.deadline),
        else_=sa.and_(Assignment.deadline < judging.as_of, sa.not_(_clock_stopped())))
    return sa.and_(_received(judging), late)


def _levels(*levels: SatisfactionLevel) -> Condition:
    return lambda judging: Satisfaction.level.in_(levels)


UNSATISFIED = (SatisfactionLevel.UNSATISFIED, SatisfactionLevel.VERY_UNSATISFIED)
ASSIGNMENT = Source(
    Assignment, lambda: Assignment.assigned_at, lambda: Assignment.department_id,
    joins=lambda judging: [(Case, Case.id == Assignment.case_id),
                           (judging.sign_by, judging.sign_by.c.day == day_of(Assignment.assigned_at))],
    load=(Assignment.case,))
VERDICT = Source(Satisfaction, lambda: Satisfaction.evaluated_at, lambda: Case.lead_department_id,
                 joins=lambda judging: [(Case, Case.id == Satisfaction.case_id)], load=(Satisfaction.case,))
"""Verdicts count for the case's lead department."""
SUPERVISION = Source(Supervision, lambda: Supervision.issued_at, lambda: Supervision.department_id)
CRITICISM = Source(Criticism, lambda: Criticism.issued_at, lambda: Criticism.department_id)

FIGURES: dict[str, Figure] = {f.name: f for f in [
    Figure("assigned_count", _l("Assignments received"), ASSIGNMENT, _received),
    Figure("signed_count", _l("Signed for"), ASSIGNMENT, _signed),
    Figure("signed_on_time", _l("Signed on time"), ASSIGNMENT, _signed_on_time),
    Figure("finished_on_time", _l("Finished on time"), ASSIGNMENT, _finished_on_time),
    Figure("overdue_count", _l("Overdue"), ASSIGNMENT, _overdue),
    Figure("reopened_count", _l("Reopened"), VERDICT, _levels(*UNSATISFIED)),
    Figure("supervised_count", _l("Supervisions received"), SUPERVISION),
    Figure("criticism_count", _l("Criticisms"), CRITICISM),
    *[Figure(level.value, level.label, VERDICT, _levels(level)) for level in SatisfactionLevel],
]}
"""Figure name → definition."""


def as_of(period: Period, today: dt.date) -> dt.date:
    """The day a period's figures are judged on: its last day, or today while it runs."""
    return min(period.end, today)


def records(figure: Figure, period: Period, today: dt.date, department_id: int | None = None) -> list[Any]:
    """Every record `figure` counts in `period` (for one department, when given), judged as of the period's end."""
    source = figure.source
    judging = Judging.of(period, today, work_calendar())
    query = source.select(judging, period).where(figure.condition(judging))
    if department_id is not None:
        query = query.where(source.department() == department_id)
    if source.load:
        query = query.options(*[selectinload(rel) for rel in source.load])
    return list(db.session.execute(query.order_by(source.time_column(), source.model.id)).scalars())


def counts_by_department(period: Period, today: dt.date) -> dict[str, Counter]:
    """{figure name: {department id: how many records}}: one GROUP BY department per kind of record."""
    judging = Judging.of(period, today, work_calendar())
    found: dict[str, Counter] = {name: Counter() for name in FIGURES}
    for source in dict.fromkeys(figure.source for figure in FIGURES.values()):
        names = [name for name, figure in FIGURES.items() if figure.source is source]
        department = source.department()
        query = source.select(judging, period, department,
                              *[count_where(FIGURES[name].condition(judging)) for name in names])
        for department_id, *numbers in db.session.execute(query.group_by(department)):
            if department_id is None:
                continue
            for name, number in zip(names, numbers, strict=True):
                if number:
                    found[name][department_id] = number
    return found


def counts(figure: Figure, period: Period, today: dt.date) -> Counter:
    """{department id: how many records} of one figure."""
    return counts_by_department(period, today)[figure.name]
