"""Optimistic locking: a `version` that moves exactly once per transaction that changes the row.

SQLAlchemy's own version counter moves on every UPDATE it emits: never when a
change leaves the columns as they were (a 督办 writes only other tables), and
twice when one action flushes the row twice. Either breaks the lock that
several coordinators working one case rely on. Here the counter is moved by
the application: `bump(row)` once per transaction, and automatically for any
row whose columns changed. A model opts in with

    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}

The UPDATE still carries `WHERE version = <read>`, so a concurrent writer that
read the same version fails with StaleDataError.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction, object_session

BUMPED = "versions_bumped"
"""session.info key: identities whose version already moved in the open transaction."""


def app_versioned(row: Any) -> bool:
    """Whether `row`'s mapper declares `version_id_generator: False` (its version is moved here)."""
    mapper = sa.inspect(row).mapper
    return mapper.version_id_col is not None and mapper.version_id_generator is False


def bump(row: Any) -> None:
    """Move `row.version` by one, unless it already moved in this transaction."""
    session = object_session(row)
    identity = sa.inspect(row).identity_key
    if session is None or identity is None:
        return
    bumped = session.info.setdefault(BUMPED, set())
    if identity in bumped:
        return
    bumped.add(identity)
    row.version = (row.version or 0) + 1


@event.listens_for(Session, "before_flush")
def _bump_changed_rows(session: Session, _context: Any, _instances: Any) -> None:
    for row in session.dirty:
        if app_versioned(row) and session.is_modified(row, include_collections=False):
            bump(row)


@event.listens_for(Session, "pending_to_persistent")
def _inserted_rows_start_at_their_version(session: Session, row: Any) -> None:
    # A row inserted in this transaction has its first version already: a later flush of the same transaction
    # (e.g. registration noting a likely duplicate) must not move it again.
    if app_versioned(row):
        session.info.setdefault(BUMPED, set()).add(sa.inspect(row).identity_key)


@event.listens_for(Session, "after_transaction_end")
def _forget_bumps(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(BUMPED, None)
