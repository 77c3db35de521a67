"""通报批评: a department or window named for neglecting assigned cases."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from console.declare import MenuGroup, QuickFilter, Screen, display, field
from models.base import Model, Stamped, enum_type
from models.department import Department
from models.enums import CriticismReason, Severity
from models.evaluation import Evaluation
from workdays import clock

if TYPE_CHECKING:
    from models.case import Case

criticism_case = sa.Table(
    "criticism_case",
    Model.metadata,
    sa.Column("criticism_id", sa.ForeignKey("criticism.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("case_id", sa.ForeignKey("case.id", ondelete="CASCADE"), primary_key=True),
    sa.Index("ix_criticism_case_case_id", "case_id"),
)


def _pending() -> sa.ColumnElement[bool]:
    from workdays import clock

    return sa.and_(Criticism.rectified_at.is_(None), Criticism.rectify_deadline >= clock.today())


def _late() -> sa.ColumnElement[bool]:
    from workdays import clock

    return sa.and_(Criticism.rectified_at.is_(None), Criticism.rectify_deadline < clock.today())


class Criticism(Stamped, Model):
    """A 通报批评 with its 文号, the cases behind it and the department's rectification."""

    __tablename__ = "criticism"
    __table_args__ = (sa.UniqueConstraint("year", "sequence"),)
    __screen__ = Screen(
        label=_l("Criticisms"), item_label=_l("Criticism"), route="/criticisms",
        menu=MenuGroup.EVALUATION, icon="fa-exclamation-triangle", api="criticisms",
        order=("issued_at", "desc"), can_add=False, can_delete=False, menu_order=30,
        quick_filters=(
            QuickFilter("pending", _l("Awaiting rectification"), _pending),
            QuickFilter("rectified", _l("Rectified"), lambda: Criticism.rectified_at.is_not(None)),
            QuickFilter("late", _l("Rectification overdue"), _late),
            QuickFilter("referred", _l("Referred to discipline inspection"), lambda: Criticism.referred.is_(True)),
            QuickFilter("serious", _l("Serious"), lambda: Criticism.severity == Severity.SERIOUS),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(
        sa.String(40), unique=True,
        info=field(_l("Document number"), _l("e.g. 清城政数〔2025〕3号"), form=False, list=True, search=True),
    )
    year: Mapped[int] = mapped_column(index=True, info=field(_l("Year"), form=False, search=True))
    sequence: Mapped[int] = mapped_column(info=field(_l("Sequence"), form=False, show=False))
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("department.id"), index=True)
    department: Mapped[Department] = relationship(
        info=field(_l("Criticized department"), form=False, list=True, search=True),
    )
    evaluation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("evaluation.id"))
    evaluation: Mapped[Evaluation | None] = relationship(info=field(_l("Evaluation"), form=False))
    cases: Mapped[list[Case]] = relationship(secondary=criticism_case, info=field(_l("Cases"), form=False))
    reason: Mapped[CriticismReason] = mapped_column(
        enum_type(CriticismReason), info=field(_l("Reason"), form=False, list=True, search=True),
    )
    severity: Mapped[Severity] = mapped_column(
        enum_type(Severity), index=True, info=field(_l("Severity"), form=False, list=True, search=True),
    )
    content: Mapped[str | None] = mapped_column(sa.Text, info=field(_l("Content"), textarea=True))
    issued_at: Mapped[dt.datetime] = mapped_column(
        sa.DateTime, default=clock.now, index=True, info=field(_l("Issued at"), form=False, list=True),
    )
    referred: Mapped[bool] = mapped_column(
        default=False,
        info=field(_l("Referred to discipline inspection"), _l("Referred to the 纪检监察机关"), list=True,
                   search=True),
    )
    referred_at: Mapped[dt.date | None] = mapped_column(sa.Date, info=field(_l("Referred on")))
    rectify_deadline: Mapped[dt.date] = mapped_column(
        sa.Date, info=field(_l("Rectification deadline"), form=False, list=True, search=True),
    )
    rectify_feedback: Mapped[str | None] = mapped_column(
        sa.Text, info=field(_l("Rectification feedback"), textarea=True),
    )
    rectified_at: Mapped[dt.date | None] = mapped_column(sa.Date, info=field(_l("Rectified on"), search=True))

    @display(_l("Rectification status"), list=True)
    def rectification_status(self) -> str:
        """待整改 / 已整改 / 逾期未整改."""
        from workdays import clock

        if self.rectified_at is not None:
            return str(_l("Rectified"))
        if self.rectify_deadline < clock.today():
            return str(_l("Rectification overdue"))
        return str(_l("Awaiting rectification"))

    def __str__(self) -> str:
        return self.number
