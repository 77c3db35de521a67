"""The dashboard's charts as data: categories, series and, for every point, the drill naming its cases.

Each chart is a few GROUP BY queries over the cases, using the KPIs' own conditions, so the
number on a bar equals the count of the case list a click on it opens. Rendering (ECharts, the
table view) is the view's business; nothing here knows about HTML or requests.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from console.sql import count_where, day_of
from extensions import db
from kpi.definitions import KPIS, counted, received_between
from kpi.dimensions import DIMENSIONS
from kpi.drill import Drill
from kpi.facts import counting_facts
from kpi.periods import Span, span_between
from models import Case, Department
from models.enums import UNCOUNTED_STATUSES, CaseStatus
from workdays.calendar import WorkCalendar
from workdays.store import work_calendar


@dataclass(frozen=True)
class Point:
    """One bar or slice: its value and the cases behind it."""

    value: float | int | None
    drill: Drill | None = None


@dataclass(frozen=True)
class Series:
    """A named row of points, one per category."""

    name: Any
    points: list[Point]


@dataclass(frozen=True)
class Chart:
    """What a chart shows. `kind`: stack (stacked bars), bar, hbar (horizontal bars), pie or line."""

    name: str
    title: Any
    kind: str
    categories: list[Any]
    series: list[Series]
    unit: Any = None
    note: Any = None


def _where(span_start: dt.date, span_end: dt.date, scope: Any) -> list[Any]:
    return [received_between(span_start, span_end), counted(), scope if scope is not None else sa.true()]


def yearly_trend(today: dt.date, scope: Any = None) -> Chart:
    """Cases received per year, from the first year on record to this one, split by status."""
    year = sa.extract("year", Case.received_at)
    rows = db.session.execute(sa.select(year, Case.status, sa.func.count()).where(
        counted(), scope if scope is not None else sa.true()).group_by(year, Case.status)).all()
    return trend_chart({(int(y), status): n for y, status, n in rows}, today)


def trend_chart(counts: dict[tuple[int, CaseStatus], int], today: dt.date) -> Chart:
    """The trend chart of (year, status) → cases."""
    years = list(range(min([y for y, _s in counts] or [today.year]), today.year + 1))
    series = []
    for status in CaseStatus:
        if status in UNCOUNTED_STATUSES or not any(counts.get((y, status)) for y in years):
            continue
        series.append(Series(status.label, [
            Point(counts.get((y, status), 0),
                  Drill("received", "numerator", dt.date(y, 1, 1), dt.date(y, 12, 31), "status", status.value))
            for y in years]))
    return Chart("trend", _l("Cases received per year, by status"), "stack", [str(y) for y in years], series,
                 unit=_l("cases"))


def breakdown(name: str, span: Span, today: dt.date, scope: Any = None) -> Chart:
    """The period's cases by one dimension (反映类型, 处办机制 …); cases without a value are kept apart."""
    dim = DIMENSIONS[name]
    column = dim.column()
    rows = dict(db.session.execute(sa.select(column, sa.func.count()).where(
        *_where(span.start, span.end, scope)).group_by(column)).all())
    return breakdown_chart(name, span, rows)


def breakdown_chart(name: str, span: Span, rows: dict[Any, int]) -> Chart:
    """The chart of one dimension's value → cases in `span`."""
    dim = DIMENSIONS[name]
    values = dim.ordered(rows)
    points = [Point(rows[v], Drill("received", "numerator", span.start, span.end, name, dim.code(v))) for v in values]
    return Chart(name, dim.title or dim.label, dim.chart, dim.labels(values),
                 [Series(KPIS["received"].label, points)], unit=_l("cases"))


DEPARTMENT_PARTS = (("received", "numerator", _l("Assigned cases")), ("on_time", "miss", _l("Late or overdue")),
                    ("reopen", "numerator", _l("Unsatisfied")))
"""The department chart's series: (KPI, part, label)."""


def by_department(span: Span, today: dt.date, scope: Any = None) -> Chart:
    """Cases per lead department (主办) with how many were late or overdue, and how many drew 不满意."""
    parts = DEPARTMENT_PARTS
    where = _where(span.start, span.end, scope)
    facts = counting_facts(today, where)
    columns = [count_where(KPIS[kpi].condition(part, today, facts)) for kpi, part, _label in parts]
    rows = db.session.execute(
        facts.joined(sa.select(Department.id, Department.name, *columns).select_from(Case)
                     .join(Department, Department.id == Case.lead_department_id))
        .where(*where)
        .group_by(Department.id, Department.name)
        .order_by(sa.desc(columns[0]), Department.name)).all()
    return department_chart(span, [tuple(row) for row in rows])


def department_chart(span: Span, rows: list[tuple]) -> Chart:
    """The department chart of rows (id, name, cases, late or overdue, unsatisfied), in the order to show."""
    parts = DEPARTMENT_PARTS
    series = [Series(label, [Point(row[2 + i], Drill(kpi, part, span.start, span.end, "lead_department",
                                                     str(row[0]))) for row in rows])
              for i, (kpi, part, label) in enumerate(parts)]
    return Chart("departments", _l("Lead departments: cases, late and unsatisfied"), "hbar",
                 [row[1] for row in rows], series, unit=_l("cases"),
                 note=_l("Late or overdue: as in the on-time completion rate. Unsatisfied: reopened after an "
                         "unsatisfied verdict."))


def _months(span: Span) -> list[dt.date]:
    """First days of the span's months, and of the months before it to make at least twelve."""
    index = span.end.year * 12 + span.end.month - 1
    first = min(span.start.year * 12 + span.start.month - 1, index - 11)
    return [dt.date(i // 12, i % 12 + 1, 1) for i in range(first, index + 1)]


class _WorkdayIndex:
    """W(day) = working days from a fixed start up to `day`: W(b) − W(a) working days lie after a up to b."""

    def __init__(self, calendar: WorkCalendar, first: dt.date) -> None:
        self.calendar, self.day, self.count, self.known = calendar, first, 0, {first: 0}

    def __call__(self, day: dt.date) -> int:
        while self.day < day:
            self.day += dt.timedelta(days=1)
            self.count += self.calendar.is_workday(self.day)
            self.known[self.day] = self.count
        return self.known[day]


def monthly_duration(span: Span, today: dt.date, scope: Any = None) -> Chart:
    """Average working days from 受理 to 办结 of the finished cases, by month of receipt.

    Working days are the calendar's (holidays and 调休 included; time suspended counts). The
    average is Σ W(办结日) ÷ n − Σ W(受理日) ÷ n, so two GROUP BY queries suffice whatever the volume.
    """
    first, end = duration_range(span)
    finished = KPIS["completion"].condition("numerator", today)
    where = [*_where(first, end, scope), finished]
    received_day, resolved_day = day_of(Case.received_at), day_of(Case.resolved_at)
    by_receipt = db.session.execute(sa.select(received_day, sa.func.count()).where(*where)
                                    .group_by(received_day)).all()
    year, month = sa.extract("year", Case.received_at), sa.extract("month", Case.received_at)
    by_finish = db.session.execute(sa.select(year, month, resolved_day, sa.func.count()).where(*where)
                                   .group_by(year, month, resolved_day)).all()
    return duration_chart(span, [tuple(r) for r in by_receipt], [tuple(r) for r in by_finish])


def duration_range(span: Span) -> tuple[dt.date, dt.date]:
    """The days of receipt the duration chart covers: the span's months and those before it to make twelve."""
    months = _months(span)
    return months[0], _month_end(months[-1])


def duration_chart(span: Span, by_receipt: list[tuple], by_finish: list[tuple]) -> Chart:
    """The duration chart of finished cases counted per day of receipt (day, n) and per month of receipt and
    day of 办结 (year, month, day, n)."""
    months = _months(span)
    days = [day for day, _n in by_receipt] + [row[2] for row in by_finish]
    index = _WorkdayIndex(work_calendar(), min(days, default=months[0]) - dt.timedelta(days=1))
    count: dict[dt.date, int] = {}
    total: dict[dt.date, int] = {}
    for day, n in sorted(by_receipt):
        key = day.replace(day=1)
        count[key] = count.get(key, 0) + n
        total[key] = total.get(key, 0) - index(day) * n
    for y, m, day, n in sorted(by_finish, key=lambda r: r[2]):
        key = dt.date(int(y), int(m), 1)
        total[key] = total.get(key, 0) + index(day) * n
    points = []
    for first in months:
        whole = span_between(first, _month_end(first))
        value = round(total[first] / count[first], 1) if count.get(first) else None
        points.append(Point(value, Drill("completion", "numerator", whole.start, whole.end)))
    return Chart("duration", _l("Average working days from receipt to completion"), "line",
                 [span_between(m, _month_end(m)).label for m in months],
                 [Series(_l("Working days"), points)], unit=_l("working days"),
                 note=_l("Finished cases by month of receipt; suspended time included."))


def _month_end(first: dt.date) -> dt.date:
    return dt.date(first.year + (first.month == 12), first.month % 12 + 1, 1) - dt.timedelta(days=1)


BREAKDOWNS = ("problem_type", "track", "disposition", "level", "channel")
ROOT_CAUSES = ("root_cause", "forwarded_department", "service_item")
"""溯源分析: what the problems came from, where they went for improvement, which services recur."""


def period_charts(span: Span, today: dt.date, scope: Any = None) -> list[Chart]:
    """The leader's charts, in order: the trend since the window opened, the period's breakdowns,
    durations, lead departments and 溯源分析 (the 工作台 and the reports show the same)."""
    found = [yearly_trend(today, scope)]
    found += [breakdown(name, span, today, scope) for name in BREAKDOWNS]
    found += [monthly_duration(span, today, scope), by_department(span, today, scope)]
    return found + [breakdown(name, span, today, scope) for name in ROOT_CAUSES]
