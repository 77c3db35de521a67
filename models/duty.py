"""The duty rota (坐窗排班): who sits the window on which day."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from console.declare import MenuGroup, Screen, field
from models.base import Model, Stamped
from models.coordinator import Coordinator


class DutyRota(Stamped, Model):
    """One day's window duty: the article's 轮流“坐窗问诊”."""

    __tablename__ = "duty_rota"
    __screen__ = Screen(
        label=_l("Duty rota"), item_label=_l("Duty day"), route="/duty",
        menu=MenuGroup.BASIC, icon="fa-calendar-check", order=("day", "desc"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[dt.date] = mapped_column(
        sa.Date, unique=True, info=field(_l("Date"), list=True, search=True),
    )
    coordinator_id: Mapped[int] = mapped_column(sa.ForeignKey("coordinator.id"), index=True)
    coordinator: Mapped[Coordinator] = relationship(
        info=field(_l("Coordinator on duty"), list=True, search=True,
                   choices_filter=lambda: Coordinator.is_active.is_(True)),
    )
    note: Mapped[str | None] = mapped_column(sa.String(200), info=field(_l("Remarks"), list=True))

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {self.coordinator}"
