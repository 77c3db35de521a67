"""The figures of 量化评价, each defined once as the list of records it counts.

A figure names the records behind it (assignments, verdicts, supervisions or
criticisms) for a department and a period. The number on an evaluation is the
length of that list and the drill-down page shows the list itself, so the two
always agree.
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


@dataclass(frozen=True)
class Figure:
    """One counted quantity."""

    name: str
    label: Any
    model: type
    time_column: Callable[[], Any]
    department_of: Callable[[Any], int | None]
    keep: Keep = lambda record, today, calendar: True
    extra: Callable[[], Any] = lambda: sa.true()
    load: tuple = ()


def _received(a: Assignment, today: dt.date, cal: WorkCalendar) -> bool:
    return a.status != AssignmentStatus.WITHDRAWN


def _signed_on_time(a: Assignment, today: dt.date, cal: WorkCalendar) -> bool:
    # 签收 by the end of the working day after the case was handed over.
    return _received(a, today, cal) and a.signed_at is not None and \
        a.signed_at.date() <= cal.add_workdays(a.assigned_at.date(), 1)


def _finished_on_time(a: Assignment, today: dt.date, cal: WorkCalendar) -> bool:
    return _received(a, today, cal) and a.replied_at is not None and a.replied_at.date() <= a.deadline


def _overdue(a: Assignment, today: dt.date, cal: WorkCalendar) -> bool:
    if not _received(a, today, cal):
        return False
    if a.replied_at is not None:
        return a.replied_at.date() > a.deadline
    # Unanswered and past its deadline — unless the clock is stopped while the case is suspended.
    return a.deadline < today and not a.case.suspended


def _levels(*levels: SatisfactionLevel) -> Keep:
    return lambda s, today, cal: s.level in levels


def _lead(s: Satisfaction) -> int | None:
    return s.case.lead_department_id


UNSATISFIED = (SatisfactionLevel.UNSATISFIED, SatisfactionLevel.VERY_UNSATISFIED)
ASSIGNMENT = dict(model=Assignment, time_column=lambda: Assignment.assigned_at,
                  department_of=lambda a: a.department_id, load=(Assignment.case,))
VERDICT = dict(model=Satisfaction, time_column=lambda: Satisfaction.evaluated_at, department_of=_lead,
               load=(Satisfaction.case,))

FIGURES: dict[str, Figure] = {f.name: f for f in [
    Figure("assigned_count", _l("Assignments received"), keep=_received, **ASSIGNMENT),
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


def records(figure: Figure, period: Period, today: dt.date, department_id: int | None = None) -> list[Any]:
    """Every record `figure` counts in `period` (for one department, when given)."""
    column = figure.time_column()
    query = sa.select(figure.model).where(column >= period.start_time, column < period.end_time, figure.extra())
    if figure.load:
        query = query.options(*[selectinload(rel) for rel in figure.load])
    calendar = work_calendar()
    found = [r for r in db.session.execute(query.order_by(column)).scalars()
             if figure.keep(r, today, calendar)]
    if department_id is not None:
        found = [r for r in found if figure.department_of(r) == department_id]
    return found


def counts(figure: Figure, period: Period, today: dt.date) -> Counter:
    """{department id: how many records} of a figure."""
    return Counter(d for d in (figure.department_of(r) for r in records(figure, period, today)) if d is not None)
