"""The 工作台 per role: today's work, the department's work, the leader's KPIs and charts.

Every number on it is a link, and the list it opens shows as many records as the number says.
"""

from __future__ import annotations

import datetime as dt
import html as markup
import json
import re

import pytest

from tests.helpers import english_words
from tests.kpi_support import TODAY, march_cases
from tests.test_kpi_drill import record_count
from tests.workflow_support import RESOLVE, act, new_case
from workdays import clock

NOON = dt.datetime.combine(TODAY, dt.time(12))
TILE = re.compile(r'<a class="tile[^"]*" href="([^"]+)">\s*<span class="tile-count">(\d+)</span>\s*'
                  r'<span class="tile-label">([^<]+)<')


def tiles(page: str, heading: str) -> dict[str, tuple[int, str]]:
    """{label: (count, url)} of the tile row under `heading`."""
    row = page.split(heading, 1)[1].split("<h4", 1)[0] if heading in page else ""
    return {label: (int(count), markup.unescape(url)) for url, count, label in TILE.findall(row)}


def charts_of(page: str) -> dict:
    """The chart data the page hands to ECharts."""
    found = re.search(r'<script type="application/json" id="dashboard-charts"[^>]*>(.*?)</script>', page, re.S)
    return json.loads(found.group(1)) if found else {}


def kpi_card(page: str, name: str) -> str:
    return page.split(f'data-kpi="{name}"', 1)[1].split('data-kpi="', 1)[0]


def test_front_line_sees_todays_work_each_tile_a_link_to_its_list(app_ctx, as_user):
    morning = dt.datetime(2026, 3, 2, 9)
    today_case = new_case(morning, "今天受理的事项")
    act(new_case(morning, "已办结待回访"), "resolve_on_spot", RESOLVE, morning)
    with clock.frozen_at(dt.datetime(2026, 3, 2, 10)):
        for username in ("window", "coordinator"):
            client = as_user(username)
            page = client.get("/dashboard/").get_data(as_text=True)
            work = tiles(page, "今日工作")
            assert set(work) == {"待研判", "我的待办", "即将超期", "已超期", "已超期未督办", "挂起中", "待回访",
                                 "今日受理"}
            assert work["今日受理"][0] == 2 and work["待回访"][0] >= 1
            for label, (count, url) in work.items():
                assert record_count(client.get(url).get_data(as_text=True)) == count, (username, label)
            assert "今日坐窗" in page and today_case.number in page and "已办结待回访" in page
            assert "工作成效" not in page, "no KPI section for the front line"


def test_a_handler_sees_the_departments_work_and_criticisms_to_answer(app_ctx, as_user):
    march_cases()
    with clock.frozen_at(NOON):
        client = as_user("handler_tax")
        page = client.get("/dashboard/").get_data(as_text=True)
        mine = tiles(page, "本部门交办事项") | tiles(page, "本部门时限与整改")
        # the tax bureau's open assignments on 04-15: D and G (reopened) overdue, S suspended (clock stopped);
        # the demo's cases are all finished; the criticism of D (03-20, 5 days) is late
        assert mine["已超期"][0] == 2 and mine["即将超期"][0] == 0
        assert mine["逾期未整改"][0] == 1 and mine["待整改"][0] == 0
        for label, (count, url) in mine.items():
            assert record_count(client.get(url).get_data(as_text=True)) == count, label
        assert "工作成效" not in page


def test_the_leader_reads_each_kpi_with_target_counts_previous_period_and_links(app_ctx, as_user):
    march_cases()
    with clock.frozen_at(NOON):
        leader = as_user("leader")
        page = leader.get("/dashboard/?period=2026-03").get_data(as_text=True)
        card = kpi_card(page, "response")
        # 8 of 10 responded on time (tests/test_kpi.py); February: P, 1 of 1
        assert "80.0%" in card and "目标 100%" in card and "2026年2月" in card and "100.0%" in card
        links = dict(re.findall(r'data-part="(\w+)" href="([^"]+)"', card))
        counts = {part: record_count(leader.get(markup.unescape(url)).get_data(as_text=True))
                  for part, url in links.items()}
        assert counts == {"numerator": 8, "denominator": 10, "miss": 2}
        assert "40.0%" in kpi_card(page, "reopen") and "目标 0%" in kpi_card(page, "reopen")
        assert not english_words(page)


@pytest.mark.parametrize("query", ["period=month", "period=quarter", "period=year", "period=2023",
                                   "period=custom&from=2026-03-10&to=2026-03-19"])
def test_the_period_selector(as_user, query):
    page = as_user("leader").get(f"/dashboard/?{query}").get_data(as_text=True)
    assert "工作成效" in page and "上期" in page and not english_words(page)


def test_bad_custom_dates_are_explained_and_this_month_shown(as_user):
    page = as_user("leader").get("/dashboard/?period=custom&from=2026-03-19&to=2026-03-10").get_data(as_text=True)
    assert "开始日期不晚于结束日期" in page and "工作成效" in page


def test_demo_years_show_the_articles_figures(as_user):
    # The article: 反映事项100%响应, 可办事项100%办结, 办结事项100%满意, 2021 (30 cases) to 2025 (3 so far).
    leader = as_user("leader")
    for year in ("2021", "2022", "2023", "2024", "2025"):
        page = leader.get(f"/dashboard/?period={year}").get_data(as_text=True)
        for name in ("response", "completion", "satisfaction"):
            assert "100.0%" in kpi_card(page, name).split("kpi-previous", 1)[0], (year, name)


@pytest.mark.parametrize("username,expected", [
    ("leader", {"trend", "problem_type", "track", "disposition", "level", "channel", "departments", "duration",
                "root_cause", "forwarded_department", "service_item"}),
    ("coordinator", {"trend"}), ("window", {"trend"}), ("handler_tax", {"trend"}),
])
def test_every_chart_point_opens_a_list_of_as_many_cases(as_user, username, expected):
    client = as_user(username)
    found = charts_of(client.get("/dashboard/?period=2021").get_data(as_text=True))
    assert set(found) == expected
    for chart in found.values():
        for series in chart["series"]:
            for point in series["data"]:
                if point["url"] and chart["name"] != "duration":
                    listed = record_count(client.get(point["url"]).get_data(as_text=True))
                    assert listed == point["value"], (username, chart["name"], series["name"], point)


def test_the_handlers_trend_counts_only_its_own_cases(as_user):
    found = charts_of(as_user("handler_tax").get("/dashboard/").get_data(as_text=True))
    total = sum(p["value"] for s in found["trend"]["series"] for p in s["data"])
    everyone = charts_of(as_user("leader").get("/dashboard/").get_data(as_text=True))
    assert 0 < total < sum(p["value"] for s in everyone["trend"]["series"] for p in s["data"])


def test_charts_have_a_table_view_in_the_page(as_user):
    page = as_user("leader").get("/dashboard/?period=2021").get_data(as_text=True)
    table = page.split('id="table-trend"', 1)[1].split("</table>", 1)[0]
    assert "<th" in table and "2021" in table and "30" in table
    assert page.count("chart-png") >= 11 and "echarts.min.js" in page


def test_only_kpi_holders_see_the_kpis(as_user):
    for username in ("window", "coordinator", "handler_tax"):
        assert "工作成效" not in as_user(username).get("/dashboard/").get_data(as_text=True), username
    assert "工作成效" in as_user("admin").get("/dashboard/").get_data(as_text=True)
