"""The guide card as the window prints it: title, the recurring question, the steps, the units with their
phone numbers, and where it is placed. One `CardSheet` feeds both the print page and the Word file.

Materials, addresses and opening hours are part of the card's text (the department record holds a phone,
not an address), so the text is printed as written, line by line.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from flask_babel import gettext

from console.validators import without_control_characters
from models import Department, GuideCard

ISSUER = "高新区、清城区政务服务中心"


@dataclass
class CardSheet:
    """What a printed guide card shows."""

    title: str
    question: str
    service_item: str | None
    lines: list[str]
    """The card's text (steps, materials, addresses), one paragraph per line."""
    units: list[tuple[str, str | None]] = field(default_factory=list)
    """(unit, phone) of the department concerned and the 事项's responsible department."""
    location: str | None = None


def _clean(text: str | None) -> str:
    # XML (and so .docx) forbids control characters; old records may hold some.
    return without_control_characters(text or "").strip()


def sheet(card: GuideCard) -> CardSheet:
    """The printed form of `card`."""
    units: list[Department] = []
    for unit in (card.department, card.service_item.department if card.service_item else None):
        if unit is not None and unit not in units:
            units.append(unit)
    return CardSheet(
        title=_clean(card.title), question=_clean(card.question),
        service_item=_clean(card.service_item.name) if card.service_item else None,
        lines=[line for line in (_clean(x) for x in (card.content or "").splitlines()) if line],
        units=[(_clean(u.name), _clean(u.contact_phone) or None) for u in units],
        location=_clean(card.location) or None)


def _run(paragraph: object, text: str, size: int, bold: bool = False, font: str = "FangSong",
         east_asia: str = "仿宋_GB2312") -> None:
    run = paragraph.add_run(text)  # type: ignore[attr-defined]
    run.bold = bold
    run.font.size = Pt(size)
    run.font.name = font
    run.element.rPr.rFonts.set(qn("w:eastAsia"), east_asia)


def docx_bytes(card: GuideCard) -> bytes:
    """The card as a one-page Word document for the help desk."""
    data = sheet(card)
    doc = Document()
    heading = doc.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(heading, data.title, 20, bold=True, font="SimHei", east_asia="黑体")
    for label, value in ((gettext("Recurring question"), data.question),
                         (gettext("Service item"), data.service_item)):
        if value:
            paragraph = doc.add_paragraph()
            _run(paragraph, f"{label}：", 12, bold=True)
            _run(paragraph, value, 12)
    _run(doc.add_paragraph(), gettext("How to get it done"), 14, bold=True, font="SimHei", east_asia="黑体")
    for line in data.lines:
        _run(doc.add_paragraph(), line, 12)
    if data.units:
        _run(doc.add_paragraph(), gettext("Units to contact"), 14, bold=True, font="SimHei", east_asia="黑体")
        for name, phone in data.units:
            _run(doc.add_paragraph(), f"{name}　{gettext('Phone')}：{phone}" if phone else name, 12)
    footer = doc.add_paragraph()
    footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _run(footer, f"{ISSUER}" + (f"　{data.location}" if data.location else ""), 10)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
