"""What the KPIs know of a case beyond its own row: its verdicts, 督办 and 通报批评, and the day judged on.

`Facts` asks per case with a correlated EXISTS: the form a list's WHERE needs (/cases/list/?kpi=…).
`JoinedFacts` states the same facts as per-case aggregates joined once, restricted to the cases being
counted. Both say the same thing, so the figure and its list agree; `counting_facts` picks the faster
one for counting many cases: PostgreSQL cannot share a correlated subquery between the numerators and
denominators of one SELECT (each runs once per case and KPI), SQLite answers them from the index
quicker than it joins subqueries.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from console.sql import count_where
from extensions import db
from models import Case, Satisfaction, Supervision
from models.criticism import criticism_case
from models.enums import SatisfactionLevel

SATISFIED = [level for level in SatisfactionLevel if level.is_satisfied]
"""非常满意, 满意, 基本满意."""


class Facts:
    """The facts of each case as correlated subqueries, judged on `today`."""

    def __init__(self, today: dt.date) -> None:
        self.today = today

    def evaluated(self) -> Any:
        """The applicant has given at least one verdict."""
        return sa.exists().where(Satisfaction.case_id == Case.id)

    def satisfied(self) -> Any:
        """The applicant said 非常满意, 满意 or 基本满意 (after 重办, if it came to that)."""
        return sa.exists().where(Satisfaction.case_id == Case.id, Satisfaction.level.in_(SATISFIED))

    def supervised(self) -> Any:
        """督办'd at least once."""
        return sa.exists().where(Supervision.case_id == Case.id)

    def criticized(self) -> Any:
        """Named in a 通报批评."""
        return sa.exists().where(criticism_case.c.case_id == Case.id)

    def joined(self, query: Any) -> Any:
        """`query` (over Case) with whatever these facts read from; nothing for subqueries."""
        return query


class JoinedFacts(Facts):
    """The same facts from one aggregate per related table, for the cases matching `cases` only."""

    def __init__(self, today: dt.date, cases: list[Any]) -> None:
        super().__init__(today)
        ids = sa.select(Case.id).where(*cases)
        self._verdicts = (sa.select(Satisfaction.case_id, count_where(Satisfaction.level.in_(SATISFIED))
                                    .label("satisfied"))
                          .where(Satisfaction.case_id.in_(ids)).group_by(Satisfaction.case_id).subquery("verdicts"))
        self._supervised = (sa.select(Supervision.case_id).where(Supervision.case_id.in_(ids)).distinct()
                            .subquery("supervised"))
        self._criticized = (sa.select(criticism_case.c.case_id).where(criticism_case.c.case_id.in_(ids)).distinct()
                            .subquery("criticized"))

    def evaluated(self) -> Any:
        """The case has a row among the verdicts."""
        return self._verdicts.c.case_id.is_not(None)

    def satisfied(self) -> Any:
        """At least one of its verdicts is satisfied."""
        return sa.func.coalesce(self._verdicts.c.satisfied, 0) > 0

    def supervised(self) -> Any:
        """The case has a row among the supervised."""
        return self._supervised.c.case_id.is_not(None)

    def criticized(self) -> Any:
        """The case has a row among the criticized."""
        return self._criticized.c.case_id.is_not(None)

    def joined(self, query: Any) -> Any:
        """`query` outer-joined to the three aggregates (one row each per case, so no count is multiplied)."""
        return (query.outerjoin(self._verdicts, self._verdicts.c.case_id == Case.id)
                .outerjoin(self._supervised, self._supervised.c.case_id == Case.id)
                .outerjoin(self._criticized, self._criticized.c.case_id == Case.id))


def counting_facts(today: dt.date, cases: list[Any], joined: bool | None = None) -> Facts:
    """The facts for one query counting the cases matching `cases`: joined aggregates, except on SQLite
    (`joined` forces either form)."""
    if joined is None:
        joined = db.session.get_bind().dialect.name != "sqlite"
    return JoinedFacts(today, cases) if joined else Facts(today)
