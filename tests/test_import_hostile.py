"""Work-order import under hostile files: zip bombs, endless sheets, stale dimensions, ragged rows.

A small .xlsx can unpack to millions of rows; the import must refuse it in
Chinese before openpyxl opens it, or after reading one row past the limit,
never after reading the whole sheet. The sheets here are written straight
into the zip, so building even the 3-million-row one takes a fraction of a second.
"""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest
from openpyxl import Workbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from extensions import db
from intake import tables
from tests.test_import_orders import GOOD, case_count, csv_bytes, imported, upload

SHEET = "xl/worksheets/sheet1.xml"
HEAD = (b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')


def row_xml(values: list[str], number: int | None = None) -> bytes:
    """One <row> of inline strings (no row number: the reader counts)."""
    cells = b"".join(b'<c t="inlineStr"><is><t>' + v.encode() + b"</t></is></c>" for v in values)
    return (b'<row r="%d">' % number if number else b"<row>") + cells + b"</row>"


def workbook(header: list[str], row: list[str], repeat: int, *, dimension: str = "",
             tail: bytes = b"") -> bytes:
    """A real .xlsx: a header and `repeat` copies of one row, streamed into the zip (no openpyxl writing)."""
    base = io.BytesIO()
    Workbook().save(base)
    out = io.BytesIO()
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            if item.filename != SHEET:
                dst.writestr(item, src.read(item.filename))
        info = zipfile.ZipInfo(SHEET)
        info.compress_type = zipfile.ZIP_DEFLATED
        with dst.open(info, "w", force_zip64=True) as sheet:
            sheet.write(HEAD + (f'<dimension ref="{dimension}"/>'.encode() if dimension else b"") + b"<sheetData>")
            sheet.write(row_xml(header))
            chunk = row_xml(row) * 10_000
            for _ in range(repeat // 10_000):
                sheet.write(chunk)
            sheet.write(row_xml(row) * (repeat % 10_000))
            sheet.write(tail + b"</sheetData></worksheet>")
    return out.getvalue()


@pytest.fixture
def cli(app, tmp_path):
    def run(data: bytes, *args: str, name: str = "orders.xlsx"):
        path = tmp_path / name
        path.write_bytes(data)
        db.session.remove()
        return app.test_cli_runner().invoke(args=["import-orders", str(path), *args])

    return run


@pytest.fixture
def rows_read(monkeypatch):
    """How many rows openpyxl handed out while a file was read."""
    count = [0]
    original = ReadOnlyWorksheet.iter_rows

    def counting(self, *args, **kwargs):
        for row in original(self, *args, **kwargs):
            count[0] += 1
            yield row

    monkeypatch.setattr(ReadOnlyWorksheet, "iter_rows", counting)
    return count


@pytest.fixture
def opened(monkeypatch):
    """The workbooks openpyxl was asked to open."""
    calls = []
    original = openpyxl.load_workbook

    def spy(*args, **kwargs):
        calls.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(openpyxl, "load_workbook", spy)
    return calls


def no_english_prefix(output: str) -> None:
    assert "Error" not in output and "Invalid value" not in output, output


# ---- size and row limits ----------------------------------------------------------


def test_a_zip_bomb_is_refused_before_it_is_opened(cli, app_ctx, opened):
    bomb = workbook(["工单号", "诉求内容", "诉求人"], ["x"], 3_000_000)
    assert len(bomb) < 1024 * 1024, "a few hundred kB that unpack to 3 million rows"
    before = case_count()
    result = cli(bomb)
    assert result.exit_code == 1
    assert "解压后超过" in result.output and "请拆分文件" in result.output, result.output
    no_english_prefix(result.output)
    assert opened == [], "refused from the zip's declared sizes, before openpyxl reads a row"
    assert case_count() == before


def test_the_page_refuses_a_zip_bomb_in_chinese(as_user, app_ctx, opened):
    bomb = workbook(["工单号", "诉求内容", "诉求人"], ["x"], 3_000_000)
    page = upload(as_user("coordinator"), bomb, "12345导出.xlsx")
    assert page.status_code == 200
    assert "解压后超过" in page.get_data(as_text=True) and opened == []


def test_reading_stops_one_row_past_the_limit(cli, app_ctx, rows_read):
    many = workbook(["工单号", "诉求内容", "诉求人"], ["GD1", "内容", "李先生"], 20_000)
    assert len(many) < 200 * 1024
    result = cli(many)
    assert result.exit_code == 1
    assert f"每次最多导入 {tables.MAX_ROWS} 件工单" in result.output, result.output
    no_english_prefix(result.output)
    assert rows_read[0] <= tables.MAX_ROWS + 2, f"read {rows_read[0]} rows of 20 001"


def test_a_million_blank_rows_are_not_walked(cli, app_ctx, rows_read):
    far = workbook(["工单号", "诉求内容", "诉求人"], ["GD1", "内容", "李先生"], 1,
                   tail=row_xml(["GD2", "内容", "王女士"], number=1_000_000))
    result = cli(far)
    assert result.exit_code == 1
    assert f"超过 {tables.MAX_SHEET_ROWS} 行" in result.output, result.output
    assert rows_read[0] <= tables.MAX_SHEET_ROWS + 1


def test_an_oversized_file_is_refused_unread_by_the_cli(cli, app_ctx, monkeypatch):
    monkeypatch.setattr(tables, "MAX_FILE_BYTES", 1024)
    result = cli(csv_bytes(*GOOD * 20), name="orders.csv")
    assert result.exit_code == 1
    assert "文件超过" in result.output and "请拆分" in result.output, result.output
    no_english_prefix(result.output)
    assert imported("GD2026030200001") is None


def test_a_csv_is_read_row_by_row_up_to_the_limit(cli, app_ctx, monkeypatch):
    pulled = [0]
    original = tables.csv.reader

    def counting(*args, **kwargs):
        for row in original(*args, **kwargs):
            pulled[0] += 1
            yield row

    monkeypatch.setattr(tables.csv, "reader", counting)
    result = cli(csv_bytes(*[GOOD[0]] * 6_000), name="orders.csv")
    assert result.exit_code == 1 and "每次最多导入" in result.output
    assert pulled[0] <= tables.MAX_ROWS + 2


# ---- columns come from the header row ------------------------------------------------


def test_a_stale_sheet_dimension_loses_no_row_or_column(cli, app_ctx):
    header = ["工单号", "诉求内容", "诉求人", "联系电话"]
    data = workbook(header, ["GD-DIM", "社保补缴", "李先生", "13800138000"], 3, dimension="A1:B2")
    result = cli(data)
    assert result.exit_code == 0, result.output
    assert "跳过 2 件" in result.output, "three rows read, the last two repeat the first"
    assert imported("GD-DIM").applicant_phone == "13800138000"


def test_a_short_first_row_does_not_cut_the_columns_of_the_next(cli, app_ctx):
    short = "GD2026030200009,12345热线,2026-03-02 09:12:00,社保补缴,社保补缴被告知回户籍地办理,李先生"
    result = cli(csv_bytes(short, GOOD[0]), name="orders.csv")
    assert result.exit_code == 0, result.output
    assert imported("GD2026030200009").applicant_phone is None
    assert imported("GD2026030200001").applicant_phone == "13800138000"
    assert imported("GD2026030200001").service_item is not None


def test_a_first_row_of_two_fields_is_a_row_problem_not_a_missing_column(cli, app_ctx):
    result = cli(csv_bytes("GD9,12345热线", GOOD[0]), name="orders.csv")
    assert result.exit_code == 1
    assert "缺少“来电人”列" not in result.output and "缺少“诉求内容”列" not in result.output, result.output
    assert "第 2 行“诉求内容”：此项为必填" in result.output
    no_english_prefix(result.output)
