"""Printable notices (.docx) in the layout of a Chinese official document:
督办通知单 for a supervision, 通报批评 for a criticism."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from flask import current_app

from console.formatting import long_date
from console.validators import without_control_characters
from models import Criticism, Supervision

ISSUER = "高新区、清城区政务服务中心"


def _document() -> Document:
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "FangSong"
    style.font.size = Pt(16)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "仿宋_GB2312")
    return doc


def _heading(doc: Document, text: str, size: int = 22, red: bool = False) -> None:
    paragraph = doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(_text(text))
    run.bold = True
    run.font.size = Pt(size)
    run.font.name = "SimHei"
    run.element.rPr.rFonts.set(qn("w:eastAsia"), "方正小标宋简体")
    if red:
        run.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)


def _text(text: str) -> str:
    # Records stored before control characters were refused must not make a document fail (XML forbids them).
    return without_control_characters(text or "")


def _paragraph(doc: Document, text: str) -> Any:
    return doc.add_paragraph(_text(text))


def _centered(doc: Document, text: str) -> None:
    paragraph = _paragraph(doc, text)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _body(doc: Document, lines: Iterable[str]) -> None:
    for line in lines:
        paragraph = _paragraph(doc, line)
        paragraph.paragraph_format.first_line_indent = Pt(32)


def _signature(doc: Document, issuer: str, date_text: str) -> None:
    for text in ("", issuer, date_text):
        paragraph = _paragraph(doc, text)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _bytes(doc: Document) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def supervision_notice(supervision: Supervision) -> bytes:
    """督办通知单 for one supervision."""
    case = supervision.case
    doc = _document()
    _heading(doc, "“办不成事”反映事项督办通知单", red=True)
    _centered(doc, f"督办编号：DB-{supervision.issued_at:%Y}-{supervision.id:04d}")
    _paragraph(doc, f"{supervision.department.name}：")
    _body(doc, [
        f"群众反映的“{case.title}”（事项编号 {case.number}）于{long_date(case.received_at.date())}受理，"
        f"已交办你单位办理。因{supervision.reason}，现予以{supervision.level.label}。",
        f"请于{long_date(supervision.deadline)}前将办理情况书面反馈区政务服务中心“办不成事”反映窗口。"
        f"逾期未反馈或落实不力的，将按规定予以通报批评。",
    ])
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in [
        ("事项编号", case.number), ("事项标题", case.title),
        ("受理时间", long_date(case.received_at.date())),
        ("办结时限", long_date(case.due_date) if case.due_date else ""),
        ("督办级别", str(supervision.level.label)), ("反馈期限", long_date(supervision.deadline)),
    ]:
        row = table.add_row().cells
        row[0].text, row[1].text = label, _text(value)
    _signature(doc, ISSUER, long_date(supervision.issued_at.date()))
    return _bytes(doc)


def criticism_document(criticism: Criticism) -> bytes:
    """通报批评 document with its 文号 and the cases behind it."""
    doc = _document()
    prefix = current_app.config.get("CRITICISM_NUMBER_PREFIX", "清城政数")
    _heading(doc, f"{prefix}文件", size=26, red=True)
    _centered(doc, criticism.number)
    _heading(doc, f"关于对{criticism.department.name}的通报批评", size=20)
    _paragraph(doc, "各有关单位：")
    lines = [
        f"根据《高新区、清城区政务服务大厅设立“办不成事”反映窗口工作实施方案（试行）》，"
        f"{criticism.department.name}对“办不成事”反映窗口交办事项存在{criticism.reason.label}的问题，"
        f"情节{criticism.severity.label}，现予以通报批评。",
    ]
    if criticism.cases:
        lines.append("涉及事项如下：")
        for i, case in enumerate(sorted(criticism.cases, key=lambda c: c.number), start=1):
            due = long_date(case.due_date) if case.due_date else "—"
            lines.append(f"{i}．{case.number}　{case.title}（受理日期 {long_date(case.received_at.date())}，"
                         f"办结时限 {due}）")
    if criticism.evaluation is not None:
        e = criticism.evaluation
        if e.score is None:
            lines.append(f"该单位 {e.period} 期内无交办事项，量化评价不参评。")
        else:
            lines.append(f"该单位 {e.period} 量化评价得分 {e.score}，等次为{e.grade.label}。")
    if criticism.content:
        lines.append(criticism.content)
    lines.append(f"请{criticism.department.name}于{long_date(criticism.rectify_deadline)}前完成整改，"
                 f"并将整改情况书面报送区政务服务中心。")
    if criticism.referred:
        lines.append("鉴于情形严重、影响恶劣、损害营商环境，已将有关情况报送纪检监察机关调查处理。")
    _body(doc, lines)
    _signature(doc, ISSUER, long_date(criticism.issued_at.date()))
    return _bytes(doc)
