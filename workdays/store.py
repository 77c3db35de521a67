"""The working-day calendar with the admins' overrides read from the database.

The calendar is kept by the process (console/cache.py) while the holiday stamp
(models/cache_stamp.py) stays the same: an override saved by any process moves the
stamp in its transaction, and every process reloads on its next request.
"""

from __future__ import annotations

from flask import has_app_context

from console.cache import process_cache, request_cache
from workdays.calendar import WorkCalendar


def work_calendar() -> WorkCalendar:
    """The calendar for this request or command (overrides loaded again only after they changed)."""
    cache = request_cache() if has_app_context() else {}
    if "work_calendar" in cache:
        return cache["work_calendar"]
    from extensions import db
    from models.cache_stamp import HOLIDAYS, current_stamp

    def load() -> WorkCalendar:
        from models.enums import DayKind
        from models.holiday import HolidayOverride

        rows = db.session.execute(db.select(HolidayOverride.day, HolidayOverride.kind)).all()
        return WorkCalendar({day: kind == DayKind.WORKDAY for day, kind in rows})

    stamp = current_stamp(db.session, HOLIDAYS)
    calendar = process_cache.get((HOLIDAYS, str(db.engine.url)), stamp, load)
    cache["work_calendar"] = calendar
    return calendar


def forget_calendar() -> None:
    """Drop this request's calendar after overrides changed; the stamp is read again (after the flush moved it)."""
    if has_app_context():
        cache = request_cache()
        cache.pop("work_calendar", None)
        cache.get("cache_stamps", {}).pop("holidays", None)
