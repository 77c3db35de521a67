"""The console's user account: FAB's user plus the department it belongs to."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_appbuilder.security.sqla.models import User
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

if TYPE_CHECKING:
    from models.department import Department

SYSTEM_USERNAME = "system"
"""The account CLI commands, seeds and scheduled jobs act as (see access/system.py)."""

USER_LABELS = {
    "username": _l("User name"), "last_name": _l("Family name"), "first_name": _l("Given name"),
    "email": _l("Email"), "active": _l("Active"), "password": _l("Password"), "roles": _l("Roles"),
    "department": _l("Department"), "department_id": _l("Department"), "last_login": _l("Last login"),
    "login_count": _l("Login count"), "fail_login_count": _l("Failed logins in a row"),
    "created_on": _l("Created at"), "changed_on": _l("Updated at"), "created_by_fk": _l("Created by"),
    "changed_by_fk": _l("Updated by"), "locked_until": _l("Locked until"),
    "password_changed_at": _l("Password changed at"),
    "must_change_password": _l("Must change password at next login"), "session_epoch": _l("Sessions revoked"),
}
"""What a person reads for each field of an account: the user screens and the audit log."""


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
