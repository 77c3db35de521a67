"""Rows of an uploaded .xlsx or .csv sheet as dictionaries keyed by the header row.

Uploads are untrusted: a few hundred kB of .xlsx can unpack to millions of
rows. The reader refuses a workbook whose parts declare more than
`MAX_UNPACKED_BYTES` before openpyxl opens it, then streams rows and stops at
the first row past the limit, so a refusal costs at most `MAX_ROWS` + 1 rows.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext

from console.errors import ConsoleError

MAX_ROWS = 5000
"""One import holds at most this many work orders (a day's export is a few dozen)."""
MAX_SHEET_ROWS = 2 * MAX_ROWS
"""Rows read at most, blank ones included: a stray cell a million rows down is not walked to."""
MAX_FILE_BYTES = 20 * 1024 * 1024
"""Largest file read at all (the command line's limit; the page's upload limit is lower)."""
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
"""Largest total an .xlsx may declare for its unpacked parts; 5000 work orders take a few MB."""


@dataclass(frozen=True)
class SheetRow:
    """One data row: its 1-based row number in the sheet and its cells by header."""

    number: int
    cells: dict[str, Any]


@dataclass(frozen=True)
class Sheet:
    """The header row's column names and the data rows under it."""

    headers: list[str]
    rows: list[SheetRow]


def check_file_size(size: int) -> None:
    """Refuse a file too large to read (before reading it, where the caller can)."""
    if size > MAX_FILE_BYTES:
        raise ConsoleError(gettext("The file is larger than %(mb)d MB; split it.", mb=MAX_FILE_BYTES // 2**20))


def read_rows(data: bytes, filename: str) -> Sheet:
    """The header and data rows of an .xlsx or .csv file; ConsoleError when it cannot or may not be read."""
    check_file_size(len(data))
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if suffix == "xlsx":
        rows = _xlsx_rows(data)
    elif suffix == "csv":
        rows = _csv_rows(data)
    else:
        raise ConsoleError(gettext("Only .xlsx and .csv files can be imported."))
    with contextlib.closing(rows):
        return _with_headers(rows)


_UNREADABLE = (zipfile.BadZipFile, zlib.error, KeyError, IndexError, OSError, EOFError, ValueError, TypeError,
               SyntaxError)
"""What openpyxl raises on a damaged workbook (XML parse errors are SyntaxErrors)."""


def _not_readable() -> ConsoleError:
    return ConsoleError(gettext("The file is not a readable Excel workbook (.xlsx)."))


def _check_unpacked_size(data: bytes) -> None:
    """Refuse a zip bomb from its directory; zipfile itself refuses a part longer than declared."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except _UNREADABLE as exc:
        raise _not_readable() from exc
    if unpacked > MAX_UNPACKED_BYTES:
        raise ConsoleError(gettext(
            "The workbook unpacks to more than %(mb)d MB, far more than %(max)d work orders; split the file.",
            mb=MAX_UNPACKED_BYTES // 2**20, max=MAX_ROWS))


def _xlsx_rows(data: bytes) -> Iterator[tuple[Any, ...]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    _check_unpacked_size(data)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, *_UNREADABLE) as exc:
        raise _not_readable() from exc
    try:
        try:
            sheet = book.worksheets[0]
            # The declared <dimension> may be stale or made up: trusting it drops rows and columns.
            sheet.reset_dimensions()
            rows = sheet.iter_rows(values_only=True)
        except (AttributeError, *_UNREADABLE) as exc:
            raise _not_readable() from exc
        while True:
            try:
                row = next(rows)
            except StopIteration:
                return
            except _UNREADABLE as exc:
                raise _not_readable() from exc
            yield row
    finally:
        book.close()


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


def _with_headers(rows: Iterator[tuple[Any, ...]]) -> Sheet:
    """The first non-blank row names the columns; every later row is read against it, however short."""
    headers: list[str] | None = None
    found: list[SheetRow] = []
    for number, row in enumerate(rows, start=1):
        if number > MAX_SHEET_ROWS:
            raise ConsoleError(gettext("The sheet has more than %(max)d rows, blank ones included; delete the "
                                       "blank rows or split the file.", max=MAX_SHEET_ROWS))
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
    return Sheet([h for h in headers if h], found)


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dt.datetime | dt.date | int | float) or value is None:
        return value
    return str(value)
