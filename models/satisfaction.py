"""办结评价: the applicant's verdict on a finished case."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from console.declare import MenuGroup, Screen, field
from models.base import Model, Stamped, enum_type
from models.enums import FeedbackChannel, SatisfactionLevel
from workdays import clock

if TYPE_CHECKING:
    from models.case import Case


class Satisfaction(Stamped, Model):
    """One verdict in the 好差评 scale; 不满意/非常不满意 reopens the case (重办)."""

    __tablename__ = "satisfaction"
    __screen__ = Screen(
        label=_l("Satisfaction"), item_label=_l("Satisfaction record"), route="/satisfactions",
        menu=MenuGroup.EVALUATION, icon="fa-smile", order=("evaluated_at", "desc"),
        can_add=False, can_edit=False, can_delete=False, menu_order=10,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case.id", ondelete="CASCADE"), index=True)
    case: Mapped[Case] = relationship(back_populates="satisfactions", info=field(_l("Case"), list=True, search=True))
    level: Mapped[SatisfactionLevel] = mapped_column(
        enum_type(SatisfactionLevel), index=True, info=field(_l("Verdict"), list=True, search=True),
    )
    channel: Mapped[FeedbackChannel] = mapped_column(
        enum_type(FeedbackChannel), info=field(_l("Collected by"), list=True, search=True),
    )
    comment: Mapped[str | None] = mapped_column(sa.Text, info=field(_l("Applicant's comment"), list=True))
    evaluated_at: Mapped[dt.datetime] = mapped_column(
        sa.DateTime, default=clock.now, index=True, info=field(_l("Evaluated at"), list=True, search=True),
    )

    def __str__(self) -> str:
        return str(self.level)
