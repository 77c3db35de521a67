"""The wall clock of the service center (Asia/Shanghai), freezable for tests.

Times are stored as naive datetimes in China Standard Time: the center works
in one time zone and every screen, deadline and report reads local time.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Shanghai")
_frozen: dt.datetime | None = None


def now() -> dt.datetime:
    """The current local time, naive, to the second."""
    if _frozen is not None:
        return _frozen
    return dt.datetime.now(TZ).replace(tzinfo=None, microsecond=0)


def today() -> dt.date:
    """The current local date."""
    return now().date()


@contextlib.contextmanager
def frozen_at(moment: dt.datetime | dt.date) -> Iterator[dt.datetime]:
    """Make `now()` return `moment` inside the block (tests, replays of history)."""
    global _frozen
    if not isinstance(moment, dt.datetime):
        moment = dt.datetime.combine(moment, dt.time(9, 0))
    previous, _frozen = _frozen, moment
    try:
        yield moment
    finally:
        _frozen = previous
