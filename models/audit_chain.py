"""The head of the 操作日志's hash chain, and the record of each time the chain was verified.

Each audit row carries the hash of the row before it (`AuditLog.prev_id`,
`prev_hash`) and its own (`row_hash`); `AuditChain` is one row naming the last
link (`head_*`) and where `flask audit-purge` last cut the chain (`anchor_*`).
access/audit_chain.py writes and walks the chain.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column

from models.base import LabeledEnum, Model, enum_type
from workdays import clock

HASH_LENGTH = 64
"""A SHA-256 in hexadecimal."""


class AuditChain(Model):
    """The chain's head (one row, id 1): its last link, and the anchor where a purge cut it.

    Appending rows locks this row until the transaction ends, so the chain stays
    one line however many processes write at once.
    """

    __tablename__ = "audit_chain"

    id: Mapped[int] = mapped_column(primary_key=True)
    head_id: Mapped[int | None] = mapped_column()
    head_hash: Mapped[str | None] = mapped_column(sa.String(HASH_LENGTH))
    anchor_id: Mapped[int | None] = mapped_column()
    """The last row a purge removed: the first row left links to it."""
    anchor_hash: Mapped[str | None] = mapped_column(sa.String(HASH_LENGTH))
    anchored_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime)


class ChainProblem(LabeledEnum):
    """What verification found at the first broken link."""

    ALTERED = "altered", _l("changed after it was written")
    REMOVED = "removed", _l("deleted")
    INSERTED = "inserted", _l("not written by the console (inserted)")
    NO_HEAD = "no_head", _l("the head of the chain is missing")


class AuditVerification(Model):
    """One walk of the chain: when, by whom, how many rows, and the first broken row if any."""

    __tablename__ = "audit_verification"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(sa.DateTime, default=clock.now, index=True)
    username: Mapped[str | None] = mapped_column(sa.String(128))
    channel: Mapped[str | None] = mapped_column(sa.String(16))
    checked: Mapped[int] = mapped_column(default=0)
    head_id: Mapped[int | None] = mapped_column()
    head_hash: Mapped[str | None] = mapped_column(sa.String(HASH_LENGTH))
    broken_id: Mapped[int | None] = mapped_column()
    problem: Mapped[ChainProblem | None] = mapped_column(enum_type(ChainProblem), nullable=True)

    @property
    def ok(self) -> bool:
        """Whether the whole chain held."""
        return self.problem is None

    @property
    def message(self) -> str:
        """The result in one Chinese sentence, naming the first broken row."""
        if self.problem is None and self.head_id is None:
            return gettext("The audit log is intact: %(count)s entries checked.", count=self.checked)
        if self.problem is None:
            return gettext("The audit log is intact: %(count)s entries checked, the last is no. %(head)s.",
                           count=self.checked, head=self.head_id)
        if self.problem == ChainProblem.NO_HEAD:
            return gettext("The audit log cannot be verified: %(problem)s.", problem=self.problem.label)
        return gettext("The audit log has been tampered with: entry no. %(id)s was %(problem)s.",
                       id=self.broken_id, problem=self.problem.label)

    def __str__(self) -> Any:
        return self.message
