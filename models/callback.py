"""回访: the coordinator's follow-up calls to the applicant after 办结."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from console.declare import MenuGroup, Screen, field
from models.base import Model, enum_type
from models.enums import CallbackChannel, CaseStatus, SatisfactionLevel
from models.user import StaffUser
from workdays import clock

if TYPE_CHECKING:
    from models.case import Case

UNREACHABLE_AFTER = 3
"""Attempts that do not reach the applicant before the case is recorded as 无法联系."""


def awaiting_callback() -> sa.ColumnElement[bool]:
    """待回访: finished (办结), the applicant neither heard nor recorded as unreachable yet."""
    from models.case import Case

    # `= false`, not `IS false`: answered from ix_case_status_unreachable on PostgreSQL too (NOT NULL column)
    return sa.and_(Case.status == CaseStatus.RESOLVED, Case.unreachable == sa.false())


class CallbackAttempt(Model):
    """One attempt to reach the applicant: when, how, by whom, whether it got through and what they said.

    Written only by the workflow (`callback`); a reached attempt also records the verdict (`evaluate`).
    """

    __tablename__ = "callback_attempt"
    __screen__ = Screen(
        label=_l("Follow-up calls"), item_label=_l("Follow-up call"), route="/callbacks",
        menu=MenuGroup.EVALUATION, icon="fa-phone", order=("at", "desc"),
        can_add=False, can_edit=False, can_delete=False, menu_order=5,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case.id", ondelete="CASCADE"), index=True)
    case: Mapped[Case] = relationship(back_populates="callbacks", info=field(_l("Case"), list=True, search=True))
    at: Mapped[dt.datetime] = mapped_column(
        sa.DateTime, default=clock.now, index=True, info=field(_l("Time"), list=True, search=True),
    )
    channel: Mapped[CallbackChannel] = mapped_column(
        enum_type(CallbackChannel), info=field(_l("Follow-up by"), list=True, search=True),
    )
    caller_id: Mapped[int] = mapped_column(sa.ForeignKey("ab_user.id"))
    caller: Mapped[StaffUser] = relationship(foreign_keys=[caller_id],
                                             info=field(_l("Called by"), list=True, search=True))
    reached: Mapped[bool] = mapped_column(info=field(_l("Reached"), list=True, search=True))
    words: Mapped[str | None] = mapped_column(sa.Text, info=field(_l("Applicant's words"), list=True))
    satisfaction: Mapped[SatisfactionLevel | None] = mapped_column(
        enum_type(SatisfactionLevel), info=field(_l("Verdict"), list=True, search=True),
    )

    def __str__(self) -> str:
        return f"{self.case.number} {self.at:%Y-%m-%d %H:%M}" if self.case else str(self.id)
