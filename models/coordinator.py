"""Coordinators (协调专员): department representatives who work the window's cases."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from console.declare import MenuGroup, Screen, field
from console.validators import phone_number
from models.base import Model, Stamped, enum_type
from models.department import Department
from models.enums import Position
from models.user import StaffUser


class Coordinator(Stamped, Model):
    """A user acting as 协调专员 for a department, with position and phone.

    The article: 区级各部门行政审批负责人或窗口首席代表为“办不成事”反映窗口协调专员.
    """

    __tablename__ = "coordinator"
    __screen__ = Screen(
        label=_l("Coordinators"), item_label=_l("Coordinator"), route="/coordinators",
        menu=MenuGroup.BASIC, icon="fa-user-tie", api="coordinators", order=("id", "asc"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("ab_user.id"), unique=True)
    # joined: a coordinator is always shown as "name（department）", wherever it is listed
    user: Mapped[StaffUser] = relationship(
        foreign_keys=[user_id], lazy="joined",
        info=field(_l("Account"), _l("The login account of this coordinator"), list=True, search=True),
    )
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("department.id"), index=True)
    department: Mapped[Department] = relationship(
        lazy="joined",
        info=field(_l("Department"), _l("The department this coordinator represents"),
                   list=True, search=True, choices_filter=lambda: Department.is_active.is_(True)),
    )
    position: Mapped[Position] = mapped_column(
        enum_type(Position), info=field(_l("Position"), list=True, search=True),
    )
    phone: Mapped[str | None] = mapped_column(
        sa.String(20), info=field(_l("Phone"), list=True, validators=(phone_number,)),
    )
    is_active: Mapped[bool] = mapped_column(
        default=True, info=field(_l("Active"), list=True, search=True),
    )

    def __str__(self) -> str:
        dept = self.department.short_name or self.department.name if self.department else ""
        return f"{self.user}（{dept}）" if dept else str(self.user)
