"""督办单: a supervision order against a department on a case."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from console.declare import MenuGroup, Screen, field
from models.base import Model, Stamped, enum_type
from models.department import Department
from models.enums import SupervisionLevel
from models.user import StaffUser
from workdays import clock

if TYPE_CHECKING:
    from models.case import Case


class Supervision(Stamped, Model):
    """一般督办 / 重点督办 / 挂牌督办, with reason, deadline and the department's feedback."""

    __tablename__ = "supervision"
    __screen__ = Screen(
        label=_l("Supervisions"), item_label=_l("Supervision"), route="/supervisions",
        menu=MenuGroup.CASES, icon="fa-bell", api="supervisions", order=("issued_at", "desc"),
        can_add=False, can_edit=False, can_delete=False, menu_order=30,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case.id", ondelete="CASCADE"), index=True)
    case: Mapped[Case] = relationship(back_populates="supervisions", info=field(_l("Case"), list=True, search=True))
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("department.id"), index=True)
    department: Mapped[Department] = relationship(info=field(_l("Supervised department"), list=True, search=True))
    level: Mapped[SupervisionLevel] = mapped_column(
        enum_type(SupervisionLevel), info=field(_l("Supervision level"), list=True, search=True),
    )
    reason: Mapped[str] = mapped_column(sa.Text, info=field(_l("Reason"), list=True))
    issued_at: Mapped[dt.datetime] = mapped_column(
        sa.DateTime, default=clock.now, index=True, info=field(_l("Issued at"), list=True, search=True),
    )
    issued_by_id: Mapped[int] = mapped_column(sa.ForeignKey("ab_user.id"))
    issued_by: Mapped[StaffUser] = relationship(foreign_keys=[issued_by_id], info=field(_l("Issued by")))
    deadline: Mapped[dt.date] = mapped_column(sa.Date, info=field(_l("Reply deadline"), list=True, search=True))
    feedback: Mapped[str | None] = mapped_column(sa.Text, info=field(_l("Feedback")))
    feedback_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime, info=field(_l("Feedback at")))

    def __str__(self) -> str:
        return f"{self.level} {self.department}"
