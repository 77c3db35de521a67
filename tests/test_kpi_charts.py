"""The charts' data on the constructed month, by hand; every bar names the cases it counts."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from extensions import db
from kpi import charts
from kpi.periods import choose
from models import Case
from tests.kpi_support import TODAY, letters, march_cases

MARCH = choose("2026-03", TODAY)


@pytest.fixture
def cases(app_ctx):
    return march_cases()


def _values(chart: charts.Chart) -> dict[tuple[str, str], float]:
    """{(series, category): value} of the non-empty points."""
    return {(str(s.name), str(c)): p.value for s in chart.series
            for c, p in zip(chart.categories, s.points, strict=True) if p.value}


def _members(point: charts.Point) -> set[int]:
    return set(db.session.execute(sa.select(Case.id).where(point.drill.condition(TODAY))).scalars())


def test_cases_per_year_split_by_status(cases):
    chart = charts.yearly_trend(TODAY)
    assert [str(c) for c in chart.categories][0] == "2021" and str(chart.categories[-1]) == "2026"
    found = {k: v for k, v in _values(chart).items() if k[1] == "2026"}
    # 2026: 总结 A C; 评价 B F; 交办 D G S; 受理 H April; 办结 I; 研判 P; 不予受理 E (V is void)
    assert found == {("总结", "2026"): 2, ("评价", "2026"): 2, ("交办", "2026"): 3, ("受理", "2026"): 2,
                     ("办结", "2026"): 1, ("研判", "2026"): 1, ("不予受理", "2026"): 1}
    yearly = {str(c): sum(s.points[i].value for s in chart.series) for i, c in enumerate(chart.categories)}
    # the article's district: 30 cases in 2021, 5 in 2024, 3 in 2025; 12 and 10 in between
    assert [yearly[y] for y in ("2021", "2022", "2023", "2024", "2025")] == [30, 12, 10, 5, 3]


def test_a_bar_names_exactly_its_cases(cases):
    chart = charts.yearly_trend(TODAY)
    assigned = next(s for s in chart.series if str(s.name) == "交办")
    point = assigned.points[[str(c) for c in chart.categories].index("2026")]
    assert letters(cases, _members(point)) == {"D", "G", "S"}


def test_breakdown_by_problem_type_keeps_the_unclassified(cases):
    chart = charts.breakdown("problem_type", MARCH, TODAY)
    # assessed as 难于办: A B C D G S I; never assessed: E (declined), F (on the spot), H (waiting)
    assert _values(chart) == {("受理件数", "难于办"): 7, ("受理件数", "未分类"): 3}
    unclassified = chart.series[0].points[[str(c) for c in chart.categories].index("未分类")]
    assert letters(cases, _members(unclassified)) == {"E", "F", "H"}


def test_breakdown_by_channel(cases):
    assert _values(charts.breakdown("channel", MARCH, TODAY)) == {("受理件数", "现场窗口"): 10}


def test_root_causes_and_where_they_were_forwarded(cases):
    # 溯源分析 of A and C: 材料要求不清; A forwarded to the tax bureau; the other eight not yet analysed
    assert _values(charts.breakdown("root_cause", MARCH, TODAY)) == {("受理件数", "材料要求不清"): 2,
                                                                     ("受理件数", "未溯源分析"): 8}
    forwarded = charts.breakdown("forwarded_department", MARCH, TODAY)
    assert _values(forwarded) == {("受理件数", "清城区税务局"): 1, ("受理件数", "未转交"): 9}
    assert letters(cases, _members(forwarded.series[0].points[0])) == {"A"}
    assert _values(charts.breakdown("service_item", MARCH, TODAY)) == {("受理件数", "未关联事项"): 10}


def test_departments_with_their_late_and_unsatisfied_cases(cases):
    chart = charts.by_department(MARCH, TODAY)
    tax = "清城区税务局"
    # handed to the tax bureau: A B C D G S; late or overdue: B D G; 不满意 (重办): C G
    assert _values(chart) == {("交办件数", tax): 6, ("超期", tax): 3, ("不满意", tax): 2}
    late = chart.series[1].points[[str(c) for c in chart.categories].index(tax)]
    assert letters(cases, _members(late)) == {"B", "D", "G"}


def test_average_working_days_from_receipt_to_completion_by_month(cases):
    chart = charts.monthly_duration(MARCH, TODAY)
    months = [str(c) for c in chart.categories]
    assert months[-1] == "2026年3月" and len(months) == 12, "at least the twelve months up to the period's end"
    # finished March cases: A 3, B 9, C 6, F 0, I 1 working days → 19 / 5
    march = chart.series[0].points[-1]
    assert march.value == pytest.approx(3.8)
    assert letters(cases, _members(march)) == {"A", "B", "C", "F", "I"}
    assert chart.series[0].points[-2].value is None, "February: nothing finished, no average"


def test_charts_respect_the_scope(cases):
    from models import Assignment, Department

    hrss = db.session.execute(sa.select(Department.id).where(Department.name == "清城区人力资源和社会保障局")).scalar()
    only_hrss = sa.exists().where(Assignment.case_id == Case.id, Assignment.department_id == hrss)
    assert _values(charts.breakdown("channel", MARCH, TODAY, only_hrss)) == {}
