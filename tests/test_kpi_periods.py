"""The leader's period: this month / quarter / year, a named period or custom dates, and the one before it."""

from __future__ import annotations

import datetime as dt

import pytest

from console.errors import ConsoleError
from kpi.periods import choose

D = dt.date
TODAY = D(2026, 5, 20)


@pytest.mark.parametrize("choice,start,end,prev_start,prev_end", [
    ("month", D(2026, 5, 1), D(2026, 5, 31), D(2026, 4, 1), D(2026, 4, 30)),
    ("quarter", D(2026, 4, 1), D(2026, 6, 30), D(2026, 1, 1), D(2026, 3, 31)),
    ("year", D(2026, 1, 1), D(2026, 12, 31), D(2025, 1, 1), D(2025, 12, 31)),
    ("2025", D(2025, 1, 1), D(2025, 12, 31), D(2024, 1, 1), D(2024, 12, 31)),
    ("2025Q1", D(2025, 1, 1), D(2025, 3, 31), D(2024, 10, 1), D(2024, 12, 31)),
    ("2024-03", D(2024, 3, 1), D(2024, 3, 31), D(2024, 2, 1), D(2024, 2, 29)),
    ("2025-01", D(2025, 1, 1), D(2025, 1, 31), D(2024, 12, 1), D(2024, 12, 31)),
])
def test_named_periods_and_the_one_before(choice, start, end, prev_start, prev_end):
    span = choose(choice, TODAY)
    assert (span.start, span.end) == (start, end)
    previous = span.previous()
    assert (previous.start, previous.end) == (prev_start, prev_end)


def test_custom_dates_and_the_period_of_equal_length_before():
    span = choose("custom", TODAY, "2026-03-10", "2026-03-19")
    assert (span.start, span.end) == (D(2026, 3, 10), D(2026, 3, 19))
    previous = span.previous()
    # ten days, ending the day before the 10th
    assert (previous.start, previous.end) == (D(2026, 2, 28), D(2026, 3, 9))


def test_a_span_covers_whole_days():
    span = choose("2025-06", TODAY)
    assert span.start_time == dt.datetime(2025, 6, 1) and span.end_time == dt.datetime(2025, 7, 1)


@pytest.mark.parametrize("start,end", [("2026-03-19", "2026-03-10"), ("2026-02-30", "2026-03-01"), ("", "2026-03-01"),
                                       ("1999-01-01", "2000-01-01"), ("2000-01-01", "2030-01-01")])
def test_bad_custom_dates_are_refused_in_chinese(app_ctx, start, end):
    with pytest.raises(ConsoleError, match="日期"):
        choose("custom", TODAY, start, end)


def test_an_unknown_choice_is_refused(app_ctx):
    with pytest.raises(ConsoleError):
        choose("decade", TODAY)


def test_labels_are_chinese(app_ctx):
    assert str(choose("2025", TODAY).label) == "2025年"
    assert str(choose("2025Q2", TODAY).label) == "2025年第2季度"
    assert str(choose("2025-06", TODAY).label) == "2025年6月"
    assert str(choose("custom", TODAY, "2026-03-10", "2026-03-19").label) == "2026-03-10 至 2026-03-19"
