"""The 工作台 charts in Chromium: drawn on every role's dashboard under the CSP, with no outside
request and no script error (the `session` fixture fails the test on any); a click opens the cases
behind a bar; the table view, the PNG download, 1366×768 and A4 printing."""

from __future__ import annotations

import re

import pytest

from tests.browser_support import ROLES, browser, live, session  # noqa: F401  (fixtures)

PAINTED = """el => {
  const canvas = el.querySelector('canvas');
  if (!canvas || !canvas.width || !canvas.height) return 0;
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  for (let i = 3; i < data.length; i += 64) { if (data[i] !== 0) painted++; }
  return painted;
}"""

BAR = """name => {
  const chart = echarts.getInstanceByDom(document.getElementById('chart-' + name));
  const option = chart.getOption();
  for (let s = 0; s < option.series.length; s++) {
    const data = option.series[s].data;
    for (let i = 0; i < data.length; i++) {
      if (data[i].value > 0) {
        const [x, y] = chart.convertToPixel({seriesIndex: s}, [i, data[i].value]);
        const box = chart.getDom().getBoundingClientRect();
        return {x: box.x + x, y: box.y + y + 3, value: data[i].value, url: data[i].url};
      }
    }
  }
  return null;
}"""


def _charts_are_drawn(page) -> int:
    canvases = page.locator(".chart-canvas")
    assert canvases.count() >= 1
    for i in range(canvases.count()):
        name = canvases.nth(i).get_attribute("data-chart")
        assert canvases.nth(i).evaluate(PAINTED) > 0, f"chart {name} is blank"
    return canvases.count()


@pytest.mark.parametrize("username", ROLES)
def test_every_roles_dashboard_draws_its_charts(session, username):
    s = session(username)
    _charts_are_drawn(s.go("/dashboard/"))  # this month: the demo district has no case in it, the trend is drawn
    drawn = _charts_are_drawn(s.go("/dashboard/?period=2021"))
    assert drawn == (11 if username in ("leader", "admin") else 1)


def test_a_click_on_a_bar_opens_the_cases_it_counts(session):
    s = session("leader")
    page = s.go("/dashboard/?period=2021")
    page.locator("#chart-trend").scroll_into_view_if_needed()
    bar = page.evaluate(BAR, "trend")
    page.mouse.click(bar["x"], bar["y"])
    page.wait_for_url(re.compile(r"/cases/list/\?.*kpi=received"))
    page.wait_for_load_state("networkidle")
    assert int(page.locator(".record-count").inner_text()) == bar["value"]
    assert "指标明细" in page.locator(".list-caption").inner_text()


def test_table_view_and_png_download(session):
    s = session("leader")
    page = s.go("/dashboard/?period=2021")
    toggle = page.locator(".chart-table-toggle[data-chart='channel']")
    toggle.click()
    assert page.locator("#table-channel table").is_visible() and not page.locator("#chart-channel").is_visible()
    assert toggle.get_attribute("aria-expanded") == "true"
    assert "现场窗口" in page.locator("#table-channel").inner_text()
    toggle.click()
    assert page.locator("#chart-channel").is_visible()
    with page.expect_download() as download:
        page.locator(".chart-png[data-chart='trend']").click()
    assert download.value.suggested_filename.endswith(".png")
    with open(download.value.path(), "rb") as fh:
        assert fh.read(8) == b"\x89PNG\r\n\x1a\n"


def test_readable_at_1366_by_768_and_printable_on_a4(session, tmp_path):
    s = session("leader")
    s.page.set_viewport_size({"width": 1366, "height": 768})
    page = s.go("/dashboard/?period=2021")
    pie = page.locator("#chart-channel").bounding_box()
    track = page.locator("#chart-track").bounding_box()
    page.screenshot(path="/tmp/dash_scratch/leader.png", full_page=True)
    assert pie["width"] > 500 and track["x"] > pie["x"], "two charts side by side, each wide enough"
    page.emulate_media(media="print")
    assert not page.locator(".navbar").first.is_visible()
    _charts_are_drawn(page)
    pdf = tmp_path / "dashboard.pdf"
    page.screenshot(path="/tmp/dash_scratch/print.png", full_page=True)
    page.pdf(path=str(pdf), format="A4", print_background=True)
    assert pdf.stat().st_size > 10_000
