"""Text messages (短信): the template of each event, and the outbox every message passes through."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from console.declare import MenuGroup, QuickFilter, Screen, field
from models.base import Model, enum_type
from models.enums import SmsEvent, SmsState
from workdays import clock

if TYPE_CHECKING:
    from models.case import Case


class SmsTemplate(Model):
    """The text sent for one event, with placeholders such as {编号} and {时限} (sms.outbox.PLACEHOLDERS);
    admins edit it."""

    __tablename__ = "sms_template"
    __screen__ = Screen(
        label=_l("Text message templates"), item_label=_l("Text message template"), route="/sms-templates",
        menu=MenuGroup.SYSTEM, icon="fa-comment", order=("id", "asc"), can_add=False, can_delete=False,
        export=False,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event: Mapped[SmsEvent] = mapped_column(
        enum_type(SmsEvent), unique=True, info=field(_l("Event"), list=True, search=True, edit=False),
    )
    text: Mapped[str] = mapped_column(
        sa.String(300), info=field(
            _l("Template text"),
            _l("Placeholders: {编号} case number, {标题} title, {时限} deadline, {部门} department, "
               "{咨询电话} the center's phone"), list=True, textarea=True),
    )
    is_active: Mapped[bool] = mapped_column(
        default=True, info=field(_l("Send"), _l("Untick to send nothing for this event"), list=True, search=True),
    )
    updated_at: Mapped[dt.datetime] = mapped_column(
        sa.DateTime, default=clock.now, onupdate=clock.now, info=field(_l("Updated at"), form=False, list=True),
    )

    def __str__(self) -> str:
        return str(self.event.label)


def _state(state: SmsState) -> QuickFilter:
    return QuickFilter(state.value, state.label, lambda: SmsMessage.state == state)


class SmsMessage(Model):
    """One message to one phone for one event: queued, then sent, kept in the outbox, or failed.

    (event_key, phone, event) is unique, so replaying an event never queues a second message.
    """

    __tablename__ = "sms_message"
    __table_args__ = (
        sa.UniqueConstraint("event_key", "phone", "event"),
        sa.Index("ix_sms_message_state_next_try", "state", "next_try_at"),
    )
    __screen__ = Screen(
        label=_l("Text message outbox"), item_label=_l("Text message"), route="/sms-outbox",
        menu=MenuGroup.SYSTEM, icon="fa-envelope", order=("id", "desc"),
        can_add=False, can_edit=False, can_delete=False,
        quick_filters=tuple(_state(s) for s in (SmsState.QUEUED, SmsState.SENT, SmsState.OUTBOX, SmsState.FAILED)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event: Mapped[SmsEvent] = mapped_column(
        enum_type(SmsEvent), info=field(_l("Event"), list=True, search=True),
    )
    event_key: Mapped[str] = mapped_column(
        sa.String(80), info=field(_l("Event reference"), _l("The case event or reminder that sent it"), show=False),
    )
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("case.id", ondelete="SET NULL"), index=True)
    case: Mapped[Case | None] = relationship(info=field(_l("Case"), list=True, search=True))
    phone: Mapped[str] = mapped_column(sa.String(30), info=field(_l("Recipient phone"), list=True, mask="phone"))
    text: Mapped[str] = mapped_column(sa.String(500), info=field(_l("Text"), list=True))
    state: Mapped[SmsState] = mapped_column(
        enum_type(SmsState), default=SmsState.QUEUED, index=True, info=field(_l("State"), list=True, search=True),
    )
    attempts: Mapped[int] = mapped_column(default=0, info=field(_l("Attempts"), list=True))
    last_error: Mapped[str | None] = mapped_column(sa.String(300), info=field(_l("Last error")))
    created_at: Mapped[dt.datetime] = mapped_column(
        sa.DateTime, default=clock.now, info=field(_l("Created at"), list=True, search=True),
    )
    next_try_at: Mapped[dt.datetime] = mapped_column(
        sa.DateTime, default=clock.now, info=field(_l("Next attempt"), show=True),
    )
    sent_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime, info=field(_l("Sent at"), list=True))

    def __str__(self) -> str:
        return f"{self.event.label} {self.id}"
