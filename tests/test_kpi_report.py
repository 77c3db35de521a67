"""月报/季报/年报 (.docx and .xlsx): the dashboard's figures and chart tables for a period, in print."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from docx import Document
from openpyxl import load_workbook

from tests.kpi_support import TODAY, march_cases
from workdays import clock

NOON = dt.datetime.combine(TODAY, dt.time(12))


def docx_text(data: bytes) -> str:
    """Every paragraph and table cell of a .docx, one per line."""
    doc = Document(io.BytesIO(data))
    cells = [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def sheet_rows(data: bytes, title: str) -> list[tuple]:
    return [tuple(row) for row in load_workbook(io.BytesIO(data))[title].iter_rows(values_only=True)]


@pytest.fixture
def march(app_ctx):
    return march_cases()


def test_the_monthly_report_command_writes_word_and_excel(app, march, tmp_path):
    with clock.frozen_at(NOON):
        result = app.test_cli_runner().invoke(args=["report", "--period", "2026-03", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "已生成" in result.output
    docx, = tmp_path.glob("*.docx")
    xlsx, = tmp_path.glob("*.xlsx")
    assert docx.name == "办不成事反映窗口月报-2026-03.docx" and xlsx.name == "办不成事反映窗口月报-2026-03.xlsx"
    text = docx_text(docx.read_bytes())
    assert "2026年3月月报" in text and "响应率" in text and "80.0%" in text and "指标口径" in text
    assert "受理后 1 个工作日内" in text, "the published definitions are printed"
    rows = {row[0]: row for row in sheet_rows(xlsx.read_bytes(), "主要指标")}
    # hand-computed in tests/test_kpi.py: response 8 of 10, previous month (P) 1 of 1
    response = rows["响应率"]
    assert response[1:3] == (0.8, 1.0) and response[4:6] == (8, 10)
    assert rows["重办率"][1] == 0.4 and rows["督办件数"][1] == 2
    channels = sheet_rows(xlsx.read_bytes(), "反映渠道")
    assert ("现场窗口", 10) in channels


def test_a_year_report_on_the_demo_district(app, tmp_path):
    result = app.test_cli_runner().invoke(args=["report", "--period", "2021", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    text = docx_text(next(tmp_path.glob("*.docx")).read_bytes())
    # the article's first year: 30 cases, all responded to, finished and satisfied
    assert "2021年年报" in text and "历年受理件数" in text
    rows = {row[0]: row for row in sheet_rows(next(tmp_path.glob("*.xlsx")).read_bytes(), "主要指标")}
    assert rows["受理件数"][1] == 30
    assert rows["响应率"][1] == rows["办结率"][1] == rows["满意率"][1] == 1.0


def test_a_bad_period_is_refused_in_chinese(app, tmp_path):
    result = app.test_cli_runner().invoke(args=["report", "--period", "2025Q7", "--out", str(tmp_path)])
    assert result.exit_code != 0 and "考评期间" in result.output and not list(tmp_path.iterdir())


def test_leaders_download_the_report_of_the_chosen_period(march, as_user):
    with clock.frozen_at(NOON):
        leader = as_user("leader")
        page = leader.get("/dashboard/?period=2026-03").get_data(as_text=True)
        assert "/dashboard/report.docx?period=2026-03" in page
        word = leader.get("/dashboard/report.docx?period=2026-03")
        excel = leader.get("/dashboard/report.xlsx?period=custom&from=2026-03-01&to=2026-03-31")
    assert word.status_code == 200 and "80.0%" in docx_text(word.data)
    assert "attachment" in word.headers["Content-Disposition"]
    assert excel.status_code == 200
    assert {row[0]: row for row in sheet_rows(excel.data, "主要指标")}["响应率"][4:6] == (8, 10)


def test_only_kpi_holders_download_reports(as_user):
    for username in ("window", "coordinator", "handler_tax"):
        assert as_user(username).get("/dashboard/report.docx?period=2021").status_code == 403, username
