"""The cases behind a figure: a KPI's numerator, denominator or misses in a range of days.

A drill is what a click on a figure or a chart bar opens: `/cases/list/?kpi=response&part=miss
&from=2025-01-01&to=2025-12-31`, optionally narrowed to one value of a dimension (`&by=channel
&is=hotline_12345`) or of several, comma-joined in the same order (`&by=service_item,root_cause&is=3,none`,
as a 溯源分析 group names its cases). Its condition is the KPI's own, so the list shows exactly the cases counted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from kpi.definitions import KPIS, PARTS, counted, received_between
from kpi.dimensions import DIMENSIONS


@dataclass(frozen=True)
class Drill:
    """A set of cases: one part of one KPI, received from `start` to `end`, optionally only those
    whose dimension `by` has the value coded `value` (several dimensions: both comma-joined, in order)."""

    kpi: str
    part: str
    start: dt.date
    end: dt.date
    by: str | None = None
    value: str | None = None

    def condition(self, today: dt.date) -> Any:
        """The SQL condition selecting exactly these cases."""
        narrowed = [DIMENSIONS[by].condition(value) for by, value in self.narrowing()]
        return sa.and_(received_between(self.start, self.end), counted(),
                       KPIS[self.kpi].condition(self.part, today), *narrowed)

    def narrowing(self) -> list[tuple[str, str]]:
        """(dimension, value code) pairs the cases must match; none when the drill is not narrowed."""
        if not self.by:
            return []
        return list(zip(self.by.split(","), (self.value or "").split(","), strict=True))

    def params(self) -> dict[str, str]:
        """The list URL's query arguments."""
        args = {"kpi": self.kpi, "part": self.part, "from": self.start.isoformat(), "to": self.end.isoformat()}
        if self.by:
            args.update({"by": self.by, "is": self.value or ""})
        return args

    @classmethod
    def from_params(cls, args: Mapping[str, str]) -> Drill | None:
        """The drill named by a list URL's arguments; None when there is none or it is not valid."""
        kpi, part = args.get("kpi"), args.get("part", "numerator")
        if kpi not in KPIS or part not in PARTS:
            return None
        try:
            start, end = dt.date.fromisoformat(args.get("from", "")), dt.date.fromisoformat(args.get("to", ""))
        except ValueError:
            return None
        by, value = args.get("by") or None, args.get("is")
        if by is not None:
            names, codes = by.split(","), (value or "").split(",")
            if len(names) != len(codes) or len(set(names)) != len(names):
                return None
            try:
                for name, code in zip(names, codes, strict=True):
                    DIMENSIONS[name].parse(code)
            except (KeyError, ValueError):
                return None
        return cls(kpi, part, start, end, by, value if by else None) if start <= end else None
