"""Removing log rows past the retention period — the only way audit rows ever go."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from access.audit import record
from extensions import db
from models.audit import AuditLog, LoginLog
from workdays import clock


def purge(days: int) -> tuple[int, int]:
    """Delete audit and login rows older than `days` days; log the purge itself. Returns the counts."""
    cutoff = clock.now() - dt.timedelta(days=days)
    audit = db.session.execute(sa.delete(AuditLog.__table__).where(AuditLog.__table__.c.at < cutoff)).rowcount
    logins = db.session.execute(sa.delete(LoginLog.__table__).where(LoginLog.__table__.c.at < cutoff)).rowcount
    record(db.session, "purge", "AuditLog", None, {"before": [None, cutoff.isoformat()],
                                                   "audit_rows": [None, audit], "login_rows": [None, logins]})
    db.session.commit()
    return audit, logins
