"""Who hears about what: in-app notifications written by the workflow and by reminders."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa

from extensions import db
from models import Coordinator, StaffUser
from models.notification import Notification, NotificationKind


def _department_users(department_id: int) -> list[StaffUser]:
    return list(db.session.execute(
        sa.select(StaffUser).where(StaffUser.department_id == department_id, StaffUser.active.is_(True))
    ).scalars())


def _coordinator_users(case: Any) -> list[StaffUser]:
    if case.coordinator is not None and case.coordinator.user.active:
        return [case.coordinator.user]
    return list(db.session.execute(
        sa.select(StaffUser).join(Coordinator, Coordinator.user_id == StaffUser.id)
        .where(Coordinator.is_active.is_(True), StaffUser.active.is_(True))
    ).scalars())


def _send(users: Iterable[StaffUser], kind: NotificationKind, case: Any, message: str,
          dedupe: str | None = None) -> int:
    sent = 0
    for user in users:
        key = f"{dedupe}:{user.id}" if dedupe else None
        if key and db.session.execute(sa.select(Notification.id).where(Notification.dedupe_key == key)).first():
            continue
        db.session.add(Notification(user_id=user.id, kind=kind, case=case, message=message[:300], dedupe_key=key))
        sent += 1
    return sent


def to_department(department_id: int, kind: NotificationKind, case: Any, message: str,
                  dedupe: str | None = None) -> int:
    """Notify every active user of a department; return how many were notified."""
    return _send(_department_users(department_id), kind, case, message, dedupe)


def to_coordinators(case: Any, kind: NotificationKind, message: str, dedupe: str | None = None) -> int:
    """Notify the case's coordinator (or, if none, every active coordinator)."""
    return _send(_coordinator_users(case), kind, case, message, dedupe)
