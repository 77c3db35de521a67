"""Holiday overrides (节假日调整): the State Council's schedule as admins maintain it."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column

from console.declare import MenuGroup, Screen, field
from models.base import Model, Stamped, enum_type
from models.enums import DayKind


class HolidayOverride(Stamped, Model):
    """A date that is off although a weekday, or on although a weekend (调休)."""

    __tablename__ = "holiday_override"
    __screen__ = Screen(
        label=_l("Holiday calendar"), item_label=_l("Holiday override"), route="/holidays",
        menu=MenuGroup.SYSTEM, icon="fa-calendar", api=None, order=("day", "desc"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[dt.date] = mapped_column(
        sa.Date, unique=True, info=field(_l("Date"), list=True, search=True),
    )
    kind: Mapped[DayKind] = mapped_column(
        enum_type(DayKind), info=field(_l("Kind of day"), list=True, search=True),
    )
    name: Mapped[str] = mapped_column(
        sa.String(50), info=field(_l("Name"), _l("e.g. 国庆节 or 国庆调休上班"), list=True),
    )
    note: Mapped[str | None] = mapped_column(sa.String(200), info=field(_l("Remarks")))

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {self.name}"
