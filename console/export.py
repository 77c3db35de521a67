"""Exports of a filtered list: Excel (.xlsx) and CSV, with the declared columns."""

from __future__ import annotations

import csv
import io
import re
from typing import Any
from urllib.parse import quote

from flask import Response
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from console.formatting import display
from console.introspect import names
from console.privacy import personal_fields
from console.validators import without_control_characters
from workdays import clock


def export_rows(view: Any, items: list[Any], full: bool = False) -> tuple[list[str], list[list[str]]]:
    """Header and rows of an export, formatted as on screen: personal data masked, or in `full`
    (only for console.disclosure's export, which asked why and logs it)."""
    columns = names(view.model, "export")
    unmasked = {a.name for a in personal_fields(view.model)} if full else set()
    header = [str(view.label_columns.get(c, c)) for c in columns]
    rows = []
    for item in items:
        row = []
        for col in columns:
            value = getattr(item, col)
            value = value() if callable(value) else value
            formatter = None if col in unmasked else view.formatters_columns.get(col)
            row.append(str(formatter(value)) if formatter else display(value))
        rows.append(row)
    return header, rows


def _safe_cell(text: str) -> str:
    # Control characters stored before they were refused (openpyxl raises on them, a lone
    # surrogate cannot be encoded) become U+FFFD instead of failing the whole export.
    text = without_control_characters(text)
    # Spreadsheet formula injection: a cell starting with = + - @ is shown, not run.
    if text[:1] in ("=", "+", "@", "\t", "\r") or (text[:1] == "-" and not _is_number(text)):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def export_response(view: Any, items: list[Any], fmt: str, full: bool = False) -> Response:
    """A download response of `items` in `fmt` ('xlsx' or 'csv'); `full`: see export_rows."""
    header, rows = export_rows(view, items, full)
    stamp = clock.now().strftime("%Y%m%d-%H%M")
    filename = f"{view.screen.route.strip('/')}-{stamp}.{fmt}"
    if fmt == "csv":
        buffer = io.StringIO()
        buffer.write("\ufeff")  # Excel opens UTF-8 CSV correctly only with a BOM
        writer = csv.writer(buffer)
        writer.writerow([_safe_cell(c) for c in header])
        writer.writerows([[_safe_cell(c) for c in row] for row in rows])
        data = buffer.getvalue().encode("utf-8")
        mimetype = "text/csv; charset=utf-8"
    else:
        book = Workbook(write_only=True)
        sheet = book.create_sheet(re.sub(r"[\[\]:*?/\\]", "、", str(view.screen.label))[:31])
        for i, title in enumerate(header, start=1):
            width = max([len(title) * 2] + [len(r[i - 1]) for r in rows[:200]]) + 2
            sheet.column_dimensions[get_column_letter(i)].width = min(width, 60)
        sheet.freeze_panes = "A2"
        sheet.append([_safe_cell(c) for c in header])
        for row in rows:
            sheet.append([_safe_cell(c) for c in row])
        out = io.BytesIO()
        book.save(out)
        data = out.getvalue()
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = Response(data, mimetype=mimetype)
    title = quote(f"{view.screen.label}-{stamp}.{fmt}")
    response.headers["Content-Disposition"] = f"attachment; filename={filename}; filename*=UTF-8''{title}"
    return response
