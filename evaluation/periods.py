"""Evaluation periods: a year (2025), a quarter (2025Q2) or a month (2025-06)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from flask_babel import gettext

from console.errors import ConsoleError
from models.enums import PeriodKind

PATTERNS = [
    (re.compile(r"^(\d{4})$"), PeriodKind.YEAR),
    (re.compile(r"^(\d{4})[Qq]([1-4])$"), PeriodKind.QUARTER),
    (re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$"), PeriodKind.MONTH),
]


@dataclass(frozen=True)
class Period:
    """A closed date range with its canonical name."""

    name: str
    kind: PeriodKind
    start: dt.date
    end: dt.date

    def contains(self, moment: dt.date | dt.datetime | None) -> bool:
        """Whether a date (or the date of a time) falls inside the period."""
        if moment is None:
            return False
        day = moment.date() if isinstance(moment, dt.datetime) else moment
        return self.start <= day <= self.end

    @property
    def start_time(self) -> dt.datetime:
        """The first moment of the period."""
        return dt.datetime.combine(self.start, dt.time())

    @property
    def end_time(self) -> dt.datetime:
        """The first moment after the period."""
        return dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time())


def _month_end(year: int, month: int) -> dt.date:
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def parse_period(text: str) -> Period:
    """`2025` / `2025Q2` / `2025-06` → Period; anything else is refused in Chinese."""
    text = (text or "").strip()
    for pattern, kind in PATTERNS:
        match = pattern.match(text)
        if not match:
            continue
        year = int(match.group(1))
        if not 2000 <= year <= 2100:
            break
        if kind == PeriodKind.YEAR:
            return Period(str(year), kind, dt.date(year, 1, 1), dt.date(year, 12, 31))
        if kind == PeriodKind.QUARTER:
            quarter = int(match.group(2))
            first = 3 * quarter - 2
            return Period(f"{year}Q{quarter}", kind, dt.date(year, first, 1), _month_end(year, first + 2))
        month = int(match.group(2))
        return Period(f"{year}-{month:02d}", kind, dt.date(year, month, 1), _month_end(year, month))
    raise ConsoleError(gettext("A period is a year (2025), a quarter (2025Q2) or a month (2025-06)."),
                       fields={"period": gettext("Not a valid period.")})
