"""The event log of a case (办理记录): append-only."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy import event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from console.declare import MenuGroup, Screen, field
from models.base import Model, enum_type
from models.department import Department
from models.enums import CaseAction, CaseStatus
from models.user import StaffUser
from workdays import clock

if TYPE_CHECKING:
    from models.case import Case


class CaseEvent(Model):
    """One step of a case: who, when, what, from which state to which.

    Rows are only ever inserted; an update or delete raises (see the mapper
    events below), so the timeline is a faithful record.
    """

    __tablename__ = "case_event"
    __screen__ = Screen(
        label=_l("Case events"), item_label=_l("Case event"), route="/case-events",
        menu=MenuGroup.CASES, icon="fa-history", order=("id", "desc"),
        can_add=False, can_edit=False, can_delete=False, menu_order=90,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case.id", ondelete="CASCADE"), index=True)
    case: Mapped[Case] = relationship(back_populates="events", info=field(_l("Case"), list=True, search=True))
    at: Mapped[dt.datetime] = mapped_column(
        sa.DateTime, default=clock.now, index=True, info=field(_l("Time"), list=True, search=True),
    )
    actor_id: Mapped[int] = mapped_column(sa.ForeignKey("ab_user.id"), index=True)
    actor: Mapped[StaffUser] = relationship(foreign_keys=[actor_id], info=field(_l("By"), list=True, search=True))
    action: Mapped[CaseAction] = mapped_column(
        enum_type(CaseAction), index=True, info=field(_l("Action"), list=True, search=True),
    )
    from_status: Mapped[CaseStatus | None] = mapped_column(
        enum_type(CaseStatus), info=field(_l("From state")),
    )
    to_status: Mapped[CaseStatus | None] = mapped_column(
        enum_type(CaseStatus), info=field(_l("To state"), list=True),
    )
    department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("department.id"), index=True)
    department: Mapped[Department | None] = relationship(
        info=field(_l("Department concerned"), list=True, search=True),
    )
    deadline: Mapped[dt.date | None] = mapped_column(sa.Date, info=field(_l("Deadline")))
    note: Mapped[str | None] = mapped_column(sa.Text, info=field(_l("Note"), list=True))
    data: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON, info=field(_l("Details"), show=False))

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or delete a row of an append-only log."""


@event.listens_for(CaseEvent, "before_update")
def _refuse_update(mapper: Any, connection: Any, target: CaseEvent) -> None:
    raise AppendOnlyError("case events are append-only")


@event.listens_for(CaseEvent, "before_delete")
def _refuse_delete(mapper: Any, connection: Any, target: CaseEvent) -> None:
    # Deleting a whole case (an admin's decision, itself audited) cascades in
    # the database (ondelete=CASCADE), not through this mapper.
    raise AppendOnlyError("case events are append-only")
