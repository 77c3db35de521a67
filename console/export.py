"""Exports of a filtered list: Excel (.xlsx) and CSV, with the declared columns.

`export_response` answers a request with the file at once; `write_export` writes a large export to disk a
chunk at a time for a background job (jobs/work.py). Both format rows the same way (`RowFormatter`) and
write .xlsx with `console.xlsx_stream`.
"""

from __future__ import annotations

import csv
import datetime as dt
import enum
import io
import re
from collections.abc import Callable, Iterator
from typing import IO, Any
from urllib.parse import quote

from flask import Response

from console.export_rows import Record, RecordReader
from console.formatting import display
from console.introspect import names
from console.privacy import personal_fields
from console.validators import without_control_characters
from console.xlsx_stream import XlsxStream
from workdays import clock

CHUNK_ROWS = 1000
"""Rows read, formatted and written at a time by `write_export`: its memory does not grow with the export."""


class RowFormatter:
    """The export's columns of one screen, formatted as on screen: personal data masked, or shown in `full`
    (only for console.disclosure's export, which asked why and logs it).

    Each column's way of turning a value into a cell is settled once per export (`_cell_of`), not per cell.
    """

    def __init__(self, view: Any, full: bool = False) -> None:
        self.columns = names(view.model, "export")
        unmasked = {a.name for a in personal_fields(view.model)} if full else set()
        self.header = [str(view.label_columns.get(c, c)) for c in self.columns]
        self._cells = [_cell_of(None if c in unmasked else view.formatters_columns.get(c)) for c in self.columns]

    def row(self, item: Any) -> list[str]:
        """One record (a model instance, or a console.export_rows.Record) as the export's cells."""
        values = item.values(self.columns) if isinstance(item, Record) else [
            value() if callable(value) else value for value in (getattr(item, c) for c in self.columns)]
        return [cell(value) for cell, value in zip(self._cells, values, strict=True)]


_DAYS = (dt.date, dt.datetime)
"""Values whose text (2025-06-30 09:15) cannot start a formula or hold a control character."""


def _cell_of(formatter: Callable[[Any], Any] | None) -> Callable[[Any], str]:
    """How one column's value becomes its cell: through the screen's `formatter`, else as `display` shows it."""
    # Labels (enums, 是/否, empty) repeat on every row and each costs a catalogue lookup: once per export.
    labels: dict[Any, str] = {}

    def cell(value: Any) -> str:
        if value is None or isinstance(value, (bool, enum.Enum)):
            if value not in labels:
                labels[value] = _safe_cell(str(formatter(value)) if formatter else display(value))
            return labels[value]
        if formatter:
            return _safe_cell(str(formatter(value)))
        if type(value) is str:
            return _safe_cell(value)
        if isinstance(value, _DAYS):
            return display(value)
        return _safe_cell(display(value))

    return cell


def export_rows(view: Any, items: list[Any], full: bool = False) -> tuple[list[str], list[list[str]]]:
    """Header and rows of an export, formatted as on screen (see RowFormatter)."""
    formatter = RowFormatter(view, full)
    return formatter.header, [formatter.row(item) for item in items]


def _safe_cell(text: str) -> str:
    # Control characters stored before they were refused (a spreadsheet refuses them, a lone
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


def export_filename(view: Any, fmt: str, stamp: str | None = None) -> str:
    """The name an export of `view` is downloaded under: 反映事项-20250630-0915.xlsx."""
    return f"{view.screen.label}-{stamp or clock.now().strftime('%Y%m%d-%H%M')}.{fmt}"


def _sheet(view: Any, target: str | IO[bytes], header: list[str], sample: list[list[str]]) -> XlsxStream:
    """A sheet named after the screen, its header row written, columns as wide as `sample` needs."""
    widths = [min(max([len(title) * 2] + [len(r[i]) for r in sample]) + 2, 60) for i, title in enumerate(header)]
    sheet = XlsxStream(target, re.sub(r"[\[\]:*?/\\]", "、", str(view.screen.label))[:31], widths)
    sheet.append([_safe_cell(c) for c in header])
    return sheet


def export_response(view: Any, items: list[Any], fmt: str, full: bool = False) -> Response:
    """A download response of `items` in `fmt` ('xlsx' or 'csv'); `full`: see RowFormatter."""
    header, rows = export_rows(view, items, full)
    stamp = clock.now().strftime("%Y%m%d-%H%M")
    filename = f"{view.screen.route.strip('/')}-{stamp}.{fmt}"
    if fmt == "csv":
        buffer = io.StringIO()
        buffer.write("\ufeff")  # Excel opens UTF-8 CSV correctly only with a BOM
        writer = csv.writer(buffer)
        writer.writerow([_safe_cell(c) for c in header])
        writer.writerows(rows)
        data = buffer.getvalue().encode("utf-8")
        mimetype = "text/csv; charset=utf-8"
    else:
        out = io.BytesIO()
        with _sheet(view, out, header, rows[:200]) as sheet:
            sheet.extend(rows)
        data = out.getvalue()
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = Response(data, mimetype=mimetype)
    title = quote(export_filename(view, fmt, stamp))
    response.headers["Content-Disposition"] = f"attachment; filename={filename}; filename*=UTF-8''{title}"
    return response


def write_export(view: Any, keys: list[int], fmt: str, path: str, full: bool = False,
                 progress: Callable[[int], None] | None = None) -> int:
    """Write the rows with primary keys `keys`, in that order, as `fmt` into the file `path`.

    Rows are loaded, formatted and written CHUNK_ROWS at a time, straight to disk; `progress(rows written)`
    is called after each chunk. Returns the number of rows written.
    """
    formatter = RowFormatter(view, full)
    chunks = _chunks(view, keys, formatter)
    written = 0
    if fmt == "csv":
        with open(path, "w", encoding="utf-8-sig", newline="") as out:  # Excel wants the BOM
            writer = csv.writer(out)
            writer.writerow([_safe_cell(c) for c in formatter.header])
            for rows in chunks:
                writer.writerows(rows)
                written += len(rows)
                if progress:
                    progress(written)
        return written
    first = next(chunks, [])
    with _sheet(view, path, formatter.header, first[:200]) as sheet:
        for rows in ([first] if first else []), chunks:
            for chunk in rows:
                sheet.extend(chunk)
                written += len(chunk)
                if progress:
                    progress(written)
    return written


def _chunks(view: Any, keys: list[int], formatter: RowFormatter) -> Iterator[list[list[str]]]:
    """The formatted rows of `keys`, CHUNK_ROWS at a time (each chunk's records are dropped after it)."""
    if RecordReader.suits(view.model, formatter.columns):
        reader = RecordReader(view.datamodel.session, view.model, formatter.columns)
        read: Callable[[list[int]], list[Any]] = reader.rows
    else:
        read = lambda chunk: view.datamodel.rows_by_keys(chunk, formatter.columns)  # noqa: E731
    for start in range(0, len(keys), CHUNK_ROWS):
        yield [formatter.row(item) for item in read(keys[start:start + CHUNK_ROWS])]
