"""附件: a file kept as material or evidence on a case, one of its events, a 督办单 or a 通报批评's 整改反馈.

The bytes live outside the database (attachments/storage.py); the row records what the file is, who brought
it and when. No screen or API changes or deletes a row once stored.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from console.declare import Screen, field
from models.base import Model
from models.user import StaffUser
from workdays import clock

if TYPE_CHECKING:
    from models.case import Case
    from models.case_event import CaseEvent
    from models.criticism import Criticism
    from models.supervision import Supervision


class Attachment(Model):
    """One uploaded file: its original name, where it is stored, its type, size and SHA-256, who and when.

    A file belongs to a case (optionally to one of its events or 督办单), or — for a 整改反馈, which answers a
    通报批评 that need not name any case — to a criticism alone; one of the two is always set.
    """

    __tablename__ = "attachment"
    __table_args__ = (
        sa.CheckConstraint("case_id IS NOT NULL OR criticism_id IS NOT NULL", name="owner"),
    )
    # No screen of its own (files are listed on the page of what they document); the declaration gives the
    # audit log its Chinese names.
    __screen__ = Screen(label=_l("Attachments"), item_label=_l("Attachment"), route="/attachments")

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("case.id", ondelete="CASCADE"), index=True)
    case: Mapped[Case | None] = relationship(back_populates="attachments", info=field(_l("Case")))
    event_id: Mapped[int | None] = mapped_column(sa.ForeignKey("case_event.id", ondelete="CASCADE"), index=True)
    event: Mapped[CaseEvent | None] = relationship(info=field(_l("Case event")))
    supervision_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("supervision.id", ondelete="CASCADE"), index=True)
    supervision: Mapped[Supervision | None] = relationship(info=field(_l("Supervision")))
    criticism_id: Mapped[int | None] = mapped_column(sa.ForeignKey("criticism.id", ondelete="CASCADE"), index=True)
    criticism: Mapped[Criticism | None] = relationship(info=field(_l("Criticism")))
    file_name: Mapped[str] = mapped_column(sa.String(200), info=field(_l("File name")))
    storage_key: Mapped[str] = mapped_column(sa.String(200), unique=True, info=field(_l("Storage key"), show=False))
    content_type: Mapped[str] = mapped_column(sa.String(100), info=field(_l("File type")))
    size: Mapped[int] = mapped_column(sa.BigInteger, info=field(_l("Size (bytes)")))
    sha256: Mapped[str] = mapped_column(sa.String(64), info=field(_l("SHA-256")))
    uploaded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("ab_user.id"), index=True)
    uploaded_by: Mapped[StaffUser] = relationship(info=field(_l("Uploaded by")))
    uploaded_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, default=clock.now, info=field(_l("Uploaded at")))
    note: Mapped[str | None] = mapped_column(sa.Text, info=field(_l("Note")))

    def __str__(self) -> str:
        return self.file_name
