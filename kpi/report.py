"""月报/季报/年报: the figures and chart tables of the 工作台 for one period, as tables to print.

The report reads the same functions as the dashboard (kpi.tally, kpi.charts) and the 溯源分析 screen
(kpi.rootcause), so a printed figure is the figure on the screen. kpi.report_files writes it as .docx and .xlsx.

    report = build(choose("2025", today), today)
    docx_bytes(report), xlsx_bytes(report), report.file_stem   # 办不成事反映窗口年报-2025
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext

from kpi import charts, rootcause
from kpi.definitions import KPIS
from kpi.periods import Span
from kpi.tally import figures

ISSUER = "高新区、清城区政务服务中心"


class Rate(float):
    """A share between 0 and 1, printed as a percentage."""


@dataclass
class Table:
    """A titled table: a header row and data rows (numbers stay numbers)."""

    title: str
    header: list[str]
    rows: list[list[Any]]
    note: str | None = None


@dataclass
class Report:
    """Everything a report prints, in order."""

    title: str
    period: str
    file_stem: str
    generated: dt.date
    tables: list[Table] = field(default_factory=list)
    definitions: list[tuple[str, str]] = field(default_factory=list)


def _kind(span: Span) -> str:
    return {"month": gettext("monthly report"), "quarter": gettext("quarterly report"),
            "year": gettext("annual report")}.get(span.kind, gettext("report"))


def _name(span: Span) -> str:
    if span.kind == "year":
        return str(span.start.year)
    if span.kind == "quarter":
        return f"{span.start.year}Q{(span.start.month + 2) // 3}"
    if span.kind == "month":
        return f"{span.start:%Y-%m}"
    return f"{span.start.isoformat()}_{span.end.isoformat()}"


def _figures_table(span: Span, today: dt.date, scope: Any) -> Table:
    now, before = figures(span, today, scope), figures(span.previous(), today, scope)
    rows = []
    for name, figure in now.items():
        kpi, previous = figure.kpi, before[name]
        if kpi.is_rate:
            rows.append([str(kpi.label), _rate(figure.value), _rate(previous.value), Rate(kpi.target or 0.0),
                         figure.numerator, figure.denominator, figure.count("miss") if not kpi.lower_is_better
                         else figure.numerator])
        else:
            rows.append([str(kpi.label), figure.numerator, previous.numerator, None, figure.numerator, None, None])
    header = [gettext("Figure"), span.label, gettext("Previous period (%(period)s)", period=span.previous().label),
              gettext("Target"), gettext("Numerator"), gettext("Denominator"), gettext("Cases missing the target")]
    return Table(gettext("Main figures"), header, rows)


def _rate(value: float | None) -> Rate | None:
    return None if value is None else Rate(value)


def _chart_table(chart: charts.Chart) -> Table:
    header = [""] + [str(s.name) for s in chart.series]
    rows = [[str(category)] + [s.points[i].value for s in chart.series] for i, category in enumerate(chart.categories)]
    unit = f"（{chart.unit}）" if chart.unit else ""
    return Table(f"{chart.title}{unit}", header, rows, str(chart.note) if chart.note else None)


TOP_PROBLEMS = 10
"""How many recurring problems the report lists."""


def _rootcause_table(span: Span, today: dt.date, scope: Any) -> Table:
    """溯源分析's recurring problems (事项 · 卡点单位 · 根源) with what was done: forwarding and guide cards."""
    rows = []
    for group in rootcause.recurring(rootcause.analyse(span, today, scope=scope), TOP_PROBLEMS):
        forwarding = group.forwarding
        rows.append([group.title, group.total.value, group.first, group.last,
                     "、".join(forwarding.departments) if forwarding else None,
                     forwarding.day if forwarding else None, forwarding.before.value if forwarding else None,
                     forwarding.after.value if forwarding else None,
                     "、".join(card.title for card in group.cards) or None])
    header = [gettext("Problem (service item · where stuck · root cause)"), gettext("Number of cases"),
              gettext("First received"), gettext("Last received"), gettext("Forwarded for improvement to"),
              gettext("Forwarded on"), gettext("Received up to that day"), gettext("Received after it"),
              gettext("Guide card")]
    return Table(gettext("Root-cause analysis: recurring problems"), header, rows,
                 gettext("Problems with at least %(count)d cases in the period, at most %(top)d, most first. "
                         "Forwarded on: the first summary on record that forwarded one of their cases.",
                         count=rootcause.RECURRING, top=TOP_PROBLEMS))


def build(span: Span, today: dt.date, scope: Any = None) -> Report:
    """The report of `span`, judged on `today`, within `scope` (all departments when None)."""
    kind = _kind(span)
    found = charts.period_charts(span, today, scope)
    return Report(
        title=gettext("“Cannot get it done” window, %(period)s %(kind)s", period=span.label, kind=kind),
        period=span.label, file_stem=f"{gettext('Cannot-get-it-done window')}{kind}-{_name(span)}", generated=today,
        tables=[_figures_table(span, today, scope), *[_chart_table(c) for c in found],
                _rootcause_table(span, today, scope)],
        definitions=[(str(k.label), str(k.definition)) for k in KPIS.values()],
    )


__all__ = ["ISSUER", "Rate", "Report", "Table", "build"]
