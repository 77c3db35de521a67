"""Stamps of what console processes cache: a change anywhere moves the stamp, every process reloads.

Several gunicorn processes serve one database. Each keeps the role → permission
sets and the holiday calendar in memory (console/cache.py `StampedCache`); a row
here says which version of that data is current. A flush that touches roles,
permissions or holiday overrides writes a fresh random token into the row in
the same transaction, so a process that reads the stamp at the start of a
request (one scalar subquery in the user's own load, access/security.py) sees
the change from the next request on, whichever process made it.
"""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from flask import has_app_context
from flask_appbuilder.security.sqla.models import Permission, PermissionView, Role, ViewMenu
from sqlalchemy.orm import Mapped, Session, mapped_column

from console.cache import request_cache
from models.base import Model
from models.holiday import HolidayOverride

PERMISSIONS = "permissions"
"""Roles and what they grant (FAB's ab_role, ab_permission_view_role …)."""
HOLIDAYS = "holidays"
"""The admins' holiday overrides."""

WATCHED: dict[str, tuple[type, ...]] = {
    PERMISSIONS: (Role, Permission, ViewMenu, PermissionView),
    HOLIDAYS: (HolidayOverride,),
}
"""Which models' changes move which stamp. A user's own roles need none: they are read with the user."""


class CacheStamp(Model):
    """The current version token of one kind of cached data."""

    __tablename__ = "cache_stamp"

    name: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    token: Mapped[str] = mapped_column(sa.String(32))


def stamp_column(name: str) -> Any:
    """A scalar subquery of stamp `name`, to read it inside another statement."""
    return sa.select(CacheStamp.token).where(CacheStamp.name == name).scalar_subquery()


def remember_stamps(stamps: dict[str, str | None]) -> None:
    """Keep stamps read by another statement for the rest of this request."""
    request_cache()["cache_stamps"] = dict(stamps)


def current_stamp(session: Session, name: str) -> str | None:
    """Stamp `name` as this request read it (all stamps in one statement when nothing read them yet)."""
    cache = request_cache()
    stamps = cache.get("cache_stamps")
    if stamps is None or name not in stamps:
        rows = session.execute(sa.select(CacheStamp.name, CacheStamp.token)).all()
        stamps = cache["cache_stamps"] = {kind: None for kind in WATCHED} | dict(rows)
    return stamps[name]


def _touched(session: Session) -> set[str]:
    changed = [*session.new, *session.dirty, *session.deleted]
    return {name for name, models in WATCHED.items() if any(isinstance(obj, models) for obj in changed)}


def bump_touched_stamps(session: Session, _flush_context: Any) -> None:
    """After a flush: a new token for every kind of cached data the flush changed, in its transaction."""
    touched = _touched(session)
    if not touched:
        return
    conn = session.connection()
    table = CacheStamp.__table__
    seen = request_cache().get("cache_stamps") if has_app_context() else None
    for name in sorted(touched):  # a fixed order: two writers lock the rows alike
        token = uuid.uuid4().hex
        if not conn.execute(table.update().where(table.c.name == name).values(token=token)).rowcount:
            conn.execute(table.insert().values(name=name, token=token))
        if seen is not None:
            seen[name] = token


def install_stamp_bumps(session: Any) -> None:
    """Move the stamps whenever `session` (a session or scoped session) flushes watched changes."""
    if not sa.event.contains(session, "after_flush", bump_touched_stamps):
        sa.event.listen(session, "after_flush", bump_touched_stamps)
