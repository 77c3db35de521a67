"""Removing log rows past the retention period — the only way audit rows ever go.

Audit rows go from the start of the hash chain only: the oldest rows up to the
first one still within the retention period (in id order; rows are written in
time order, so this is every older row but those a frozen or wrong clock put out
of order). The chain's anchor then records the last removed row and its hash, so
verification starts there. Rows of a broken part of the chain are evidence: the
purge refuses to remove them.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask_babel import gettext

from access.audit import record
from access.audit_chain import HEAD, verify
from console.errors import ConsoleError
from extensions import db
from models.audit import AuditLog, LoginLog
from models.audit_chain import AuditChain
from workdays import clock


def _cut(connection: sa.Connection, cutoff: dt.datetime) -> int | None:
    """The last row of the chain's oldest part written before `cutoff` (None: no such part)."""
    log = AuditLog.__table__
    first_kept = connection.execute(sa.select(sa.func.min(log.c.id)).where(log.c.at >= cutoff)).scalar()
    older = sa.select(sa.func.max(log.c.id))
    if first_kept is not None:
        older = older.where(log.c.id < first_kept)
    return connection.execute(older).scalar()


def purge(days: int) -> tuple[int, int]:
    """Delete audit and login rows older than `days` days; log the purge itself. Returns the counts."""
    cutoff = clock.now() - dt.timedelta(days=days)
    connection = db.session.connection()
    log, head = AuditLog.__table__, AuditChain.__table__
    cut = _cut(connection, cutoff)
    audit, cut_hash = 0, None
    if cut is not None:
        found = verify(connection)
        if not found.ok and (found.broken_id is None or found.broken_id <= cut):
            raise ConsoleError(gettext("Nothing was purged. %(problem)s", problem=found.message))
        cut_hash = connection.execute(sa.select(log.c.row_hash).where(log.c.id == cut)).scalar()
        audit = connection.execute(sa.delete(log).where(log.c.id <= cut)).rowcount
        connection.execute(sa.update(head).where(head.c.id == HEAD).values(
            anchor_id=cut, anchor_hash=cut_hash, anchored_at=clock.now()))
    logins = connection.execute(sa.delete(LoginLog.__table__).where(LoginLog.__table__.c.at < cutoff)).rowcount
    record(db.session, "purge", "AuditLog", None, {
        "before": [None, cutoff.isoformat()], "audit_rows": [None, audit], "login_rows": [None, logins],
        "cut_id": [None, cut], "cut_hash": [None, cut_hash]})
    db.session.commit()
    return audit, logins
