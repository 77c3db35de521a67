"""Rows of an uploaded .xlsx or .csv sheet as dictionaries keyed by the header row."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext

from console.errors import ConsoleError

MAX_ROWS = 5000
"""One import holds at most this many work orders (a day's export is a few dozen)."""


@dataclass(frozen=True)
class SheetRow:
    """One data row: its 1-based row number in the sheet and its cells by header."""

    number: int
    cells: dict[str, Any]


def read_rows(data: bytes, filename: str) -> list[SheetRow]:
    """The data rows of an .xlsx or .csv file; ConsoleError when it cannot be read."""
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if suffix == "xlsx":
        rows = _xlsx_rows(data)
    elif suffix == "csv":
        rows = _csv_rows(data)
    else:
        raise ConsoleError(gettext("Only .xlsx and .csv files can be imported."))
    return _with_headers(rows)


def _xlsx_rows(data: bytes) -> Iterator[tuple[Any, ...]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    unreadable = (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        rows = list(book.worksheets[0].iter_rows(values_only=True))
        book.close()
    except unreadable as exc:
        raise ConsoleError(gettext("The file is not a readable Excel workbook (.xlsx).")) from exc
    yield from rows


def _csv_rows(data: bytes) -> Iterator[tuple[Any, ...]]:
    # Excel on Chinese Windows saves CSV in GB18030; the platforms export UTF-8 with a BOM.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ConsoleError(gettext("The CSV file is neither UTF-8 nor GB18030 encoded."))
    try:
        yield from (tuple(row) for row in csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise ConsoleError(gettext("The CSV file is malformed: %(reason)s", reason=str(exc))) from exc


def _with_headers(rows: Iterator[tuple[Any, ...]]) -> list[SheetRow]:
    headers: list[str] | None = None
    found: list[SheetRow] = []
    for number, row in enumerate(rows, start=1):
        values = [_clean(v) for v in row]
        if not any(v not in (None, "") for v in values):
            continue
        if headers is None:
            headers = [str(v or "").strip() for v in values]
            continue
        if len(found) >= MAX_ROWS:
            raise ConsoleError(gettext("At most %(max)d work orders per import; split the file.", max=MAX_ROWS))
        found.append(SheetRow(number, {h: v for h, v in zip(headers, values, strict=False) if h}))
    if headers is None:
        raise ConsoleError(gettext("The file is empty."))
    return found


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dt.datetime | dt.date | int | float) or value is None:
        return value
    return str(value)
