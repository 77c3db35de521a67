"""The console's user account: FAB's user plus the department it belongs to."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_appbuilder.security.sqla.models import User
from sqlalchemy.orm import Mapped, mapped_column, relationship

if TYPE_CHECKING:
    from models.department import Department


class StaffUser(User):
    """A member of staff. `department` decides which cases a handler may see."""

    __tablename__ = "ab_user"

    department_id: Mapped[int | None] = mapped_column(
        # use_alter: departments also point at users (created_by), a cycle.
        sa.ForeignKey("department.id", use_alter=True), nullable=True, index=True,
    )
    department: Mapped[Department | None] = relationship(foreign_keys=[department_id])
    locked_until: Mapped[dt.datetime | None] = mapped_column(sa.DateTime, nullable=True)
    """Set after repeated failed logins; the account refuses logins until then."""
    password_changed_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime, nullable=True)
    must_change_password: Mapped[bool] = mapped_column(sa.Boolean, default=False, server_default=sa.false())
    """An admin can require a new password at the next login."""
    session_epoch: Mapped[int] = mapped_column(sa.Integer, default=0, server_default="0")
    """Bumped at logout and password change: every older session cookie stops working."""

    def __str__(self) -> str:
        full = f"{self.last_name}{self.first_name}".strip()
        return full or self.username
