"""The figures of 量化评价, each defined once as the list of records it counts.

A figure names the records behind it (assignments, verdicts, supervisions or
criticisms) for a department and a period. The number on an evaluation is the
length of that list and the drill-down page shows the list itself, so the two
always agree.

An assignment belongs to the period it was handed over in, and is judged as of
the period's last day (today, while the period runs): a signature, reply or
settlement counts only if it happened by then, and a deadline is missed only if
it passed by then. Recomputing a past period later therefore gives the same
figures; lateness that shows only after a quarter's end counts in the year.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from evaluation.periods import Period
from extensions import db
from models import Assignment, Criticism, Satisfaction, Supervision
from models.enums import AssignmentStatus, SatisfactionLevel
from workdays.calendar import WorkCalendar
from workdays.store import work_calendar

Keep = Callable[[Any, dt.date, WorkCalendar], bool]
"""keep(record, as_of, calendar): whether a fetched record counts, judged as of that day."""


@dataclass(frozen=True)
class Figure:
    """One counted quantity."""

    name: str
    label: Any
    model: type
    time_column: Callable[[], Any]
    department_of: Callable[[Any], int | None]
    keep: Keep = lambda record, as_of, calendar: True
    extra: Callable[[], Any] = lambda: sa.true()
    load: tuple = ()


def _by(moment: dt.datetime | None, as_of: dt.date) -> dt.date | None:
    """The day `moment` happened, if it happened by the end of `as_of`; else None."""
    return moment.date() if moment is not None and moment.date() <= as_of else None


def _received(a: Assignment, as_of: dt.date, cal: WorkCalendar) -> bool:
    return a.status != AssignmentStatus.WITHDRAWN


def _signed(a: Assignment, as_of: dt.date, cal: WorkCalendar) -> bool:
    # 签收, or 反馈 (which signs implicitly), by the end of the period.
    return _received(a, as_of, cal) and _by(a.signed_at, as_of) is not None


def _signed_on_time(a: Assignment, as_of: dt.date, cal: WorkCalendar) -> bool:
    # 签收 by the end of the working day after the case was handed over.
    signed = _by(a.signed_at, as_of)
    return _received(a, as_of, cal) and signed is not None and signed <= cal.add_workdays(a.assigned_at.date(), 1)


def _finished_on_time(a: Assignment, as_of: dt.date, cal: WorkCalendar) -> bool:
    replied = _by(a.replied_at, as_of)
    return _received(a, as_of, cal) and replied is not None and replied <= a.deadline


def _clock_stopped(a: Assignment) -> bool:
    # The case waits for the applicant and its clock stopped before this deadline passed
    # (a deadline missed before the suspension stays missed: see workflow.steps.resume).
    case = a.case
    return case.suspended and (case.suspended_at is None or case.suspended_at.date() <= a.deadline)


def _overdue(a: Assignment, as_of: dt.date, cal: WorkCalendar) -> bool:
    if not _received(a, as_of, cal):
        return False
    # Answered, or settled because the case closed: late if that happened after the deadline.
    done = _by(a.replied_at, as_of) or _by(a.closed_at, as_of)
    if done is not None:
        return done > a.deadline
    return a.deadline < as_of and not _clock_stopped(a)


def _levels(*levels: SatisfactionLevel) -> Keep:
    return lambda s, as_of, cal: s.level in levels


def _lead(s: Satisfaction) -> int | None:
    return s.case.lead_department_id


UNSATISFIED = (SatisfactionLevel.UNSATISFIED, SatisfactionLevel.VERY_UNSATISFIED)
ASSIGNMENT = dict(model=Assignment, time_column=lambda: Assignment.assigned_at,
                  department_of=lambda a: a.department_id, load=(Assignment.case,))
VERDICT = dict(model=Satisfaction, time_column=lambda: Satisfaction.evaluated_at, department_of=_lead,
               load=(Satisfaction.case,))

FIGURES: dict[str, Figure] = {f.name: f for f in [
    Figure("assigned_count", _l("Assignments received"), keep=_received, **ASSIGNMENT),
    Figure("signed_count", _l("Signed for"), keep=_signed, **ASSIGNMENT),
    Figure("signed_on_time", _l("Signed on time"), keep=_signed_on_time, **ASSIGNMENT),
    Figure("finished_on_time", _l("Finished on time"), keep=_finished_on_time, **ASSIGNMENT),
    Figure("overdue_count", _l("Overdue"), keep=_overdue, **ASSIGNMENT),
    Figure("reopened_count", _l("Reopened"), keep=_levels(*UNSATISFIED), **VERDICT),
    Figure("supervised_count", _l("Supervisions received"), Supervision, lambda: Supervision.issued_at,
           lambda s: s.department_id),
    Figure("criticism_count", _l("Criticisms"), Criticism, lambda: Criticism.issued_at, lambda c: c.department_id),
    *[Figure(level.value, level.label, keep=_levels(level), **VERDICT) for level in SatisfactionLevel],
]}
"""Figure name → definition. Verdicts count for the case's lead department."""


def as_of(period: Period, today: dt.date) -> dt.date:
    """The day a period's figures are judged on: its last day, or today while it runs."""
    return min(period.end, today)


def records(figure: Figure, period: Period, today: dt.date, department_id: int | None = None) -> list[Any]:
    """Every record `figure` counts in `period` (for one department, when given), judged as of the period's end."""
    judged_on = as_of(period, today)
    column = figure.time_column()
    query = sa.select(figure.model).where(column >= period.start_time, column < period.end_time, figure.extra())
    if figure.load:
        query = query.options(*[selectinload(rel) for rel in figure.load])
    calendar = work_calendar()
    found = [r for r in db.session.execute(query.order_by(column)).scalars()
             if figure.keep(r, judged_on, calendar)]
    if department_id is not None:
        found = [r for r in found if figure.department_of(r) == department_id]
    return found


def counts(figure: Figure, period: Period, today: dt.date) -> Counter:
    """{department id: how many records} of a figure."""
    return Counter(d for d in (figure.department_of(r) for r in records(figure, period, today)) if d is not None)
