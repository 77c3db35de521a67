"""Deadlines in working days, from configuration (DEADLINE_DAYS, SUPERVISION_DEADLINE_DAYS)."""

from __future__ import annotations

import datetime as dt

from flask import current_app

from models.enums import Level, SupervisionLevel, Track
from workdays.store import work_calendar


def default_case_days(track: Track | None, level: Level | None) -> int:
    """Working days a case gets by its handling mechanism; district-level cases get the complex allowance."""
    days = current_app.config["DEADLINE_DAYS"]
    if level == Level.DISTRICT:
        return days["district"]
    if track is None:
        return days["coordinate"]
    return days[track.value]


def default_supervision_days(level: SupervisionLevel) -> int:
    """Working days a supervised department has to answer, by supervision level."""
    return current_app.config["SUPERVISION_DEADLINE_DAYS"][level.value]


def assess_days() -> int:
    """研判 within this many working days of 受理 (the 100% response rule)."""
    return current_app.config["DEADLINE_DAYS"]["assess"]


def due_after(start: dt.date, days: int) -> tuple[dt.date, bool]:
    """(deadline, estimated): `days` working days after `start`, and whether the calendar was 推定."""
    calendar = work_calendar()
    due = calendar.add_workdays(start, days)
    return due, calendar.is_estimated(due)


def remaining_workdays(today: dt.date, due: dt.date) -> int:
    """Working days left until `due` (negative when past)."""
    return work_calendar().workdays_between(today, due)
