"""交办单: one per department a case is handed to."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from console.declare import MenuGroup, QuickFilter, Screen, field
from models.base import Model, Stamped, enum_type
from models.department import Department
from models.enums import AssignmentRole, AssignmentStatus, CaseAction, ExtensionStatus
from models.user import StaffUser
from workdays import clock

if TYPE_CHECKING:
    from models.case import Case


def _running() -> sa.ColumnElement[bool]:
    # Waiting for the department, and the case's clock runs (a suspended case waits for the applicant).
    from models.case import Case

    return sa.and_(Assignment.status.in_([AssignmentStatus.PENDING, AssignmentStatus.SIGNED]),
                   Assignment.case.has(Case.suspended.is_(False)))


def _due_soon() -> sa.ColumnElement[bool]:
    from workdays.store import work_calendar

    today = clock.today()
    return sa.and_(_running(), Assignment.deadline >= today,
                   Assignment.deadline <= work_calendar().add_workdays(today, 1))


def _overdue() -> sa.ColumnElement[bool]:
    return sa.and_(_running(), Assignment.deadline < clock.today())


class Assignment(Stamped, Model):
    """A case handed to a department as 主办 or 协办, with its own deadline.

    The department signs for it (签收), replies (反馈) and may ask for more
    time (申请延期), which a coordinator approves or rejects.
    """

    __tablename__ = "assignment"
    __table_args__ = (sa.Index("ix_assignment_department_status", "department_id", "status"),)
    __screen__ = Screen(
        label=_l("Assignments"), item_label=_l("Assignment"), route="/assignments",
        menu=MenuGroup.CASES, icon="fa-share-square", order=("assigned_at", "desc"),
        can_add=False, can_edit=False, can_delete=False, menu_order=20,
        quick_filters=(
            QuickFilter("due_soon", _l("Due soon"), _due_soon),
            QuickFilter("overdue", _l("Overdue"), _overdue),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case.id", ondelete="CASCADE"), index=True)
    case: Mapped[Case] = relationship(back_populates="assignments", info=field(_l("Case"), list=True, search=True))
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("department.id"))
    department: Mapped[Department] = relationship(info=field(_l("Department"), list=True, search=True))
    role: Mapped[AssignmentRole] = mapped_column(
        enum_type(AssignmentRole), info=field(_l("Role"), list=True, search=True),
    )
    status: Mapped[AssignmentStatus] = mapped_column(
        enum_type(AssignmentStatus), default=AssignmentStatus.PENDING,
        info=field(_l("Status"), list=True, search=True),
    )
    assigned_at: Mapped[dt.datetime] = mapped_column(
        sa.DateTime, default=clock.now, index=True, info=field(_l("Assigned at"), list=True, search=True),
    )
    deadline: Mapped[dt.date] = mapped_column(sa.Date, index=True, info=field(_l("Deadline"), list=True, search=True))
    signed_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime, info=field(_l("Signed at"), list=True))
    signed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("ab_user.id"))
    signed_by: Mapped[StaffUser | None] = relationship(foreign_keys=[signed_by_id], info=field(_l("Signed by")))
    replied_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime, info=field(_l("Replied at"), list=True))
    reply: Mapped[str | None] = mapped_column(sa.Text, info=field(_l("Reply")))
    extension_status: Mapped[ExtensionStatus | None] = mapped_column(
        enum_type(ExtensionStatus), info=field(_l("Extension"), search=True),
    )
    extension_days: Mapped[int | None] = mapped_column(info=field(_l("Extension days requested")))
    extension_reason: Mapped[str | None] = mapped_column(sa.Text, info=field(_l("Reason for extension")))
    closed_at: Mapped[dt.datetime | None] = mapped_column(
        sa.DateTime, info=field(_l("Closed at"), _l("When the case was closed with this assignment still open")),
    )
    close_reason: Mapped[CaseAction | None] = mapped_column(
        enum_type(CaseAction), info=field(_l("Closed by"), _l("The step that closed the case"), search=True),
    )

    @property
    def is_active(self) -> bool:
        """Still the department's to work on (not withdrawn)."""
        return self.status != AssignmentStatus.WITHDRAWN

    @property
    def overdue(self) -> bool:
        """Waiting for the department, the case's clock running, and past its deadline (the rule of `_overdue`)."""
        return (self.status in (AssignmentStatus.PENDING, AssignmentStatus.SIGNED)
                and not (self.case is not None and self.case.suspended) and self.deadline < clock.today())

    def close(self, action: CaseAction) -> None:
        """Settle an open assignment because its case was closed by `action`."""
        self.status, self.closed_at, self.close_reason = AssignmentStatus.CLOSED, clock.now(), action

    def __str__(self) -> str:
        return f"{self.case.number if self.case else ''} → {self.department}"
