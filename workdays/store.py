"""The working-day calendar with the admins' overrides read from the database."""

from __future__ import annotations

from flask import has_app_context

from console.cache import request_cache
from workdays.calendar import WorkCalendar


def work_calendar() -> WorkCalendar:
    """The calendar for this request or command (overrides loaded once per app context)."""
    cache = request_cache() if has_app_context() else {}
    if "work_calendar" in cache:
        return cache["work_calendar"]
    from extensions import db
    from models.enums import DayKind
    from models.holiday import HolidayOverride

    rows = db.session.execute(db.select(HolidayOverride.day, HolidayOverride.kind)).all()
    calendar = WorkCalendar({day: kind == DayKind.WORKDAY for day, kind in rows})
    cache["work_calendar"] = calendar
    return calendar


def forget_calendar() -> None:
    """Drop the cached calendar after overrides changed."""
    if has_app_context():
        request_cache().pop("work_calendar", None)
