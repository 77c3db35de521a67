"""A report (kpi.report) as a Word document for print and an Excel workbook for further work."""

from __future__ import annotations

import io
import re
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from flask_babel import gettext
from openpyxl import Workbook
from openpyxl.styles import Font

from kpi.report import ISSUER, Rate, Report, Table

SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def shown(value: Any) -> str:
    """A cell as printed: a share as 80.0%, nothing as —."""
    if value is None:
        return "—"
    if isinstance(value, Rate):
        return f"{value * 100:.1f}%"
    return str(value)


def _fonts(doc: Any) -> None:
    style = doc.styles["Normal"]
    style.font.name = "FangSong"
    style.font.size = Pt(12)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "仿宋_GB2312")


def _heading(doc: Any, text: str, size: int) -> None:
    paragraph = doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(text)
    run.bold = True
    run.font.size = Pt(size)
    run.font.name = "SimHei"
    run.element.rPr.rFonts.set(qn("w:eastAsia"), "黑体")


def _table(doc: Any, number: int, table: Table) -> None:
    title = doc.add_paragraph()
    run = title.add_run(f"{number}. {table.title}")
    run.bold = True
    grid = doc.add_table(rows=1, cols=len(table.header))
    grid.style = "Table Grid"
    for cell, text in zip(grid.rows[0].cells, table.header, strict=True):
        cell.text = text
    for row in table.rows:
        for cell, value in zip(grid.add_row().cells, row, strict=True):
            cell.text = shown(value)
    if table.note:
        doc.add_paragraph(table.note).runs[0].font.size = Pt(10)


def docx_bytes(report: Report) -> bytes:
    """The report as an A4 Word document: title, period, each table, the published definitions."""
    doc = Document()
    _fonts(doc)
    _heading(doc, report.title, 18)
    line = doc.add_paragraph(f"{ISSUER}　{report.generated.year}年{report.generated.month}月{report.generated.day}日")
    line.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for number, table in enumerate(report.tables, start=1):
        _table(doc, number, table)
    doc.add_paragraph().add_run(gettext("How the figures are counted")).bold = True
    doc.add_paragraph(gettext("Every figure counts the cases received in the period as they stand today; voided "
                              "cases and merged duplicates are never counted. A number opens the list of the cases it "
                              "counts."))
    for label, definition in report.definitions:
        paragraph = doc.add_paragraph()
        paragraph.add_run(f"{label}：").bold = True
        paragraph.add_run(definition)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _sheet_title(title: str, taken: set[str]) -> str:
    base = SHEET_FORBIDDEN.sub("", title.split("（", 1)[0])[:28] or "表"
    name, n = base, 2
    while name in taken:
        name, n = f"{base}{n}", n + 1
    taken.add(name)
    return name


def xlsx_bytes(report: Report) -> bytes:
    """The report as a workbook: one sheet per table, numbers as numbers, shares formatted as percentages."""
    book = Workbook()
    book.remove(book.active)
    taken: set[str] = set()
    for table in report.tables:
        sheet = book.create_sheet(_sheet_title(table.title, taken))
        sheet.append(table.header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append([float(v) if isinstance(v, Rate) else v for v in row])
            for cell, value in zip(sheet[sheet.max_row], row, strict=True):
                if isinstance(value, Rate):
                    cell.number_format = "0.0%"
        sheet.column_dimensions["A"].width = 28
        if table.note:
            sheet.append([])
            sheet.append([table.note])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
