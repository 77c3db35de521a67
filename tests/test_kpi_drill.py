"""The case list behind each figure shows exactly the cases the figure counts."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from kpi.periods import choose
from kpi.tally import figures
from tests.helpers import english_words
from tests.kpi_support import TODAY, march_cases
from tests.test_kpi import EXPECTED
from workdays import clock

NOON = dt.datetime.combine(TODAY, dt.time(12))
MARCH = "from=2026-03-01&to=2026-03-31"


def record_count(html: str) -> int:
    """The count a list page states (0 when it says there are no records)."""
    found = re.search(r'class="record-count">(\d+)<', html)
    return int(found.group(1)) if found else 0


@pytest.fixture
def leader(app_ctx, as_user):
    march_cases()
    return as_user("leader")


def test_each_part_of_each_kpi_lists_as_many_cases_as_it_counts(leader):
    with clock.frozen_at(NOON):
        for name, (numerator, denominator) in EXPECTED.items():
            listed = record_count(leader.get(f"/cases/list/?kpi={name}&part=numerator&{MARCH}").get_data(as_text=True))
            assert listed == numerator, name
            if denominator is not None:
                page = leader.get(f"/cases/list/?kpi={name}&part=denominator&{MARCH}").get_data(as_text=True)
                assert record_count(page) == denominator, name
                missed = leader.get(f"/cases/list/?kpi={name}&part=miss&{MARCH}").get_data(as_text=True)
                expected_misses = numerator if name == "reopen" else denominator - numerator
                assert record_count(missed) == expected_misses, name


def test_the_list_matches_the_figure_on_the_demo_years(app_ctx, as_user):
    leader = as_user("leader")
    today = clock.today()
    for year in ("2021", "2022", "2023", "2024", "2025"):
        found = figures(choose(year, today), today)
        span = f"from={year}-01-01&to={year}-12-31"
        for name, figure in found.items():
            page = leader.get(f"/cases/list/?kpi={name}&part=numerator&{span}").get_data(as_text=True)
            assert record_count(page) == figure.numerator, (year, name)
            if figure.denominator is not None:
                page = leader.get(f"/cases/list/?kpi={name}&part=denominator&{span}").get_data(as_text=True)
                assert record_count(page) == figure.denominator, (year, name)


def test_the_list_says_in_chinese_which_cases_it_shows(leader):
    with clock.frozen_at(NOON):
        html = leader.get(f"/cases/list/?kpi=response&part=miss&{MARCH}").get_data(as_text=True)
    assert "响应率" in html and "未达标" in html and "2026年3月" in html
    assert "受理后 1 个工作日内" in html, "the published definition is beside the list"
    assert not english_words(html)


def test_a_handler_drills_only_into_own_department(app_ctx, as_user):
    cases = march_cases()
    # every assigned March case went to the tax bureau: A B C D G S; the HR bureau has none
    with clock.frozen_at(NOON):
        tax = as_user("handler_tax").get(f"/cases/list/?kpi=received&{MARCH}").get_data(as_text=True)
        hrss = as_user("handler_hrss").get(f"/cases/list/?kpi=received&{MARCH}").get_data(as_text=True)
    assert record_count(tax) == 6 and record_count(hrss) == 0
    assert cases["H"].number not in tax


@pytest.mark.parametrize("query", ["kpi=nope&" + MARCH, "kpi=response&part=all&" + MARCH,
                                   "kpi=response&from=2026-13-01&to=2026-03-31",
                                   "kpi=response&from=2026-04-01&to=2026-03-01"])
def test_a_broken_drill_is_ignored_not_an_error(leader, query):
    assert leader.get(f"/cases/list/?{query}").status_code == 200
