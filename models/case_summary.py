"""The dashboard's summary of the cases: counters per day of receipt, kept exact in every transaction.

One row counts the **counted** cases (not 已作废, not 重复件) received on `received_on` that share one value of
one `dimension`, as they stand now:

- `all` (value `''`): the KPI figures;
- `status`, `problem_type`, `track`, `disposition`, `level`, `channel`, `root_cause`, `forwarded_department`,
  `service_item`, `lead_department` (value: the code as kpi.dimensions writes it: enum code, id, `none`): the charts;
- `status` with `department_id` set: a 承办人员's trend, the cases assigned to that department (only `cases`);
- `running` (value: lead department id or `none`; `marked_on`: the deadline): open, not suspended, not finished;
  overdue once `marked_on` < today;
- `unanswered` (`marked_on`: the response deadline): not yet 研判'd; due a response once `marked_on` < today;
- `finished` (`marked_on`: the day of 办结): the average working days to completion.

What depends on today (overdue, response due) is read by comparing `marked_on` with today, so no row ever goes
stale with the date. kpi/summary.py writes the rows; kpi/summary_figures.py reads them.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Model

COUNTERS = ("cases", "responded", "responded_on_time", "resolved", "resolved_on_time", "evaluated", "satisfied",
            "reopened", "supervised", "criticized")
"""The counters of a row, each a number of cases (see kpi/summary.py for what each counts)."""


class CaseSummary(Model):
    """Counters of the counted cases received on one day that share one value of one dimension."""

    __tablename__ = "case_summary"
    __table_args__ = (
        # covering the trend and the breakdowns: they read no row of the table itself
        sa.Index("ix_case_summary_dimension_day", "dimension", "department_id", "received_on", "value", "cases"),
        sa.Index("ix_case_summary_day", "received_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    received_on: Mapped[dt.date] = mapped_column(sa.Date, nullable=False)
    dimension: Mapped[str] = mapped_column(sa.String(30), nullable=False)
    value: Mapped[str] = mapped_column(sa.String(40), nullable=False, default="")
    department_id: Mapped[int | None] = mapped_column(sa.Integer)
    """Set on the rows of one department's scope (the cases assigned to it); NULL on the rows of all cases."""
    marked_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    """The deadline of `running` and `unanswered` rows, the day of 办结 of `finished` rows."""
    cases: Mapped[int] = mapped_column(default=0, nullable=False)
    responded: Mapped[int] = mapped_column(default=0, nullable=False)
    responded_on_time: Mapped[int] = mapped_column(default=0, nullable=False)
    resolved: Mapped[int] = mapped_column(default=0, nullable=False)
    resolved_on_time: Mapped[int] = mapped_column(default=0, nullable=False)
    evaluated: Mapped[int] = mapped_column(default=0, nullable=False)
    satisfied: Mapped[int] = mapped_column(default=0, nullable=False)
    reopened: Mapped[int] = mapped_column(default=0, nullable=False)
    supervised: Mapped[int] = mapped_column(default=0, nullable=False)
    criticized: Mapped[int] = mapped_column(default=0, nullable=False)
