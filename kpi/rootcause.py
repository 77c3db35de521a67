"""溯源分析: which problems recur, whether they fell after the improvement was forwarded, which lack a guide card.

The cases received in a period are grouped by 政务服务事项, 卡点单位 and 问题根源 (all three together: one
recurring problem; or any one of them) and counted per year or per quarter. A group's forwarding is the first
总结 on record, in any period, that forwarded one of its cases for improvement (转送改进单位); the group's cases
of the period are then counted as received up to that day and after it. Every count carries the drill of the
cases it counts (`/cases/list/?kpi=received&by=service_item,stuck_department,root_cause&is=…`), and each group
names the published guide cards (办事指南卡片) that already answer it. No Flask request in here.

    found = analyse(choose("2025", today), today)                        # all three, per quarter
    found = analyse(span, today, grouping="service_item", bucket="year")
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from console.sql import day_of
from extensions import db
from kpi.charts import Chart, Point, Series
from kpi.definitions import counted, received_between
from kpi.dimensions import DIMENSIONS, NONE
from kpi.drill import Drill
from kpi.periods import Span
from models import Case, CaseEvent, Department, GuideCard
from models.enums import CaseAction

GROUPINGS: dict[str, tuple[str, ...]] = {
    "problem": ("service_item", "stuck_department", "root_cause"),
    "service_item": ("service_item",),
    "stuck_department": ("stuck_department",),
    "root_cause": ("root_cause",),
}
"""Grouping name → the dimensions (kpi.dimensions) whose values make a group."""
GROUPING_LABELS = {
    "problem": _l("Service item, where stuck and root cause"), "service_item": _l("By service item"),
    "stuck_department": _l("By where it got stuck"), "root_cause": _l("By root cause"),
}
BUCKETS = {"year": _l("Per year"), "quarter": _l("Per quarter")}
"""How the counts are spread over time."""
RECURRING = 2
"""A problem recurs when the period holds at least this many of its cases."""


@dataclass(frozen=True)
class Count:
    """A number of cases and the drill naming them (None when the days it covers are outside the period)."""

    value: int
    drill: Drill | None


@dataclass(frozen=True)
class Forwarding:
    """Where the group's problem was forwarded for improvement, since when, and its cases on either side."""

    departments: list[str]
    """Names of the 转送改进单位, in the order they were first forwarded to."""
    day: dt.date
    """The day of the first forwarding (its 总结)."""
    before: Count
    """Cases of the period received up to and including that day."""
    after: Count
    """Cases of the period received after it."""

    @property
    def fell(self) -> bool:
        """The problem had recurred before the forwarding, and fewer cases came after it."""
        return self.before.value >= RECURRING and self.after.value < self.before.value


@dataclass(frozen=True)
class CardRef:
    """A published guide card answering a group."""

    id: int
    title: str


@dataclass
class Group:
    """The cases of one value of each grouping dimension."""

    names: tuple[str, ...]
    """The dimensions, as in GROUPINGS."""
    codes: tuple[str, ...]
    """Each dimension's value code (an id, or `none`)."""
    labels: tuple[str, ...]
    """What a person reads for each value."""
    counts: list[Count]
    """One per bucket of the analysis."""
    total: Count
    first: dt.date
    last: dt.date
    forwarding: Forwarding | None
    cards: list[CardRef]

    def value(self, name: str) -> int | None:
        """The id of a dimension's value; None when the group has no such dimension or no value."""
        if name not in self.names:
            return None
        code = self.codes[self.names.index(name)]
        return None if code == NONE else int(code)

    def label(self, name: str) -> str | None:
        """What a person reads for a dimension's value; None when the group has no such dimension."""
        return self.labels[self.names.index(name)] if name in self.names else None

    @property
    def title(self) -> str:
        """The group as one line: 事项 · 卡点单位 · 根源."""
        return " · ".join(self.labels)

    @property
    def recurring(self) -> bool:
        """The period holds the problem more than once."""
        return self.total.value >= RECURRING

    @property
    def card_possible(self) -> bool:
        """A guide card can answer the group: it names a 事项 or a 卡点单位."""
        return self.value("service_item") is not None or self.value("stuck_department") is not None

    @property
    def known(self) -> bool:
        """At least one dimension has a value (not only cases without 事项, 卡点 or 根源)."""
        return any(code != NONE for code in self.codes)


@dataclass
class Analysis:
    """The groups of a period, the buckets their counts are spread over, most cases first."""

    span: Span
    grouping: str
    bucket: str
    buckets: list[Span]
    groups: list[Group]

    @property
    def dimensions(self) -> list[Any]:
        """The grouping's dimensions (their labels head the table)."""
        return [DIMENSIONS[name] for name in GROUPINGS[self.grouping]]


def default_bucket(span: Span) -> str:
    """Quarters for a period of up to two years, years for a longer one."""
    return "quarter" if (span.end - span.start).days < 731 else "year"


def buckets(span: Span, bucket: str) -> list[Span]:
    """The years or quarters meeting `span`, each cut to the span."""
    months = 12 if bucket == "year" else 3
    found = []
    index = span.start.year * 12 + (span.start.month - 1) // months * months
    while True:
        start = dt.date(index // 12, index % 12 + 1, 1)
        if start > span.end:
            return found
        index += months
        end = dt.date(index // 12, index % 12 + 1, 1) - dt.timedelta(days=1)
        found.append(Span(max(start, span.start), min(end, span.end), bucket))


def _drill(names: tuple[str, ...], codes: tuple[str, ...], start: dt.date, end: dt.date) -> Drill | None:
    if start > end:
        return None
    return Drill("received", "numerator", start, end, ",".join(names), ",".join(codes))


def _count(days: dict[dt.date, int], names: tuple[str, ...], codes: tuple[str, ...], start: dt.date,
           end: dt.date) -> Count:
    return Count(sum(n for day, n in days.items() if start <= day <= end), _drill(names, codes, start, end))


def _forwardings(columns: list[Any], scope: Any) -> dict[tuple, list[tuple[dt.datetime, int]]]:
    """Group key → (first moment, department id) of each forwarding on record, earliest first."""
    # A case is summarized once (总结 leads only to 归档): that event's moment is when it was forwarded.
    summarized = sa.and_(CaseEvent.case_id == Case.id, CaseEvent.action == CaseAction.SUMMARIZE)
    rows = db.session.execute(
        sa.select(*columns, Case.forwarded_department_id, sa.func.min(CaseEvent.at)).select_from(Case)
        .join(CaseEvent, summarized).where(counted(), scope, Case.forwarded_department_id.is_not(None))
        .group_by(*columns, Case.forwarded_department_id)).all()
    found: dict[tuple, list[tuple[dt.datetime, int]]] = {}
    for row in rows:
        found.setdefault(tuple(row[:len(columns)]), []).append((row[-1], row[-2]))
    return {key: sorted(moments) for key, moments in found.items()}


def _names(model: type, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(db.session.execute(sa.select(model.id, model.name).where(model.id.in_(ids))).all())


def _cards(service_item_id: int | None, department_id: int | None, known: dict) -> list[CardRef]:
    key = (service_item_id, None) if service_item_id is not None else (None, department_id)
    if key not in known:
        rows = db.session.execute(sa.select(GuideCard.id, GuideCard.title)
                                  .where(GuideCard.serving(*key)).order_by(GuideCard.id)).all()
        known[key] = [CardRef(card_id, title) for card_id, title in rows]
    return known[key]


def analyse(span: Span, today: dt.date, grouping: str = "problem", bucket: str | None = None,
            scope: Any = None) -> Analysis:
    """The 溯源分析 of the cases received in `span` (voided ones never count), within `scope` (an SQL
    condition on Case; all cases when None), grouped as GROUPINGS[grouping], counted per `bucket`."""
    names = GROUPINGS[grouping]
    dims = [DIMENSIONS[name] for name in names]
    columns = [d.column() for d in dims]
    scope = scope if scope is not None else sa.true()
    bucket = bucket if bucket in BUCKETS else default_bucket(span)
    spans = buckets(span, bucket)
    day = day_of(Case.received_at)
    rows = db.session.execute(sa.select(*columns, day, sa.func.count())
                              .where(received_between(span.start, span.end), counted(), scope)
                              .group_by(*columns, day)).all()
    days: dict[tuple, dict[dt.date, int]] = {}
    for row in rows:
        days.setdefault(tuple(row[:len(columns)]), {})[row[-2]] = row[-1]
    forwarded = _forwardings(columns, scope)
    department_names = _names(Department, {d for moments in forwarded.values() for _at, d in moments})
    labels = []
    for i, d in enumerate(dims):
        values = list({key[i] for key in days})
        labels.append(dict(zip(values, d.labels(values), strict=True)))
    known_cards: dict = {}
    groups = []
    for key, by_day in days.items():
        codes = tuple(d.code(v) for d, v in zip(dims, key, strict=True))
        group = Group(
            names=names, codes=codes, labels=tuple(str(labels[i][v]) for i, v in enumerate(key)),
            counts=[_count(by_day, names, codes, b.start, b.end) for b in spans],
            total=_count(by_day, names, codes, span.start, span.end),
            first=min(by_day), last=max(by_day), forwarding=None, cards=[])
        moments = forwarded.get(key)
        if moments:
            first = moments[0][0].date()
            departments = list(dict.fromkeys(department_names[d] for _at, d in moments))
            group.forwarding = Forwarding(
                departments, first, _count(by_day, names, codes, span.start, min(first, span.end)),
                _count(by_day, names, codes, max(first + dt.timedelta(days=1), span.start), span.end))
        if group.card_possible:
            group.cards = _cards(group.value("service_item"),
                                 None if group.value("service_item") is not None else group.value("stuck_department"),
                                 known_cards)
        groups.append(group)
    groups.sort(key=lambda g: (-g.total.value, -g.last.toordinal(), g.title))
    return Analysis(span, grouping, bucket, spans, groups)


def recurring(analysis: Analysis, top: int | None = None) -> list[Group]:
    """The problems that recur (at least RECURRING cases, some 事项, 卡点 or 根源 known), most cases first."""
    found = [g for g in analysis.groups if g.recurring and g.known]
    return found[:top] if top is not None else found


def chart(analysis: Analysis, top: int = 8) -> Chart:
    """The most frequent recurring problems over the buckets, one line each; a point opens its cases."""
    series = [Series(g.title, [Point(c.value, c.drill) for c in g.counts]) for g in recurring(analysis, top)]
    return Chart("rootcause", _l("Recurring problems over time"), "line", [b.label for b in analysis.buckets],
                 series, unit=_l("cases"))
