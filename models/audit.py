"""操作日志 and 登录日志: append-only records of who changed what, and who logged in."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy import event
from sqlalchemy.orm import Mapped, mapped_column

from console.declare import MenuGroup, QuickFilter, Screen, field
from models.base import LabeledEnum, Model, enum_type
from workdays import clock


class AuditOperation(LabeledEnum):
    """What happened to a record."""

    CREATE = "create", _l("Created")
    UPDATE = "update", _l("Changed")
    DELETE = "delete", _l("Deleted")
    REVEAL = "reveal", _l("Personal data revealed")
    PURGE = "purge", _l("Old log entries purged")


class LoginResult(LabeledEnum):
    """The outcome of a login attempt."""

    SUCCESS = "success", _l("Logged in")
    FAILURE = "failure", _l("Wrong user name or password")
    LOCKED = "locked", _l("Account locked")
    INACTIVE = "inactive", _l("Account deactivated")
    LOGOUT = "logout", _l("Logged out")
    EXPIRED = "expired", _l("Session expired")


class AuditLog(Model):
    """One change of one record, from any channel, with the old and new values of each field."""

    __tablename__ = "audit_log"
    __table_args__ = (sa.Index("ix_audit_log_model_record", "model", "record_id"),)
    __screen__ = Screen(
        label=_l("Audit log"), item_label=_l("Audit entry"), route="/audit", menu=MenuGroup.SYSTEM,
        icon="fa-clipboard-list", order=("id", "desc"), can_add=False, can_edit=False, can_delete=False,
        menu_order=10,
        quick_filters=(
            QuickFilter("deletions", _l("Deletions"), lambda: AuditLog.operation == AuditOperation.DELETE),
            QuickFilter("reveals", _l("Personal data revealed"), lambda: AuditLog.operation == AuditOperation.REVEAL),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(sa.DateTime, default=clock.now, index=True,
                                            info=field(_l("Time"), list=True, search=True))
    user_id: Mapped[int | None] = mapped_column(index=True)
    username: Mapped[str | None] = mapped_column(sa.String(128), info=field(_l("User"), list=True, search=True))
    ip: Mapped[str | None] = mapped_column(sa.String(64), info=field(_l("IP address"), list=True, search=True))
    channel: Mapped[str] = mapped_column(sa.String(16), info=field(_l("Channel"), list=True, search=True))
    operation: Mapped[AuditOperation] = mapped_column(
        enum_type(AuditOperation), index=True, info=field(_l("Operation"), list=True, search=True))
    model: Mapped[str] = mapped_column(sa.String(60), info=field(_l("Record type"), list=True, search=True))
    record_id: Mapped[int | None] = mapped_column(info=field(_l("Record id"), list=True, search=True))
    changes: Mapped[dict[str, Any] | None] = mapped_column(
        sa.JSON, info=field(_l("Changed fields"), formatter=lambda value: describe_changes(value)))

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.operation} {self.model}#{self.record_id}"


class LoginLog(Model):
    """One login attempt, logout or expiry."""

    __tablename__ = "login_log"
    __screen__ = Screen(
        label=_l("Login log"), item_label=_l("Login entry"), route="/login-log", menu=MenuGroup.SYSTEM,
        icon="fa-sign-in-alt", order=("id", "desc"), can_add=False, can_edit=False, can_delete=False,
        menu_order=11,
        quick_filters=(QuickFilter("failures", _l("Failures"), lambda: LoginLog.result.in_(
            [LoginResult.FAILURE, LoginResult.LOCKED, LoginResult.INACTIVE])),),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(sa.DateTime, default=clock.now, index=True,
                                            info=field(_l("Time"), list=True, search=True))
    username: Mapped[str] = mapped_column(sa.String(128), index=True,
                                          info=field(_l("User name"), list=True, search=True))
    user_id: Mapped[int | None] = mapped_column()
    ip: Mapped[str | None] = mapped_column(sa.String(64), info=field(_l("IP address"), list=True, search=True))
    channel: Mapped[str] = mapped_column(sa.String(16), info=field(_l("Channel"), list=True, search=True))
    result: Mapped[LoginResult] = mapped_column(enum_type(LoginResult), index=True,
                                                info=field(_l("Result"), list=True, search=True))
    user_agent: Mapped[str | None] = mapped_column(sa.String(300), info=field(_l("Browser")))

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.result}"


def describe_changes(changes: dict[str, Any] | None) -> str:
    """“字段：旧值 → 新值” lines, with the fields' Chinese labels."""
    from console.introspect import labels
    from models import SCREEN_MODELS

    if not changes:
        return ""
    names: dict[str, Any] = {}
    for model in SCREEN_MODELS:
        for key, label in labels(model).items():
            names.setdefault(key, label)
    lines = []
    for key, (old, new) in changes.items():
        lines.append(f"{names.get(key, key)}：{'' if old is None else old} → {'' if new is None else new}")
    return "\n".join(lines)


class ImmutableLogError(RuntimeError):
    """Raised when code tries to change a log row; only the purge command removes old ones."""


for _log_model in (AuditLog, LoginLog):
    @event.listens_for(_log_model, "before_update")
    def _refuse_update(mapper: Any, connection: Any, target: Any) -> None:
        raise ImmutableLogError("logs are append-only")

    @event.listens_for(_log_model, "before_delete")
    def _refuse_delete(mapper: Any, connection: Any, target: Any) -> None:
        raise ImmutableLogError("logs are append-only")
