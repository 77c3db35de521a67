"""In-app notifications (消息提醒)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from console.cache import request_cache
from console.declare import QuickFilter, Screen, field
from models.base import LabeledEnum, Model, enum_type
from models.user import StaffUser
from workdays import clock

if TYPE_CHECKING:
    from models.case import Case


class NotificationKind(LabeledEnum):
    """Why someone is notified."""

    ASSIGNED = "assigned", _l("Case assigned to your department")
    SUPERVISED = "supervised", _l("Supervision issued to your department")
    DUE_SOON = "due_soon", _l("Deadline in one working day")
    OVERDUE = "overdue", _l("Deadline passed")
    REPLIED = "replied", _l("A department replied")
    EXTENSION_REQUESTED = "extension_requested", _l("Extension requested")
    EXTENSION_DECIDED = "extension_decided", _l("Extension decided")
    REOPENED = "reopened", _l("Case reopened after an unsatisfied verdict")


def _unread() -> sa.ColumnElement[bool]:
    return Notification.read_at.is_(None)


class Notification(Model):
    """One message to one user; `dedupe_key` keeps scheduled reminders from repeating."""

    __tablename__ = "notification"
    __owner__ = "user_id"
    __table_args__ = (sa.Index("ix_notification_user_unread", "user_id", "read_at"),)
    __screen__ = Screen(
        label=_l("Notifications"), item_label=_l("Notification"), route="/notifications",
        icon="fa-bell", order=("id", "desc"), can_add=False, can_edit=False, can_delete=False, export=False,
        quick_filters=(QuickFilter("unread", _l("Unread"), _unread),),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("ab_user.id", ondelete="CASCADE"), index=True)
    user: Mapped[StaffUser] = relationship(foreign_keys=[user_id])
    kind: Mapped[NotificationKind] = mapped_column(
        enum_type(NotificationKind), info=field(_l("Kind"), list=True, search=True),
    )
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("case.id", ondelete="CASCADE"), index=True)
    case: Mapped[Case | None] = relationship(info=field(_l("Case"), list=True))
    message: Mapped[str] = mapped_column(sa.String(300), info=field(_l("Message"), list=True))
    created_at: Mapped[dt.datetime] = mapped_column(
        sa.DateTime, default=clock.now, info=field(_l("Time"), list=True, search=True),
    )
    read_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime, info=field(_l("Read at"), list=True))
    dedupe_key: Mapped[str | None] = mapped_column(sa.String(120), unique=True)

    def __str__(self) -> str:
        return self.message


def remember_unread(user_id: int, count: int) -> None:
    """Keep a user's unread count, read together with the user, for the rest of this request (the navbar badge)."""
    request_cache().setdefault("unread_notifications", {})[user_id] = int(count or 0)


def remembered_unread(user_id: int) -> int | None:
    """The unread count read earlier in this request, if any."""
    return request_cache().get("unread_notifications", {}).get(user_id)


def forget_unread(user_id: int) -> None:
    """Count again after a notification of the user was read in this request."""
    request_cache().get("unread_notifications", {}).pop(user_id, None)
