"""操作日志 and 登录日志: append-only records of who changed what, and who logged in."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import event
from sqlalchemy.orm import Mapped, mapped_column

from console.declare import MenuGroup, QuickFilter, Screen, display, field
from console.formatting import display as display_value
from models.base import LabeledEnum, Model, enum_type
from models.user import SYSTEM_USERNAME, USER_LABELS
from workdays import clock


class AuditOperation(LabeledEnum):
    """What happened to a record."""

    CREATE = "create", _l("Created")
    UPDATE = "update", _l("Changed")
    DELETE = "delete", _l("Deleted")
    REVEAL = "reveal", _l("Personal data revealed")
    EXPORT_PERSONAL = "export_personal", _l("Personal data exported in full")
    PURGE = "purge", _l("Old log entries purged")
    ACTIVATE = "activate", _l("Activated the account")
    DEACTIVATE = "deactivate", _l("Deactivated the account")
    ROLES = "roles", _l("Roles changed")
    PERMISSIONS = "permissions", _l("Permissions changed")
    PASSWORD_RESET = "password_reset", _l("Password reset by an administrator")
    PASSWORD_CHANGE = "password_change", _l("Own password changed")
    LOCK = "lock", _l("Locked the account")
    UNLOCK = "unlock", _l("Unlocked the account")
    READ_ALL = "read_all", _l("All notifications marked as read")
    PROGRESS_LOOKUP = "progress_lookup", _l("Progress looked up by the public")
    EXPORT = "export", _l("Exported in the background")
    GENERATE = "generate", _l("Load-test data generated")
    DOWNLOAD = "download", _l("Attachment downloaded")


ACCESS_OPERATIONS = (AuditOperation.ACTIVATE, AuditOperation.DEACTIVATE, AuditOperation.ROLES,
                     AuditOperation.PERMISSIONS, AuditOperation.PASSWORD_RESET, AuditOperation.PASSWORD_CHANGE,
                     AuditOperation.LOCK, AuditOperation.UNLOCK)
"""Changes of who may do what: accounts, their roles and passwords, the permissions of roles."""


class AuditChannel(LabeledEnum):
    """Where a change or a login came from (stored as its code in both logs)."""

    UI = "ui", _l("Web page")
    API = "api", _l("REST API")
    CLI = "cli", _l("Command line")
    IMPORT = "import", _l("Work-order import")
    SEED = "seed", _l("Demo data")
    PUBLIC = "public", _l("Public progress lookup")


def channel_label(code: str | None) -> Any:
    """The channel's Chinese name (an unknown code as it is)."""
    return AuditChannel.parse(code).label if AuditChannel.parse(code) else (code or "")


def username_label(username: str | None) -> Any:
    """User names as stored, except the system account, which reads 系统."""
    return _l("System") if username == SYSTEM_USERNAME else (username or "")


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
            QuickFilter("personal_exports", _l("Personal data exported in full"),
                        lambda: AuditLog.operation == AuditOperation.EXPORT_PERSONAL),
            QuickFilter("access", _l("Accounts and permissions"),
                        lambda: AuditLog.operation.in_(ACCESS_OPERATIONS)),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(sa.DateTime, default=clock.now, index=True,
                                            info=field(_l("Time"), list=True, search=True))
    user_id: Mapped[int | None] = mapped_column(index=True)
    username: Mapped[str | None] = mapped_column(sa.String(128), info=field(
        _l("User"), list=True, search=True, formatter=username_label))
    ip: Mapped[str | None] = mapped_column(sa.String(64), info=field(_l("IP address"), list=True, search=True))
    channel: Mapped[str] = mapped_column(sa.String(16), info=field(
        _l("Operation channel"), list=True, search=True, formatter=channel_label))
    operation: Mapped[AuditOperation] = mapped_column(
        enum_type(AuditOperation), index=True, info=field(_l("Operation"), list=True, search=True))
    model: Mapped[str] = mapped_column(sa.String(60), info=field(
        _l("Record type"), list=True, search=True, formatter=lambda name: record_type(name).label))
    record_id: Mapped[int | None] = mapped_column(info=field(_l("Record id"), list=True, search=True))
    changes: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON, info=field(_l("Changed fields"), show=False))
    prev_id: Mapped[int | None] = mapped_column()
    """The row before this one in the hash chain (models/audit_chain.py); with the next two, never shown."""
    prev_hash: Mapped[str | None] = mapped_column(sa.String(64))
    row_hash: Mapped[str | None] = mapped_column(sa.String(64))
    """SHA-256 over this row's content and `prev_hash` (access/audit_chain.py `row_digest`)."""

    @display(_l("Changed fields"), show=True)
    @property
    def changed_fields(self) -> str:
        """“字段：旧值 → 新值” lines, in the words of the record's own screen."""
        return describe_changes(self.changes, self.model)

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.operation} {record_type(self.model).label} {self.record_id}"


def raw_text(value: str | None) -> Markup:
    """Machine text a client sent (a browser's User-Agent), shown verbatim as code, not as a label."""
    return Markup('<code class="raw-text">{}</code>').format(value) if value else Markup("")


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
    channel: Mapped[str] = mapped_column(sa.String(16), info=field(
        _l("Login channel"), list=True, search=True, formatter=channel_label))
    result: Mapped[LoginResult] = mapped_column(enum_type(LoginResult), index=True,
                                                info=field(_l("Result"), list=True, search=True))
    user_agent: Mapped[str | None] = mapped_column(
        sa.String(300), info=field(_l("Browser"), _l("The identification the browser sent, as it sent it"),
                                   formatter=raw_text),
    )

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.result}"


@dataclass(frozen=True)
class RecordType:
    """How the audit screens name a logged model and its fields."""

    label: Any
    fields: dict[str, Any]
    """Column name → label, for the fields the record's own screen shows."""
    hidden: frozenset[str] = frozenset()
    """Fields declared not to be shown (machine data such as an event's JSON details)."""


PURGE_FIELDS = {"before": _l("Older than"), "audit_rows": _l("Audit entries removed"),
                "login_rows": _l("Login entries removed"), "cut_id": _l("Hash chain cut after entry no.")}
"""What a purge's own row records (access/audit_purge.py); its `cut_hash` is kept, not shown."""

SECURITY_RECORDS = {"StaffUser": RecordType(_l("User"), USER_LABELS),
                    "Role": RecordType(_l("Role"), {"name": _l("Name"), "permissions": _l("Permissions")})}
"""FAB's tables that the audit log sees, with the names the user and role screens give them."""


DISCLOSURE_KEYS = {"reason": _l("Reason for the export"), "row_count": _l("Rows exported")}
"""What an export of personal data logs beside the fields it disclosed."""
RUN_KEYS = {"conditions": _l("Conditions"), "file_format": _l("File format"), "case_count": _l("Cases generated"),
            "seed": _l("Random seed"), "numbers": _l("Case numbers")}
"""What the one row of a background export or a `seed-bulk` run records."""

NOTICE_KEYS = {"count": _l("Notifications marked as read"), "asked": _l("Case number asked"),
               "found": _l("Found")}
"""What 全部标为已读 and a public progress lookup log (views/notifications.py, workflow/progress.py)."""


def record_type(name: str | None) -> RecordType:
    """A logged model's Chinese name and field labels, from its class name as the log stores it."""
    from console.introspect import attributes, screen_of
    from models import LOGGED_MODELS

    if name in SECURITY_RECORDS:
        return SECURITY_RECORDS[name]
    model = next((m for m in LOGGED_MODELS if m.__name__ == name), None)
    if model is None:
        return RecordType(name or "", {})
    screen = screen_of(model)
    fields: dict[str, Any] = {}
    hidden = set()
    for attr in attributes(model):
        for key in (attr.name, attr.fk_name):
            if key and attr.field.show:
                fields.setdefault(key, attr.field.label)
            elif key:
                hidden.add(key)
    return RecordType(screen.item_label or screen.label, fields, frozenset(hidden - set(fields)))


def describe_changes(changes: dict[str, Any] | None, model_name: str | None = None) -> str:
    """“字段：旧值 → 新值” lines in the words of the record's own screen: its labels, enum labels, 是/否,
    times to the second; the fields its screen does not show are left out here (they stay in the row)."""
    if not changes:
        return ""
    kind = record_type(model_name)
    names = {"id": _l("Record id"), **DISCLOSURE_KEYS, **NOTICE_KEYS, **RUN_KEYS, **kind.fields}
    hidden = kind.hidden
    if model_name == "AuditLog":
        names, hidden = {**names, **PURGE_FIELDS}, hidden | {"cut_hash"}
    model = next((m.class_ for m in Model.registry.mappers if m.class_.__name__ == model_name), None)
    lines = []
    for key, (old, new) in changes.items():
        if key in hidden:
            continue
        if isinstance(old, list) or isinstance(new, list):
            lines.append(f"{names.get(key, key)}：{_members(old or [], new or [])}")
        else:
            lines.append(f"{names.get(key, key)}：{_value(model, key, old)} → {_value(model, key, new)}")
    return "\n".join(lines)


SHORT_LIST = 12
"""Up to this many members on both sides together, a collection reads “old → new”; beyond, only what changed."""


def _members(old: list[Any], new: list[Any]) -> str:
    """A logged collection (a user's roles, a role's permissions): “A、B → A、B、C”, or for long ones
    “增加：C；取消：D”."""
    from collections import Counter

    from flask_babel import gettext

    if len(old) + len(new) <= SHORT_LIST:
        return f"{'、'.join(map(str, old))} → {'、'.join(map(str, new))}"
    added = list((Counter(map(str, new)) - Counter(map(str, old))).elements())
    removed = list((Counter(map(str, old)) - Counter(map(str, new))).elements())
    parts = [gettext("added: %(items)s", items="、".join(added)) if added else "",
             gettext("removed: %(items)s", items="、".join(removed)) if removed else ""]
    return "；".join(p for p in parts if p)


ISO_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(\.\d+)?$")


def _value(model: type | None, key: str, value: Any) -> str:
    """One logged value as a person reads it: codes as labels, booleans as 是/否, no microseconds."""
    if value is None:
        return ""
    column = sa.inspect(model).columns.get(key) if model is not None else None
    if column is not None and isinstance(column.type, sa.Enum) and column.type.enum_class:
        member = column.type.enum_class.parse(value) if hasattr(column.type.enum_class, "parse") else None
        return display_value(member if member is not None else value)
    if isinstance(value, str) and ISO_TIME.match(value):
        return ISO_TIME.sub(r"\1 \2", value)
    return display_value(value)


class ImmutableLogError(RuntimeError):
    """Raised when code tries to change a log row; only the purge command removes old ones."""


for _log_model in (AuditLog, LoginLog):
    @event.listens_for(_log_model, "before_update")
    def _refuse_update(mapper: Any, connection: Any, target: Any) -> None:
        raise ImmutableLogError("logs are append-only")

    @event.listens_for(_log_model, "before_delete")
    def _refuse_delete(mapper: Any, connection: Any, target: Any) -> None:
        raise ImmutableLogError("logs are append-only")
