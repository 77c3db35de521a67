"""The cases behind a figure: a KPI's numerator, denominator or misses in a range of days.

A drill is what a click on a figure or a chart bar opens: `/cases/list/?kpi=response&part=miss
&from=2025-01-01&to=2025-12-31`, optionally narrowed to one value of a dimension (`&by=channel
&is=hotline_12345`). Its condition is the KPI's own, so the list shows exactly the cases counted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from kpi.definitions import KPIS, PARTS, counted, received_between


@dataclass(frozen=True)
class Drill:
    """A set of cases: one part of one KPI, received from `start` to `end`."""

    kpi: str
    part: str
    start: dt.date
    end: dt.date

    def condition(self, today: dt.date) -> Any:
        """The SQL condition selecting exactly these cases."""
        return sa.and_(received_between(self.start, self.end), counted(),
                       KPIS[self.kpi].condition(self.part, today))

    def params(self) -> dict[str, str]:
        """The list URL's query arguments."""
        return {"kpi": self.kpi, "part": self.part, "from": self.start.isoformat(), "to": self.end.isoformat()}

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
        return cls(kpi, part, start, end) if start <= end else None
