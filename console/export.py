"""Exports of a filtered list: Excel (.xlsx) and CSV, with the declared columns."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
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


def _export_layout(view: Any, full: bool) -> tuple[list[str], list[str], set[str]]:
    """The export's columns, their header labels, and the personal-data columns shown in full."""
    columns = names(view.model, "export")
    unmasked = {a.name for a in personal_fields(view.model)} if full else set()
    return columns, [str(view.label_columns.get(c, c)) for c in columns], unmasked


def _row(view: Any, item: Any, columns: list[str], unmasked: set[str]) -> list[str]:
    row = []
    for col in columns:
        value = getattr(item, col)
        value = value() if callable(value) else value
        formatter = None if col in unmasked else view.formatters_columns.get(col)
        row.append(str(formatter(value)) if formatter else display(value))
    return row


def export_rows(view: Any, items: list[Any], full: bool = False) -> tuple[list[str], list[list[str]]]:
    """Header and rows of an export, formatted as on screen: personal data masked, or in `full`
    (only for console.disclosure's export, which asked why and logs it)."""
    columns, header, unmasked = _export_layout(view, full)
    return header, [_row(view, item, columns, unmasked) for item in items]


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
        book, sheet = _workbook(view, header, rows[:200])
        for row in rows:
            sheet.append([_safe_cell(c) for c in row])
        out = io.BytesIO()
        book.save(out)
        data = out.getvalue()
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = Response(data, mimetype=mimetype)
    title = quote(export_filename(view, fmt, stamp))
    response.headers["Content-Disposition"] = f"attachment; filename={filename}; filename*=UTF-8''{title}"
    return response


def export_filename(view: Any, fmt: str, stamp: str | None = None) -> str:
    """The name an export of `view` is downloaded under: 反映事项-20250630-0915.xlsx."""
    return f"{view.screen.label}-{stamp or clock.now().strftime('%Y%m%d-%H%M')}.{fmt}"


def _workbook(view: Any, header: list[str], sample: list[list[str]]) -> tuple[Workbook, Any]:
    """A write-only workbook with the header row, columns as wide as `sample` needs."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(re.sub(r"[\[\]:*?/\\]", "、", str(view.screen.label))[:31])
    for i, title in enumerate(header, start=1):
        width = max([len(title) * 2] + [len(r[i - 1]) for r in sample]) + 2
        sheet.column_dimensions[get_column_letter(i)].width = min(width, 60)
    sheet.freeze_panes = "A2"
    sheet.append([_safe_cell(c) for c in header])
    return book, sheet


CHUNK_ROWS = 1000
"""Rows read, formatted and written at a time by `write_export`: its memory does not grow with the export."""


def write_export(view: Any, keys: list[int], fmt: str, path: str, full: bool = False,
                 progress: Callable[[int], None] | None = None, forget: Callable[[], None] | None = None) -> int:
    """Write the rows with primary keys `keys`, in that order, as `fmt` into the file `path`.

    Rows are loaded, formatted and written CHUNK_ROWS at a time (openpyxl's write-only sheet streams to
    disk); `progress(rows written)` is called after each chunk, `forget()` then lets the caller drop the
    chunk's objects from its session. Returns the number of rows written.
    """
    columns, header, unmasked = _export_layout(view, full)
    written = 0
    chunks = (keys[i:i + CHUNK_ROWS] for i in range(0, len(keys), CHUNK_ROWS))
    if fmt == "csv":
        with open(path, "w", encoding="utf-8-sig", newline="") as out:  # Excel wants the BOM
            writer = csv.writer(out)
            writer.writerow([_safe_cell(c) for c in header])
            for chunk in chunks:
                rows = [_row(view, item, columns, unmasked) for item in view.datamodel.rows_by_keys(chunk)]
                writer.writerows([[_safe_cell(c) for c in row] for row in rows])
                written += len(rows)
                _after_chunk(written, progress, forget)
        return written
    first = next(chunks, [])
    rows = [_row(view, item, columns, unmasked) for item in view.datamodel.rows_by_keys(first)] if first else []
    book, sheet = _workbook(view, header, rows[:200])
    while True:
        for row in rows:
            sheet.append([_safe_cell(c) for c in row])
        written += len(rows)
        _after_chunk(written, progress, forget)
        chunk = next(chunks, None)
        if chunk is None:
            break
        rows = [_row(view, item, columns, unmasked) for item in view.datamodel.rows_by_keys(chunk)]
    book.save(path)
    return written


def _after_chunk(written: int, progress: Callable[[int], None] | None, forget: Callable[[], None] | None) -> None:
    if forget:
        forget()
    if progress:
        progress(written)
