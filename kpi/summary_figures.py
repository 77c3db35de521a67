"""The 工作台's KPIs and charts read from the summary (models/case_summary.py) instead of the cases.

The same figures and charts as kpi.tally and kpi.charts give for a user who sees every department (and, for the
trend, for a 承办人员's department); each query sums the rows of the period's days, so its cost grows with the
days of the period, not with the cases. What depends on today compares the rows' `marked_on` with today:
a `running` row is overdue, an `unanswered` row due a response, once its day has passed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from extensions import db
from kpi import charts
from kpi.definitions import KPIS
from kpi.dimensions import DIMENSIONS, NONE
from kpi.periods import Span
from kpi.tally import Figure
from models import CaseSummary, Department
from models.enums import CaseStatus

S = CaseSummary.__table__.c


def _days(start: dt.date, end: dt.date) -> Any:
    return S.received_on.between(start, end)


def _sum(column: Any, *conditions: Any) -> Any:
    return sa.func.coalesce(sa.func.sum(sa.case((sa.and_(*conditions), column), else_=0)), 0)


def figures(span: Span, today: dt.date) -> dict[str, Figure]:
    """Every KPI of the cases received in `span`, judged on `today` (as kpi.tally.figures without a scope)."""
    total = [S.dimension == "all"]
    row = db.session.execute(sa.select(
        *[_sum(S[name], *total) for name in ("cases", "responded", "responded_on_time", "resolved",
                                               "resolved_on_time", "evaluated", "satisfied", "reopened",
                                               "supervised", "criticized")],
        _sum(S.cases, S.dimension == "running", S.marked_on < today),
        _sum(S.cases, S.dimension == "unanswered", S.marked_on < today),
    ).where(S.dimension.in_(("all", "running", "unanswered")), S.department_id.is_(None),
            _days(span.start, span.end))).one()
    (cases, responded, responded_on_time, resolved, resolved_on_time, evaluated, satisfied, reopened,
     supervised, criticized, overdue, unanswered_due) = (int(v) for v in row)
    parts = {  # KPI → (numerator, denominator): the parts of kpi.definitions, counted by the summary
        "received": (cases, None),
        "response": (responded_on_time, responded + unanswered_due),
        "completion": (resolved, resolved + overdue),
        "on_time": (resolved_on_time, resolved + overdue),
        "satisfaction": (satisfied, evaluated),
        "reopen": (reopened, evaluated),
        "supervised": (supervised, None),
        "criticized": (criticized, None),
    }
    return {name: Figure(kpi, *parts[name]) for name, kpi in KPIS.items()}


def _value(name: str, code: str) -> Any:
    """The column value (enum member, id or None) of a row's code."""
    dim = DIMENSIONS[name]
    if code == NONE:
        return None
    return dim.enum.parse(code) if dim.enum is not None else int(code)


def yearly_trend(today: dt.date, department: int | None = None) -> charts.Chart:
    """Cases per year by status: of every department, or of the cases assigned to `department`."""
    year = sa.extract("year", S.received_on)
    scope = S.department_id.is_(None) if department is None else S.department_id == department
    rows = db.session.execute(sa.select(year, S.value, sa.func.sum(S.cases))
                              .where(S.dimension == "status", scope).group_by(year, S.value)).all()
    return charts.trend_chart({(int(y), CaseStatus.parse(code)): int(n) for y, code, n in rows}, today)


def breakdown(name: str, span: Span) -> charts.Chart:
    """The period's cases by one dimension (as kpi.charts.breakdown)."""
    rows = db.session.execute(sa.select(S.value, sa.func.sum(S.cases)).where(
        S.dimension == name, S.department_id.is_(None), _days(span.start, span.end)).group_by(S.value)).all()
    return charts.breakdown_chart(name, span, {_value(name, code): int(n) for code, n in rows if n})


def by_department(span: Span, today: dt.date) -> charts.Chart:
    """Cases per lead department, late or overdue, unsatisfied (as kpi.charts.by_department)."""
    lead = S.dimension == "lead_department"
    rows = db.session.execute(sa.select(
        S.value, _sum(S.cases, lead),
        _sum(S.resolved - S.resolved_on_time, lead) + _sum(S.cases, S.dimension == "running", S.marked_on < today),
        _sum(S.reopened, lead),
    ).where(S.dimension.in_(("lead_department", "running")), S.department_id.is_(None), S.value != NONE,
            _days(span.start, span.end)).group_by(S.value)).all()
    counted = {int(code): (int(n), int(late), int(unsatisfied)) for code, n, late, unsatisfied in rows if n}
    names = dict(db.session.execute(sa.select(Department.id, Department.name)
                                    .where(Department.id.in_(list(counted)))).all()) if counted else {}
    ordered = sorted(counted, key=lambda pk: (-counted[pk][0], names[pk]))
    return charts.department_chart(span, [(pk, names[pk], *counted[pk]) for pk in ordered])


def monthly_duration(span: Span) -> charts.Chart:
    """Average working days from 受理 to 办结 by month of receipt (as kpi.charts.monthly_duration)."""
    where = [S.dimension == "finished", S.department_id.is_(None), _days(*charts.duration_range(span))]
    by_receipt = db.session.execute(sa.select(S.received_on, sa.func.sum(S.cases)).where(*where)
                                    .group_by(S.received_on)).all()
    year, month = sa.extract("year", S.received_on), sa.extract("month", S.received_on)
    by_finish = db.session.execute(sa.select(year, month, S.marked_on, sa.func.sum(S.cases)).where(*where)
                                   .group_by(year, month, S.marked_on)).all()
    return charts.duration_chart(span, [(d, int(n)) for d, n in by_receipt],
                                 [(y, m, d, int(n)) for y, m, d, n in by_finish])


def period_charts(span: Span, today: dt.date) -> list[charts.Chart]:
    """The leader's charts of `span`, in the order of kpi.charts.period_charts."""
    found = [yearly_trend(today)]
    found += [breakdown(name, span) for name in charts.BREAKDOWNS]
    found += [monthly_duration(span), by_department(span, today)]
    return found + [breakdown(name, span) for name in charts.ROOT_CAUSES]


def first_day() -> dt.date | None:
    """The first day a counted case was received on."""
    return db.session.execute(sa.select(sa.func.min(S.received_on)).where(S.dimension == "all")).scalar()
