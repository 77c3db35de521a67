"""量化评价: a department's record for a period, computed from its cases."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from console.declare import MenuGroup, QuickFilter, Screen, field
from console.formatting import display
from models.base import Model, Stamped, enum_type
from models.department import Department
from models.enums import DepartmentKind, Grade, PeriodKind


def _unanswered_overdue() -> sa.ColumnElement[bool]:
    """An assignment of the period, still open today, whose running deadline passed within the period."""
    from models.assignment import Assignment
    from models.case import Case
    from models.enums import AssignmentStatus
    from workdays import clock

    clock_stopped = sa.and_(Case.suspended.is_(True), sa.or_(
        Case.suspended_at.is_(None), sa.func.date(Case.suspended_at) <= Assignment.deadline))
    return sa.exists().where(
        Assignment.department_id == Evaluation.department_id,
        Assignment.status.in_([AssignmentStatus.PENDING, AssignmentStatus.SIGNED]),
        sa.func.date(Assignment.assigned_at) >= Evaluation.period_start,
        sa.func.date(Assignment.assigned_at) <= Evaluation.period_end,
        Assignment.deadline < Evaluation.period_end,
        Assignment.deadline < clock.today(),
        Case.id == Assignment.case_id,
        ~clock_stopped,
    )


def _criticism_candidates() -> sa.ColumnElement[bool]:
    """通报批评候选: 不合格, or an assignment of the period left unanswered past its deadline."""
    return sa.or_(Evaluation.grade == Grade.FAIL, _unanswered_overdue())


def _award_candidates() -> sa.ColumnElement[bool]:
    """评先评优候选: 优秀, no 通报批评 of the department within the period, and never a criticism candidate."""
    from models.criticism import Criticism

    criticized = sa.exists().where(
        Criticism.department_id == Evaluation.department_id,
        sa.func.date(Criticism.issued_at) >= Evaluation.period_start,
        sa.func.date(Criticism.issued_at) <= Evaluation.period_end,
    )
    return sa.and_(Evaluation.grade == Grade.EXCELLENT, ~criticized, ~_criticism_candidates())


def _grade_or_not_rated(value: object) -> object:
    """The grade's label; 不参评 when the department had no assignment in the period."""
    grade = Grade.parse(value)
    return display(grade) if grade is not None else gettext("Not rated")


def _rate(label: object) -> dict:
    return field(label, form=False, list=True, search=True)


class Evaluation(Stamped, Model):
    """The figures of one department for one period (year, quarter or month).

    Counts come from the case data; leaders may adjust the score with a reason,
    and recomputing a period keeps that adjustment. Without an assignment in the
    period the department is 不参评: no score and no grade.
    """

    __tablename__ = "evaluation"
    __table_args__ = (sa.UniqueConstraint("period", "department_id"),)
    __screen__ = Screen(
        label=_l("Evaluations"), item_label=_l("Evaluation"), route="/evaluations",
        menu=MenuGroup.EVALUATION, icon="fa-chart-bar", api="evaluations", order=("score", "desc"),
        can_add=False, can_delete=False, menu_order=20,
        quick_filters=(
            QuickFilter("award", _l("Award candidates"), _award_candidates),
            QuickFilter("criticism", _l("Criticism candidates"), _criticism_candidates),
            QuickFilter("years", _l("Years"), lambda: Evaluation.period_kind == PeriodKind.YEAR),
            QuickFilter("quarters", _l("Quarters"), lambda: Evaluation.period_kind == PeriodKind.QUARTER),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(
        sa.String(10), index=True,
        info=field(_l("Period"), _l("2025, 2025Q2 or 2025-06"), form=False, list=True, search=True, exact=True),
    )
    period_kind: Mapped[PeriodKind] = mapped_column(
        enum_type(PeriodKind), info=field(_l("Period type"), form=False, search=True),
    )
    period_start: Mapped[dt.date] = mapped_column(sa.Date, info=field(_l("From"), form=False))
    period_end: Mapped[dt.date] = mapped_column(sa.Date, info=field(_l("To"), form=False))
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("department.id"), index=True)
    department: Mapped[Department] = relationship(
        info=field(_l("Department"), form=False, list=True, search=True),
    )
    department_kind: Mapped[DepartmentKind] = mapped_column(
        enum_type(DepartmentKind), index=True,
        info=field(_l("Kind of department"), _l("Copied from the department when computed"), form=False,
                   search=True),
    )
    assigned_count: Mapped[int] = mapped_column(default=0, info=_rate(_l("Assignments received")))
    signed_count: Mapped[int] = mapped_column(
        default=0, server_default="0", info=field(_l("Signed for"), form=False, search=True))
    signed_on_time: Mapped[int] = mapped_column(default=0, info=_rate(_l("Signed on time")))
    finished_on_time: Mapped[int] = mapped_column(default=0, info=_rate(_l("Finished on time")))
    overdue_count: Mapped[int] = mapped_column(default=0, info=_rate(_l("Overdue")))
    reopened_count: Mapped[int] = mapped_column(default=0, info=_rate(_l("Reopened")))
    supervised_count: Mapped[int] = mapped_column(default=0, info=_rate(_l("Supervisions received")))
    very_satisfied: Mapped[int] = mapped_column(default=0, info=field(_l("Very satisfied"), form=False))
    satisfied: Mapped[int] = mapped_column(default=0, info=field(_l("Satisfied"), form=False))
    basically_satisfied: Mapped[int] = mapped_column(default=0, info=field(_l("Basically satisfied"), form=False))
    unsatisfied: Mapped[int] = mapped_column(default=0, info=field(_l("Unsatisfied"), form=False))
    very_unsatisfied: Mapped[int] = mapped_column(default=0, info=field(_l("Very unsatisfied"), form=False))
    response_rate: Mapped[Decimal | None] = mapped_column(sa.Numeric(5, 2), info=_rate(_l("Response rate (%)")))
    signed_on_time_rate: Mapped[Decimal | None] = mapped_column(
        sa.Numeric(5, 2), info=_rate(_l("Signed-on-time rate (%)")))
    on_time_rate: Mapped[Decimal | None] = mapped_column(sa.Numeric(5, 2), info=_rate(_l("On-time rate (%)")))
    satisfaction_rate: Mapped[Decimal | None] = mapped_column(sa.Numeric(5, 2), info=_rate(_l("Satisfaction rate (%)")))
    reopen_rate: Mapped[Decimal | None] = mapped_column(sa.Numeric(5, 2), info=_rate(_l("Reopen rate (%)")))
    computed_score: Mapped[Decimal | None] = mapped_column(
        sa.Numeric(6, 2), info=field(_l("Computed score"), _l("By the published formula; empty when not rated"),
                                     form=False),
    )
    adjustment: Mapped[Decimal] = mapped_column(
        sa.Numeric(6, 2), default=Decimal("0"),
        info=field(_l("Manual adjustment"), _l("Points added (or, negative, deducted) by the leadership")),
    )
    adjustment_reason: Mapped[str | None] = mapped_column(
        sa.Text, info=field(_l("Reason for adjustment"), _l("Required whenever the adjustment is not zero"),
                            textarea=True),
    )
    score: Mapped[Decimal | None] = mapped_column(
        sa.Numeric(6, 2), index=True,
        info=field(_l("Score"), _l("0–100; empty when not rated"), form=False, list=True, search=True),
    )
    grade: Mapped[Grade | None] = mapped_column(
        enum_type(Grade), index=True,
        info=field(_l("Grade"), form=False, list=True, search=True, formatter=_grade_or_not_rated),
    )
    computed_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime, info=field(_l("Computed at"), form=False))

    def __str__(self) -> str:
        return f"{self.period} {self.department}"
