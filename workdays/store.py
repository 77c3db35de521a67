"""The working-day calendar with the admins' overrides read from the database."""

from __future__ import annotations

from flask import g, has_app_context

from workdays.calendar import WorkCalendar


def work_calendar() -> WorkCalendar:
    """The calendar for this request or command (overrides loaded once per app context)."""
    if has_app_context() and "work_calendar" in g:
        return g.work_calendar
    from extensions import db
    from models.enums import DayKind
    from models.holiday import HolidayOverride

    rows = db.session.execute(db.select(HolidayOverride.day, HolidayOverride.kind)).all()
    calendar = WorkCalendar({day: kind == DayKind.WORKDAY for day, kind in rows})
    if has_app_context():
        g.work_calendar = calendar
    return calendar


def forget_calendar() -> None:
    """Drop the cached calendar after overrides changed."""
    if has_app_context():
        g.pop("work_calendar", None)
