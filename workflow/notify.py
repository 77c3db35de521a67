"""Who hears about what: in-app notifications written by the workflow and by reminders.

A replay of history (the demo seed runs 2021–2025 through the workflow) still writes the notifications each
step would have sent, so the list tells the story, but those older than the replay's horizon arrive read:
nobody is asked to attend to a reply from 2023 (`replaying_history`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

import sqlalchemy as sa

from access.audit import record
from extensions import db
from models import Coordinator, StaffUser
from models.audit import AuditOperation
from models.notification import Notification, NotificationKind
from workdays import clock

_history_before: dt.datetime | None = None


@contextlib.contextmanager
def replaying_history(until: dt.datetime) -> Iterator[None]:
    """Inside the block, notifications of moments before `until` are written as read (at that moment)."""
    global _history_before
    previous, _history_before = _history_before, until
    try:
        yield
    finally:
        _history_before = previous


def _read_on_arrival(moment: dt.datetime) -> dt.datetime | None:
    """When a notification written at `moment` counts as read: at once if it is replayed history."""
    return moment if _history_before is not None and moment < _history_before else None


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
    moment = clock.now()
    for user in users:
        key = f"{dedupe}:{user.id}" if dedupe else None
        if key and db.session.execute(sa.select(Notification.id).where(Notification.dedupe_key == key)).first():
            continue
        db.session.add(Notification(user_id=user.id, kind=kind, case=case, message=message[:300], dedupe_key=key,
                                    created_at=moment, read_at=_read_on_arrival(moment)))
        sent += 1
    return sent


def to_department(department_id: int, kind: NotificationKind, case: Any, message: str,
                  dedupe: str | None = None) -> int:
    """Notify every active user of a department; return how many were notified."""
    return _send(_department_users(department_id), kind, case, message, dedupe)


def to_coordinators(case: Any, kind: NotificationKind, message: str, dedupe: str | None = None) -> int:
    """Notify the case's coordinator (or, if none, every active coordinator)."""
    return _send(_coordinator_users(case), kind, case, message, dedupe)


def mark_all_read(user_id: int) -> int:
    """Mark the user's unread notifications read now and log how many (操作日志 “全部标为已读”)."""
    count = db.session.execute(sa.update(Notification).where(
        Notification.user_id == user_id, Notification.read_at.is_(None)).values(read_at=clock.now())).rowcount
    if count:
        record(db.session, AuditOperation.READ_ALL.value, "Notification", None, {"count": [None, count]})
    db.session.commit()
    return count

