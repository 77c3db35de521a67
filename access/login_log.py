"""登录日志 writing, and the lockout after repeated failures."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from flask import current_app, has_request_context, request

from extensions import db
from models.audit import LoginLog, LoginResult
from workdays import clock


def log_login(username: str, user: Any, result: LoginResult) -> None:
    """Append a login-log row (in its own statement, committed with the caller's transaction)."""
    ip = request.remote_addr if has_request_context() else None
    agent = request.headers.get("User-Agent", "")[:300] if has_request_context() else None
    channel = "api" if has_request_context() and request.path.startswith("/api/") else "ui"
    db.session.execute(sa.insert(LoginLog.__table__).values(
        at=clock.now(), username=(username or "")[:128], user_id=getattr(user, "id", None), ip=ip,
        channel=channel, result=result.value, user_agent=agent))
    db.session.commit()


def is_locked(user: Any) -> bool:
    """Whether the account is locked right now."""
    return user is not None and user.locked_until is not None and user.locked_until > clock.now()


def record_failure(user: Any) -> bool:
    """Count a wrong password; lock the account at the limit. Returns whether it is now locked."""
    limit = current_app.config["AUTH_MAX_FAILED_LOGINS"]
    if (user.fail_login_count or 0) >= limit:
        user.locked_until = clock.now() + dt.timedelta(minutes=current_app.config["AUTH_LOCKOUT_MINUTES"])
        user.fail_login_count = 0
        db.session.commit()
        return True
    return False


def unlock(user: Any) -> bool:
    """Lift a lock before it runs out (an admin's decision, audited as 解锁账号). Returns whether it was locked."""
    if user is None or user.locked_until is None:
        return False
    user.locked_until = None
    user.fail_login_count = 0
    return True


def lock_minutes_left(user: Any) -> int:
    """Whole minutes until a locked account opens again (at least 1)."""
    seconds = (user.locked_until - clock.now()).total_seconds()
    return max(int(seconds // 60) + (1 if seconds % 60 else 0), 1)
