"""The leader's part of the 工作台: the period, each KPI beside the previous period's, and the charts.

Figures and charts come from kpi/; this module only chooses the period from the request and turns
each drill into a link to the case list.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext

from access.scope import scope_condition, user_department
from console.errors import ConsoleError
from extensions import db
from kpi import charts
from kpi import summary_figures as summary
from kpi.definitions import counted
from kpi.drill import Drill
from kpi.periods import Span, choose
from kpi.tally import Figure, figures
from models import Case

WIDE = ("trend", "departments", "service_item")
"""Charts that take the whole width of the page."""


def choose_span(args: Any, today: dt.date) -> tuple[Span, str | None]:
    """The period asked for in `args` (default: this month); a refused choice gives this month and why."""
    try:
        return choose(args.get("period") or "month", today, args.get("from"), args.get("to")), None
    except ConsoleError as exc:
        return choose("month", today), str(exc)


def sees_all() -> bool:
    """Whether the user sees every department: their figures are the summary's (kpi.summary_figures)."""
    return user_department() is True


def period_options(today: dt.date) -> list[tuple[str, str]]:
    """(value, label) of the period selector: this month, quarter, year, each past year on record, custom."""
    first = summary.first_day() if sees_all() else db.session.execute(
        sa.select(sa.func.min(Case.received_at)).where(counted())).scalar()
    years = range(today.year - 1, (first.year if first else today.year) - 1, -1)
    return [("month", gettext("This month")), ("quarter", gettext("This quarter")), ("year", gettext("This year")),
            *[(str(y), gettext("Year %(year)d", year=y)) for y in years], ("custom", gettext("Custom dates"))]


def drill_url(drill: Drill | None) -> str | None:
    """The case list showing a drill's cases."""
    return url_for("CaseView.list", **drill.params()) if drill is not None else None


def percent(value: float | None) -> str:
    """0.8 → 80.0%; no value → —."""
    return "—" if value is None else f"{value * 100:.1f}%"


@dataclass
class Card:
    """One KPI as the leader reads it."""

    figure: Figure
    previous: Figure
    span: Span

    @property
    def kpi(self) -> Any:
        """The declaration: label, definition, target."""
        return self.figure.kpi

    def shown(self, figure: Figure) -> str:
        """The figure as text: a percentage or a count."""
        return percent(figure.value) if self.kpi.is_rate else str(figure.numerator)

    def target(self) -> str | None:
        """目标 100% / 目标 0%, or None for counts."""
        return None if self.kpi.target is None else gettext("Target %(value)s", value=f"{self.kpi.target:.0%}")

    def link(self, part: str) -> str | None:
        """The case list of one part of this KPI in the period."""
        return drill_url(Drill(self.kpi.name, part, self.span.start, self.span.end))

    def count(self, part: str) -> int:
        """How many cases `part` holds."""
        return self.figure.count(part)


def cards(span: Span, today: dt.date) -> list[Card]:
    """Every KPI of `span` with the previous period's beside it, within the user's scope."""
    if sees_all():
        now, before = summary.figures(span, today), summary.figures(span.previous(), today)
    else:
        scope = scope_condition(Case)
        now, before = figures(span, today, scope), figures(span.previous(), today, scope)
    return [Card(now[name], before[name], span) for name in now]


def chart_data(chart: charts.Chart) -> dict:
    """What dashboard.js hands to ECharts and the table view prints: plain strings, numbers and links."""
    return {
        "name": chart.name, "title": str(chart.title), "kind": chart.kind, "unit": str(chart.unit or ""),
        "note": str(chart.note) if chart.note else None, "categories": [str(c) for c in chart.categories],
        "series": [{"name": str(s.name), "data": [{"value": p.value, "url": drill_url(p.drill)} for p in s.points]}
                   for s in chart.series],
        "empty": not any(p.value for s in chart.series for p in s.points), "wide": chart.name in WIDE,
    }


def leader_charts(span: Span, today: dt.date) -> list[dict]:
    """The leader's charts of `span` (kpi.charts.period_charts), within the user's scope."""
    found = summary.period_charts(span, today) if sees_all() else charts.period_charts(span, today,
                                                                                        scope_condition(Case))
    return [chart_data(c) for c in found]


def trend_chart(today: dt.date) -> list[dict]:
    """Cases per year by status, within the user's scope (everyone who lists cases)."""
    department = user_department()
    if department is True:
        return [chart_data(summary.yearly_trend(today))]
    if isinstance(department, int):
        return [chart_data(summary.yearly_trend(today, department))]
    return [chart_data(charts.yearly_trend(today, scope_condition(Case)))]
