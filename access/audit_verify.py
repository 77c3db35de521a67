"""Verifying the 操作日志 on demand (`flask audit-verify`, the 立即核验 button) and keeping the result."""

from __future__ import annotations

import sqlalchemy as sa

from access.audit_chain import verify
from extensions import db
from models.audit_chain import AuditVerification
from workdays import clock


def verify_and_record(username: str | None, channel: str) -> AuditVerification:
    """Walk the chain, keep the result for the audit screen, commit; return it."""
    result = verify(db.session.connection())
    result.at, result.username, result.channel = clock.now(), username, channel
    db.session.add(result)
    db.session.commit()
    return result


def last_verification() -> AuditVerification | None:
    """The latest verification, shown on the audit screen."""
    return db.session.execute(
        sa.select(AuditVerification).order_by(AuditVerification.id.desc()).limit(1)).scalars().first()
