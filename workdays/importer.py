"""Fill the admin-editable holiday calendar from the `holidays` package."""

from __future__ import annotations

import sqlalchemy as sa

from extensions import db
from models.enums import DayKind
from models.holiday import HolidayOverride
from workdays.calendar import statutory_schedule
from workdays.store import forget_calendar


def fill_year(year: int) -> int:
    """Add the year's days off and 调休 working days that are not in the table yet; return how many."""
    existing = set(db.session.execute(
        sa.select(HolidayOverride.day).where(sa.extract("year", HolidayOverride.day) == year)
    ).scalars())
    added = 0
    for day, is_workday, name in statutory_schedule(year):
        if day in existing:
            continue
        db.session.add(HolidayOverride(day=day, kind=DayKind.WORKDAY if is_workday else DayKind.DAY_OFF,
                                       name=name[:50], note="据国务院办公厅放假安排导入"))
        added += 1
    db.session.commit()
    forget_calendar()
    return added
