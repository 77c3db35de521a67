"""A one-sheet .xlsx written row by row straight into its zip: the exports' Excel writer.

openpyxl's write-only mode builds a cell object per value and needs about 35 s of CPU for 100 000 rows of
45 columns; the background export is promised in 10 s. Every export cell is text, so the sheet is written
here as inline strings (no shared-string table to hold in memory), with the header row frozen and the
column widths set. openpyxl still reads these files (the tests do), and Excel and WPS open them.

    with XlsxStream(path, "反映事项", widths=[12, 40]) as sheet:
        sheet.append(["事项编号", "标题"])
        sheet.append(["BBC-2025-0001", "社保补缴"])
"""

from __future__ import annotations

import re
import zipfile
from types import TracebackType
from typing import IO
from xml.sax.saxutils import escape, quoteattr

_NOT_XML = re.compile("[\ufffe\uffff]")
"""Characters XML 1.0 cannot carry at all (control characters are replaced before, see console.export)."""

_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        '</Types>'),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>'),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        'Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
        'Target="styles.xml"/></Relationships>'),
    "xl/styles.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        '</styleSheet>'),
}


def _workbook(title: str) -> str:
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f'<sheets><sheet name={quoteattr(title)} sheetId="1" r:id="rId1"/></sheets></workbook>')


_OPEN, _CLOSE = '<c t="inlineStr"><is><t xml:space="preserve">', "</t></is></c>"
_CELL, _ROW = "\x00", "\x01"
"""Stand-ins between cells and rows while a batch is escaped in one go: the cells hold no control characters."""


def _rows_xml(rows: list[list[str]]) -> str:
    text = _ROW.join(_CELL.join(row) for row in rows)
    text = escape(_NOT_XML.sub("", text))
    if not rows:
        return ""
    text = "<row>" + _OPEN + text.replace(_CELL, _CLOSE + _OPEN).replace(_ROW, _CLOSE + "</row><row>" + _OPEN)
    return (text + _CLOSE + "</row>").replace(_OPEN + _CLOSE, "<c/>")  # an empty cell is no value, as in Excel


class XlsxStream:
    """One sheet of text cells, the first row frozen; rows go to disk as they are appended."""

    def __init__(self, target: str | IO[bytes], title: str, widths: list[float]) -> None:
        self._zip = zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1)
        for name, content in _PARTS.items():
            self._zip.writestr(name, content)
        self._zip.writestr("xl/workbook.xml", _workbook(title))
        self._sheet = self._zip.open("xl/worksheets/sheet1.xml", "w", force_zip64=True)
        cols = "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>' for i, w in enumerate(widths, 1))
        self._write(
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            '<sheetViews><sheetView workbookViewId="0">'
            '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
            '</sheetView></sheetViews>'
            f'{"<cols>" + cols + "</cols>" if cols else ""}<sheetData>')

    def _write(self, text: str) -> None:
        self._sheet.write(text.encode("utf-8"))

    def append(self, row: list[str]) -> None:
        """Add one row of text cells (none may hold a control character: see console.export)."""
        self.extend([row])

    def extend(self, rows: list[list[str]]) -> None:
        """Add several rows at once."""
        self._write(_rows_xml(rows))

    def close(self) -> None:
        """Finish the sheet and the file."""
        self._write("</sheetData></worksheet>")
        self._sheet.close()
        self._zip.close()

    def __enter__(self) -> XlsxStream:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()
