"""Each KPI on the constructed month of tests/kpi_support.py equals the value computed by hand."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from extensions import db
from kpi.definitions import KPIS
from kpi.drill import Drill
from kpi.periods import choose
from kpi.tally import figures
from models import Case
from tests.kpi_support import TODAY, letters, march_cases

MARCH = choose("2026-03", TODAY)

# (numerator, denominator) by hand; counts have no denominator.
EXPECTED = {
    "received": (10, None),      # A B C D E F G H S I (V is void, P and April are outside March)
    "response": (8, 10),         # all but B (研判 a day late) and H (never, due 03-11)
    "completion": (5, 8),        # done: A B C F I; not done though due: D G H (E declined, S suspended)
    "on_time": (4, 8),           # A C F I; B late; D G H overdue
    "satisfaction": (4, 5),      # evaluated A B C F G; G's only verdict is 不满意
    "reopen": (2, 5),            # C and G were sent back after 不满意
    "supervised": (2, None),     # D and G
    "criticized": (1, None),     # D
}

# The cases that miss each KPI (for 重办率 and the counts: the cases counted).
MISSES = {
    "received": set("ABCDEFGHSI"),
    "response": {"B", "H"},
    "completion": {"D", "G", "H"},
    "on_time": {"B", "D", "G", "H"},
    "satisfaction": {"G"},
    "reopen": {"C", "G"},
    "supervised": {"D", "G"},
    "criticized": {"D"},
}


@pytest.fixture
def cases(app_ctx):
    return march_cases()


def _ids(drill: Drill) -> set[int]:
    return set(db.session.execute(sa.select(Case.id).where(drill.condition(TODAY))).scalars())


def test_every_kpi_is_declared_with_a_chinese_definition(app_ctx):
    assert set(KPIS) == set(EXPECTED)
    for kpi in KPIS.values():
        assert kpi.label and kpi.definition and kpi.numerator_label
        assert (kpi.denominator is None) == (EXPECTED[kpi.name][1] is None)


def test_each_kpi_equals_the_hand_computed_value(cases):
    found = figures(MARCH, TODAY)
    assert {name: (f.numerator, f.denominator) for name, f in found.items()} == EXPECTED
    assert found["response"].value == pytest.approx(0.8)
    assert found["completion"].value == pytest.approx(0.625)
    assert found["on_time"].value == pytest.approx(0.5)
    assert found["satisfaction"].value == pytest.approx(0.8)
    assert found["reopen"].value == pytest.approx(0.4)
    assert found["supervised"].value == 2
    assert not found["response"].met and not found["reopen"].met


def test_each_kpi_names_the_cases_behind_its_figure(cases):
    for name, (numerator, denominator) in EXPECTED.items():
        def drill(part: str, kpi: str = name) -> Drill:
            return Drill(kpi, part, MARCH.start, MARCH.end)

        assert len(_ids(drill("numerator"))) == numerator, name
        if denominator is not None:
            assert len(_ids(drill("denominator"))) == denominator, name
        assert letters(cases, _ids(drill("miss"))) == MISSES[name], name


def test_the_previous_month_holds_only_its_own_case(cases):
    # P: received and 研判 on 2026-02-27
    february = figures(MARCH.previous(), TODAY)
    assert (february["received"].numerator, february["response"].numerator, february["response"].denominator) \
        == (1, 1, 1)
    assert february["satisfaction"].value is None, "nothing evaluated: no rate, not 0%"


def test_a_case_not_yet_due_is_not_counted_against_response_or_completion(cases):
    # Judged on 2026-03-10: H's response is due 03-11, D's deadline is 03-12 and G's (after 重办) 03-20,
    # so none of them is late yet. Response: 8 on time of 9 due (B late); completion: A B C F I of 5 due.
    early = figures(MARCH, TODAY.replace(month=3, day=10))
    assert (early["response"].numerator, early["response"].denominator) == (8, 9)
    assert (early["completion"].numerator, early["completion"].denominator) == (5, 5)


def test_the_count_of_each_part_is_the_size_of_its_list(cases):
    found = figures(MARCH, TODAY)
    for name, figure in found.items():
        for part in ("numerator", "denominator", "miss"):
            assert figure.count(part) == len(_ids(Drill(name, part, MARCH.start, MARCH.end))), (name, part)


def test_a_case_records_its_response_deadline_at_receipt(cases):
    # F was received on Friday 03-06: 研判 is due on the next working day, Monday 03-09
    assert cases["F"].response_due == dt.date(2026, 3, 9)
    assert cases["I"].response_due == dt.date(2026, 4, 1)


def test_a_legacy_case_without_a_recorded_response_deadline_is_counted_consistently(cases):
    # H (never responded) and A (responded on time) as an old database may hold them: no response deadline
    from models.base import acting_as
    from tests.workflow_support import user

    with acting_as(user("admin").id):
        db.session.execute(sa.update(Case).where(Case.id.in_([cases["H"].id, cases["A"].id])).values(response_due=None))
    found = figures(MARCH, TODAY)
    # A still responded (due unknown: not on time); H not responded and not known to be due: not counted
    assert (found["response"].numerator, found["response"].denominator) == (7, 9)
    for part in ("numerator", "denominator", "miss"):
        assert found["response"].count(part) == len(_ids(Drill("response", part, MARCH.start, MARCH.end))), part


def test_joined_and_per_case_facts_give_the_same_figures(cases):
    """The aggregate form of verdicts, 督办 and 通报批评 (kpi.facts) counts what the lists' EXISTS form counts."""
    assert figures(MARCH, TODAY, joined=True) == figures(MARCH, TODAY, joined=False)
