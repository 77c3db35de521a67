"""Working days in mainland China, for deadlines.

Weekends are off, statutory holidays are off, and 调休 make-up weekend days are
working days. The `holidays` package (CN) supplies the State Council's
schedule; the HolidayOverride table, edited by admins, wins over it (a new
year's notice arrives every November). Years with no official schedule in
either source are computed from the statutory rules and flagged 推定.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from functools import lru_cache

import holidays
from holidays.countries.china import ChinaStaticHolidays

ONE_DAY = dt.timedelta(days=1)


@lru_cache(maxsize=64)
def _statutory(year: int) -> tuple[frozenset[dt.date], frozenset[dt.date]]:
    """(days off, make-up working days) of one year according to `holidays`."""
    cn = holidays.China(years=year)
    days_off = frozenset(d for d in cn if d.year == year)
    workdays = frozenset(d for d in cn.weekend_workdays if d.year == year)
    return days_off, workdays


def official_years() -> frozenset[int]:
    """Years whose 放假安排 the `holidays` package carries from an official notice."""
    return frozenset(ChinaStaticHolidays.special_public_holidays)


class WorkCalendar:
    """Working-day arithmetic with admin overrides.

    `overrides` maps a date to True (a working day, e.g. 调休上班) or False (a day
    off); it wins over the statutory schedule for that date.
    """

    def __init__(self, overrides: Mapping[dt.date, bool] | None = None) -> None:
        self.overrides = dict(overrides or {})
        self._override_years = {d.year for d in self.overrides}

    def is_workday(self, day: dt.date) -> bool:
        """Whether the center is open on `day`."""
        if day in self.overrides:
            return self.overrides[day]
        days_off, makeup = _statutory(day.year)
        if day in makeup:
            return True
        if day in days_off:
            return False
        return day.weekday() < 5

    def is_estimated(self, day: dt.date) -> bool:
        """True when `day`'s year has no official schedule (the result is 推定)."""
        return day.year not in official_years() and day.year not in self._override_years

    def next_workday(self, day: dt.date) -> dt.date:
        """`day` itself if the center is open, else the next day it is."""
        while not self.is_workday(day):
            day += ONE_DAY
        return day

    def add_workdays(self, start: dt.date, days: int) -> dt.date:
        """The deadline `days` working days after `start`.

        0 means the same day (or the next working day when `start` is not one);
        1 means the next working day after `start`, and so on.
        """
        if days < 0:
            raise ValueError("days must not be negative")
        day = start
        if days == 0:
            return self.next_workday(day)
        counted = 0
        while counted < days:
            day += ONE_DAY
            if self.is_workday(day):
                counted += 1
        return day

    def workdays_between(self, start: dt.date, end: dt.date) -> int:
        """How many working days lie after `start` up to and including `end`.

        Negative when `end` is before `start`: -(working days after `end` up to `start`).
        """
        if end < start:
            return -self.workdays_between(end, start)
        count = 0
        day = start
        while day < end:
            day += ONE_DAY
            if self.is_workday(day):
                count += 1
        return count

    def workdays(self, start: dt.date, end: dt.date) -> Iterable[dt.date]:
        """Every working day from `start` to `end`, both included."""
        day = start
        while day <= end:
            if self.is_workday(day):
                yield day
            day += ONE_DAY


def statutory_schedule(year: int) -> list[tuple[dt.date, bool, str]]:
    """The `holidays` schedule of a year as (date, is_workday, name) rows, to fill overrides."""
    cn = holidays.China(years=year, language="zh_CN")
    rows = [(d, False, str(name)) for d, name in sorted(cn.items()) if d.year == year]
    rows += [(d, True, "调休上班") for d in sorted(cn.weekend_workdays) if d.year == year]
    return sorted(rows)
