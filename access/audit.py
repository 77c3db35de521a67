"""操作日志, written once for every channel by session events, not by each view.

After every flush, each created, changed or deleted business record yields an
AuditLog row in the same transaction: who, when, from which IP and channel,
which record, and each changed field's old and new value (personal data
masked). Views, bulk actions, the API, the CLI, imports and the seed all
flush through the same session, so none of them can forget to audit.

The rows are stamped at the flush and inserted when the transaction commits,
linked into the hash chain (access/audit_chain.py): the chain's lock is then
held only for the last statements before COMMIT. A rolled-back transaction
leaves no row, as before. (The console uses no SAVEPOINTs; rows of a rolled-back
savepoint would still be logged with the outer transaction.)
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import functools
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask import g, has_app_context, has_request_context, request
from sqlalchemy import event
from sqlalchemy.orm import Session

from access.permission_labels import label_for
from console.identity import request_user
from console.introspect import attribute
from console.privacy import mask_value

NOT_AUDITED = {"AuditLog", "LoginLog", "AuditChain", "AuditVerification", "Notification", "SmsMessage",
               "YearCounter", "Job", "PermissionView", "Permission", "ViewMenu", "RegisterUser", "ApiKey"}
"""Logs themselves, notifications, the text-message outbox, jobs and counters are not business records; FAB's
permission tables are rebuilt from code."""
SECRET_FIELDS = {"password"}
UNLOGGED_CHANGES = {"updated_at", "updated_by_id", "version", "changed_on", "changed_by_fk",
                    "last_login", "login_count", "fail_login_count"}
"""Stamps that change with every write (FAB's `changed_by_fk` is our `updated_by_id`), and FAB's login
counters, which change with every login (logins are in the login log): a change of these alone is no
change worth a row."""
PASSWORD_FIELDS = ("password", "password_changed_at", "session_epoch", "must_change_password")
"""What a new password changes on an account, recorded together in one row."""


def channel() -> str:
    """ui, api, cli, seed, import … — where the change came from."""
    if has_app_context() and g.get("audit_channel"):
        return g.audit_channel
    if has_request_context():
        return "api" if request.path.startswith("/api/") else "ui"
    return "cli"


def client_ip() -> str | None:
    """The client's address for the log (the proxy's when not configured to trust it)."""
    return request.remote_addr if has_request_context() else None


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def _masked(model: type, key: str, value: Any) -> Any:
    if key in SECRET_FIELDS:
        return "******" if value else value
    declared = attribute(model, key)
    if declared is not None and declared.field.mask and value:
        return mask_value(declared.field.mask, value)
    return _plain(value)


def _changes(obj: Any, operation: str) -> dict[str, list[Any]]:
    return {**_column_changes(obj, operation), **_collection_changes(obj, operation)}


def _column_changes(obj: Any, operation: str) -> dict[str, list[Any]]:
    state = sa.inspect(obj)
    model = type(obj)
    result: dict[str, list[Any]] = {}
    for column_attr in state.mapper.column_attrs:
        if not isinstance(column_attr.expression, sa.Column):
            continue  # a value computed by SQL (Case.suspect_counted), not stored in the record
        key = column_attr.key
        history = state.attrs[key].history
        if operation == "create":
            value = getattr(obj, key)
            if value is not None:
                result[key] = [None, _masked(model, key, value)]
        elif operation == "delete":
            value = state.attrs[key].loaded_value
            if value is not sa.orm.base.NO_VALUE and value is not None:
                result[key] = [_masked(model, key, value), None]
        elif history.has_changes():
            old = history.deleted[0] if history.deleted else None
            new = history.added[0] if history.added else None
            if _plain(old) != _plain(new) and key not in UNLOGGED_CHANGES:
                result[key] = [_masked(model, key, old), _masked(model, key, new)]
    return result


@functools.cache
def _audited_collections(model: type) -> tuple[str, ...]:
    """Many-to-many collections the record's own screen shows (a user's roles, a role's permissions …);
    backrefs such as the users of a role are not shown there, so they are not logged twice."""
    from models.audit import record_type

    shown = record_type(model.__name__).fields
    return tuple(rel.key for rel in sa.inspect(model).relationships
                 if rel.secondary is not None and not rel.viewonly and rel.key in shown)


def item_text(item: Any) -> str:
    """How one member of a logged collection reads: a permission by its Chinese label, others by name."""
    from flask_appbuilder.security.sqla.models import PermissionView

    if isinstance(item, PermissionView) and item.permission is not None and item.view_menu is not None:
        return str(label_for(item.permission.name, item.view_menu.name))
    return str(item)


def _texts(items: Any) -> list[str]:
    return sorted(item_text(item) for item in items)


def _collection_changes(obj: Any, operation: str) -> dict[str, list[Any]]:
    """Old and new members of each audited collection, as sorted lists of what people read."""
    state = sa.inspect(obj)
    result: dict[str, list[Any]] = {}
    for key in _audited_collections(type(obj)):
        loaded = state.dict.get(key)  # what was set or loaded: nothing is read from the database here
        if operation == "create":
            if loaded:
                result[key] = [None, _texts(loaded)]
        elif operation == "delete":
            if loaded:
                result[key] = [_texts(loaded), None]
        else:
            history = state.attrs[key].history
            if history.added or history.deleted:
                old = _texts([*history.unchanged, *history.deleted])
                new = _texts([*history.unchanged, *history.added])
                if old != new:
                    result[key] = [old, new]
    return result


def _take(changes: dict[str, list[Any]], keys: tuple[str, ...]) -> dict[str, list[Any]]:
    return {key: changes.pop(key) for key in keys if key in changes}


def _account_operations(user: Any, changes: dict[str, list[Any]]) -> list[tuple[str, dict]]:
    """An account's password, activation, lock and roles each get a row and an operation of their own."""
    from models.base import current_actor_id

    rows = []
    if "password" in changes:
        own = current_actor_id() == user.id
        rows.append(("password_change" if own else "password_reset", _take(changes, PASSWORD_FIELDS)))
    if "active" in changes:
        rows.append(("activate" if changes["active"][1] else "deactivate", _take(changes, ("active",))))
    if "locked_until" in changes:
        rows.append(("lock" if changes["locked_until"][1] else "unlock", _take(changes, ("locked_until",))))
    if "roles" in changes:
        rows.append(("roles", _take(changes, ("roles",))))
    return rows


def _role_operations(role: Any, changes: dict[str, list[Any]]) -> list[tuple[str, dict]]:
    """A role's permissions changed: a row of its own."""
    return [("permissions", _take(changes, ("permissions",)))] if "permissions" in changes else []


SECURITY_OPERATIONS: dict[str, Callable[[Any, dict[str, list[Any]]], list[tuple[str, dict]]]] = {
    "StaffUser": _account_operations, "Role": _role_operations,
}
"""Model → what splits a change of it into rows with their own operation (the rest stays “update”)."""


def _actor(session: Session) -> tuple[int | None, str | None]:
    """The acting user's id and username (looked up once per request)."""
    from models.base import current_actor_id

    user_id = current_actor_id()
    if user_id is None:
        return None, None
    names: dict[int, str | None] = g.setdefault("audit_usernames", {}) if has_app_context() else {}
    if user_id not in names:
        names[user_id] = session.connection().execute(
            sa.text("SELECT username FROM ab_user WHERE id = :id"), {"id": user_id}).scalar()
    return user_id, names[user_id]


def _rows(session: Session) -> list[dict[str, Any]]:
    rows = []
    for operation, objects in (("create", session.new), ("update", session.dirty), ("delete", session.deleted)):
        for obj in objects:
            name = type(obj).__name__
            if name in NOT_AUDITED or not hasattr(obj, "__table__"):
                continue
            changes = _changes(obj, operation)
            split = SECURITY_OPERATIONS.get(name) if operation == "update" else None
            operations = split(obj, changes) if split else []
            if operation != "update" or changes:
                operations.append((operation, changes))
            rows += [{"operation": op, "model": name, "record_id": getattr(obj, "id", None), "changes": part}
                     for op, part in operations]
    return rows


PENDING = "audit_pending"
"""`session.info` key: the transaction's audit rows, linked into the hash chain when it commits."""
COMMITTING = "audit_committing"
"""`session.info` key: set while the transaction commits; rows of any later flush are linked at once."""


def record(session: Session, operation: str, model: str, record_id: int | None, changes: dict | None) -> None:
    """Log one explicit row (a reveal, a purge) in `session`'s transaction."""
    _collect(session, [{"operation": operation, "model": model, "record_id": record_id, "changes": changes}])


def record_disclosure(operation: str, model: str, record_id: int | None, changes: dict) -> None:
    """Write and commit one row for a disclosure of personal data by the request's user
    (installed as console.privacy's disclosure log)."""
    from extensions import db
    from models.base import acting_as

    with acting_as(request_user().id):
        record(db.session, operation, model, record_id, changes)
        db.session.commit()


def _collect(session: Session, rows: list[dict[str, Any]]) -> None:
    """Stamp rows with who, when, where from and how, now; link and insert them when the transaction commits."""
    from access.audit_chain import append
    from workdays import clock

    if not rows:
        return
    user_id, username = _actor(session)
    stamp = {"at": clock.now(), "user_id": user_id, "username": username, "ip": client_ip(), "channel": channel()}
    stamped = [{**stamp, **row} for row in rows]
    if session.info.get(COMMITTING):
        append(session.connection(), stamped)
    else:
        session.info.setdefault(PENDING, []).extend(stamped)


def _after_flush(session: Session, flush_context: Any) -> None:
    _collect(session, _rows(session))


def _before_commit(session: Session) -> None:
    # The commit's own flush would come after this event: flush first, so its rows are linked too.
    session.flush()
    session.info[COMMITTING] = True
    rows = session.info.pop(PENDING, None)
    if rows:
        from access.audit_chain import append

        append(session.connection(), rows)


def _after_transaction_end(session: Session, transaction: Any) -> None:
    if transaction.parent is None:  # committed or rolled back: nothing of it is pending any more
        session.info.pop(PENDING, None)
        session.info.pop(COMMITTING, None)


HOOKS = {"after_flush": _after_flush, "before_commit": _before_commit,
         "after_transaction_end": _after_transaction_end}
"""The session events the audit log listens to: collect at each flush, link at commit, forget at the end."""


def install_audit(session_factory: Any) -> None:
    """Listen on the app's session (once)."""
    for name, hook in HOOKS.items():
        if not event.contains(session_factory, name, hook):
            event.listen(session_factory, name, hook)
