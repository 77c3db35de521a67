"""The period a leader looks at, and the period of equal length before it.

This month, quarter or year (relative to today), a named period as the evaluations use
(`2025`, `2025Q2`, `2025-06`), or custom dates from–to. A month's previous period is the
month before, a quarter's the quarter before, a year's the year before; custom dates are
compared with as many days immediately before them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext

from console.errors import ConsoleError
from evaluation.periods import parse_period

CHOICES = ("month", "quarter", "year", "custom")
"""What the period selector offers besides a named period."""
LONGEST = 3660
"""Custom periods are at most about ten years long."""


def _month_end(year: int, month: int) -> dt.date:
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def _months_back(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Span:
    """A closed range of days; `kind` is month, quarter, year or custom."""

    start: dt.date
    end: dt.date
    kind: str

    @property
    def start_time(self) -> dt.datetime:
        """The first moment of the span."""
        return dt.datetime.combine(self.start, dt.time())

    @property
    def end_time(self) -> dt.datetime:
        """The first moment after the span."""
        return dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time())

    @property
    def label(self) -> Any:
        """How a person reads the span: 2025年, 2025年第2季度, 2025年6月, or the two dates."""
        if self.kind == "year":
            return gettext("Year %(year)d", year=self.start.year)
        if self.kind == "quarter":
            return gettext("Q%(quarter)d %(year)d", year=self.start.year, quarter=(self.start.month + 2) // 3)
        if self.kind == "month":
            return gettext("%(month)d/%(year)d", year=self.start.year, month=self.start.month)
        return gettext("%(start)s to %(end)s", start=self.start.isoformat(), end=self.end.isoformat())

    def previous(self) -> Span:
        """The period of the same kind (custom: the same number of days) just before this one."""
        months = {"month": 1, "quarter": 3, "year": 12}.get(self.kind)
        if months is None:
            days = (self.end - self.start).days + 1
            return Span(self.start - dt.timedelta(days=days), self.start - dt.timedelta(days=1), self.kind)
        start = _months_back(self.start, months)
        return Span(start, self.start - dt.timedelta(days=1), self.kind)


def span_between(start: dt.date, end: dt.date) -> Span:
    """The span of two days, known as a month, quarter or year when it is exactly one."""
    for kind in ("month", "quarter", "year"):
        whole = _this(kind, start)
        if (whole.start, whole.end) == (start, end):
            return whole
    return Span(start, end, "custom")


def _this(kind: str, today: dt.date) -> Span:
    if kind == "year":
        return Span(dt.date(today.year, 1, 1), dt.date(today.year, 12, 31), kind)
    if kind == "quarter":
        first = 3 * ((today.month - 1) // 3) + 1
        return Span(dt.date(today.year, first, 1), _month_end(today.year, first + 2), kind)
    return Span(dt.date(today.year, today.month, 1), _month_end(today.year, today.month), kind)


def _custom(start: str | None, end: str | None) -> Span:
    try:
        first, last = dt.date.fromisoformat((start or "").strip()), dt.date.fromisoformat((end or "").strip())
    except ValueError:
        first = last = None
    if first is None or last is None or not (dt.date(2000, 1, 1) <= first <= last <= dt.date(2100, 12, 31)) \
            or (last - first).days >= LONGEST:
        raise ConsoleError(gettext("Give two dates, the first not after the second, at most ten years apart."),
                           fields={"from": gettext("Not a valid date range.")})
    return Span(first, last, "custom")


def choose(choice: str, today: dt.date, start: str | None = None, end: str | None = None) -> Span:
    """The span of the period selector: `month`/`quarter`/`year` (the one containing today),
    `custom` (from `start` to `end`, ISO dates), or a named period such as `2025Q2`."""
    choice = (choice or "").strip()
    if choice == "custom":
        return _custom(start, end)
    if choice in CHOICES:
        return _this(choice, today)
    return named(choice)


def named(text: str) -> Span:
    """The span of a named period, as evaluations name them: `2025`, `2025Q2` or `2025-06`."""
    period = parse_period(text)
    return Span(period.start, period.end, period.kind.value)
