"""The KPI figures of a period: one aggregate query over the period's cases."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from console.sql import count_where
from extensions import db
from kpi.definitions import KPIS, Kpi, counted, received_between
from kpi.facts import counting_facts
from kpi.periods import Span
from models import Case


@dataclass(frozen=True)
class Figure:
    """A KPI's numbers for one period."""

    kpi: Kpi
    numerator: int
    denominator: int | None

    @property
    def value(self) -> float | int | None:
        """The rate (0–1; None without a denominator), or the count."""
        if not self.kpi.is_rate:
            return self.numerator
        return self.numerator / self.denominator if self.denominator else None

    def count(self, part: str) -> int:
        """How many cases `part` (numerator, denominator or miss) holds: the list behind it counts as many."""
        if part == "denominator" and self.kpi.is_rate:
            return self.denominator or 0
        if part == "miss" and self.kpi.is_rate and not self.kpi.lower_is_better:
            return (self.denominator or 0) - self.numerator
        return self.numerator

    @property
    def met(self) -> bool | None:
        """Whether the rate reaches its target; None for counts and empty rates."""
        if self.kpi.target is None or self.value is None:
            return None
        return self.value <= self.kpi.target if self.kpi.lower_is_better else self.value >= self.kpi.target


def figures(span: Span, today: dt.date, scope: Any = None, joined: bool | None = None) -> dict[str, Figure]:
    """Every KPI of the cases received in `span`, judged on `today`, within `scope` (an SQL condition).

    `joined` chooses how related records are read (kpi.facts.counting_facts); the figures are the same.
    """
    where = [received_between(span.start, span.end), counted(), scope if scope is not None else sa.true()]
    facts = counting_facts(today, where, joined)
    columns = []
    for kpi in KPIS.values():
        columns.append(count_where(kpi.condition("numerator", today, facts)))
        if kpi.is_rate:
            columns.append(count_where(kpi.condition("denominator", today, facts)))
    row = iter(db.session.execute(facts.joined(sa.select(*columns).select_from(Case)).where(*where)).one())
    found = {}
    for kpi in KPIS.values():
        numerator = int(next(row))
        found[kpi.name] = Figure(kpi, numerator, int(next(row)) if kpi.is_rate else None)
    return found
