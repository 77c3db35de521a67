"""溯源分析 groups on the constructed year (tests/rootcause_support.py), every figure computed by hand."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from access.system import as_system
from extensions import db
from kpi import rootcause
from kpi.periods import Span, choose
from models import Case, GuideCard
from tests.rootcause_support import TODAY, numbers, rootcause_cases

YEAR = choose("2026", TODAY)
D = dt.date


@pytest.fixture
def story(app_ctx):
    return rootcause_cases()


def _members(count: rootcause.Count) -> set[int]:
    return set(db.session.execute(sa.select(Case.id).where(count.drill.condition(TODAY))).scalars())


def _by_title(analysis: rootcause.Analysis) -> dict[str, rootcause.Group]:
    return {g.title: g for g in analysis.groups}


def test_years_and_quarters_are_cut_to_the_period():
    span = Span(D(2021, 5, 10), D(2022, 3, 31), "custom")
    assert [(b.start, b.end) for b in rootcause.buckets(span, "year")] == [
        (D(2021, 5, 10), D(2021, 12, 31)), (D(2022, 1, 1), D(2022, 3, 31))]
    # May 2021 lies in Q2: Q2 (cut), Q3, Q4, Q1 2022
    assert [(b.start, b.end) for b in rootcause.buckets(span, "quarter")] == [
        (D(2021, 5, 10), D(2021, 6, 30)), (D(2021, 7, 1), D(2021, 9, 30)), (D(2021, 10, 1), D(2021, 12, 31)),
        (D(2022, 1, 1), D(2022, 3, 31))]
    assert rootcause.default_bucket(YEAR) == "quarter"
    assert rootcause.default_bucket(Span(D(2021, 1, 1), D(2026, 12, 31), "custom")) == "year"


def test_recurring_problems_by_service_item_stuck_department_and_root_cause(story):
    _ids, cases = story
    found = rootcause.analyse(YEAR, TODAY)
    assert found.bucket == "quarter" and len(found.buckets) == 4
    # 甲·测试窗口·根源一: 1 2 3 4 (9 is void); 乙·—·—: 7 8; then the single ones, latest first: 5 (05-06), 6 (03-03)
    ours = [g for g in found.groups if g.title.startswith(("事项甲", "事项乙"))]
    assert [(g.title, g.total.value) for g in ours] == [
        ("事项甲 · 测试窗口 · 根源一", 4), ("事项乙 · 未记录卡点 · 未溯源分析", 2),
        ("事项甲 · 测试窗口 · 根源二", 1), ("事项乙 · 未记录卡点 · 根源二", 1)]
    main = ours[0]
    assert [c.value for c in main.counts] == [2, 1, 1, 0]  # Q1: 1 (01-12) and 2 (02-02); Q2: 3; Q3: 4
    assert (main.first, main.last) == (D(2026, 1, 12), D(2026, 7, 1))
    assert numbers(cases, _members(main.counts[0])) == {1, 2}
    assert numbers(cases, _members(main.total)) == {1, 2, 3, 4}
    # forwarded to 测试局 by case 1's 总结 on 02-02; case 2 was received that same day, so it counts before
    assert main.forwarding.departments == ["测试局"] and main.forwarding.day == D(2026, 2, 2)
    assert (main.forwarding.before.value, main.forwarding.after.value) == (2, 2)
    assert numbers(cases, _members(main.forwarding.after)) == {3, 4}
    assert not main.forwarding.fell and main.cards == [] and main.card_possible
    assert ours[1].forwarding is None and [c.value for c in ours[1].counts] == [1, 0, 0, 1]
    second = ours[2]
    assert second.forwarding.departments == ["测试窗口"]
    assert (second.forwarding.before.value, second.forwarding.after.value) == (1, 0)
    assert second.forwarding.after.drill is not None  # 05-21 … 12-31 lies in the period: an empty list
    assert not second.forwarding.fell  # one case before is no recurrence that could fall


def test_grouping_by_one_dimension_counts_per_year(story):
    ids, cases = story
    by_item = _by_title(rootcause.analyse(YEAR, TODAY, "service_item", "year"))
    jia, yi = by_item["事项甲"], by_item["事项乙"]
    assert [c.value for c in jia.counts] == [5] and [c.value for c in yi.counts] == [3]
    # 甲 forwarded first to 测试局 (02-02), then to 测试窗口 (05-20): 1 2 before, 3 4 5 after
    assert jia.forwarding.departments == ["测试局", "测试窗口"] and jia.forwarding.day == D(2026, 2, 2)
    assert (jia.forwarding.before.value, jia.forwarding.after.value) == (2, 3)
    assert yi.forwarding is None
    by_cause = _by_title(rootcause.analyse(YEAR, TODAY, "root_cause"))
    # 根源二: 5 (05-06) and 6 (03-03), both before its forwarding of 05-20
    assert by_cause["根源二"].total.value == 2 and by_cause["根源二"].forwarding.day == D(2026, 5, 20)
    assert (by_cause["根源二"].forwarding.before.value, by_cause["根源二"].forwarding.after.value) == (2, 0)
    assert by_cause["根源二"].forwarding.fell
    assert by_cause["未溯源分析"].total.value == 2 and not by_cause["未溯源分析"].card_possible
    by_stuck = _by_title(rootcause.analyse(YEAR, TODAY, "stuck_department"))
    assert by_stuck["测试窗口"].total.value == 5
    # no 卡点单位: 6 7 8. Demo cases without one were forwarded before 2026 (工伤 consultations to 人社局),
    # and the forwarding is looked up in any period: all three came after it.
    unrecorded = by_stuck["未记录卡点"].forwarding
    assert unrecorded.day < D(2026, 1, 1) and (unrecorded.before.value, unrecorded.after.value) == (0, 3)
    assert unrecorded.before.drill is None


def test_a_published_card_of_the_service_item_answers_the_group(story):
    ids, _cases = story
    with as_system():
        db.session.add_all([GuideCard(title="事项甲指南", question="?", content="步骤", service_item_id=ids["甲"]),
                            GuideCard(title="草稿", question="?", content="步骤", service_item_id=ids["乙"],
                                      is_published=False)])
        db.session.commit()
    groups = _by_title(rootcause.analyse(YEAR, TODAY))
    assert [c.title for c in groups["事项甲 · 测试窗口 · 根源一"].cards] == ["事项甲指南"]
    assert groups["事项乙 · 未记录卡点 · 未溯源分析"].cards == []  # its only card is not published


def test_recurring_problems_and_their_chart(story):
    found = rootcause.analyse(YEAR, TODAY)
    titles = [g.title for g in rootcause.recurring(found)]
    assert titles[:2] == ["事项甲 · 测试窗口 · 根源一", "事项乙 · 未记录卡点 · 未溯源分析"]
    chart = rootcause.chart(found)
    assert [str(s.name) for s in chart.series] == titles[:8]
    assert [p.value for p in chart.series[0].points] == [2, 1, 1, 0]


def test_a_drill_of_several_dimensions_survives_the_url(story):
    from kpi.drill import Drill

    group = rootcause.analyse(YEAR, TODAY).groups[0]
    params = group.total.drill.params()
    assert params["by"] == "service_item,stuck_department,root_cause"
    assert Drill.from_params(params) == group.total.drill
    assert Drill.from_params(params | {"is": "1,2"}) is None  # one value short
    assert Drill.from_params(params | {"by": "service_item,service_item,root_cause"}) is None


def test_the_report_lists_the_top_recurring_problems_with_what_was_done(story):
    from kpi.report import build
    from kpi.report_files import docx_bytes, xlsx_bytes
    from tests.test_kpi_report import docx_text, sheet_rows

    report = build(YEAR, TODAY)
    table = next(t for t in report.tables if t.title == "溯源分析：反复出现的问题")
    # recurring (2 cases or more) in 2026: only 甲·测试窗口·根源一 (4) and 乙 without 卡点 or 根源 (2)
    assert table.rows == [
        ["事项甲 · 测试窗口 · 根源一", 4, D(2026, 1, 12), D(2026, 7, 1), "测试局", D(2026, 2, 2), 2, 2, None],
        ["事项乙 · 未记录卡点 · 未溯源分析", 2, D(2026, 3, 4), D(2026, 10, 12), None, None, None, None, None]]
    assert "溯源分析：反复出现的问题" in docx_text(docx_bytes(report))
    rows = sheet_rows(xlsx_bytes(report), "溯源分析：反复出现的问题")
    assert rows[1][:2] == ("事项甲 · 测试窗口 · 根源一", 4)
