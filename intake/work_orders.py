"""12345 / 粤省心 work orders into cases (`flask import-orders`, 导入工单 on the case list).

The platforms' exports name their columns in Chinese, with small differences
between them; `COLUMNS` maps each accepted header to a case field. Every row
is checked with the same rules as the case form; if any row is wrong nothing
is imported and the report says which row and why. A work order already
imported (same channel and 工单号) is skipped, so the same file can be
imported twice without duplicates. Each new case is registered through the
workflow: it gets its number, 受理 event, coordinator on duty and deadline.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext

from console.introspect import attribute
from console.validators import LINE_BREAKS, text_rule
from extensions import db
from intake.tables import Sheet, SheetRow, read_rows
from models import Case, ServiceItem
from models.enums import ApplicantKind, Channel
from workflow import duplicates
from workflow.registration import case_problems, register_case
from workflow.service import Actor

COLUMNS: dict[str, tuple[str, ...]] = {
    "external_ref": ("工单号", "工单编号", "工单编码"),
    "channel": ("来源渠道", "工单来源", "来源", "渠道"),
    "received_at": ("受理时间", "来电时间", "登记时间", "创建时间"),
    "title": ("诉求标题", "工单标题", "标题"),
    "description": ("诉求内容", "工单内容", "问题描述", "内容"),
    "applicant_name": ("诉求人", "来电人", "联系人", "姓名"),
    "applicant_phone": ("联系电话", "来电号码", "电话"),
    "applicant_id_number": ("身份证号", "证件号码"),
    "enterprise_name": ("企业名称", "单位名称"),
    "credit_code": ("统一社会信用代码", "信用代码"),
    "service_item": ("事项名称", "办理事项", "事项"),
}
"""Case field → the headers the 12345 and 粤省心 exports use for it, preferred first."""

REQUIRED = ("external_ref", "description", "applicant_name")
CHANNELS = {
    "12345": Channel.HOTLINE_12345, "12345热线": Channel.HOTLINE_12345,
    "12345政务服务便民热线": Channel.HOTLINE_12345, "粤省心": Channel.YUESHENGXIN,
    "粤省心平台": Channel.YUESHENGXIN, "粤省心热线": Channel.YUESHENGXIN,
}
DEFAULT_CHANNEL = Channel.HOTLINE_12345
"""A file without a channel column comes from the 12345 hotline platform."""
TITLE_LENGTH = 30
DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M",
                "%Y年%m月%d日 %H:%M", "%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日")


@dataclass
class ImportReport:
    """What an import found and did; `problems` non-empty means nothing was imported."""

    rows: int = 0
    created: list[str] = field(default_factory=list)
    """Numbers of the new cases (none on a dry run)."""
    ready: list[str] = field(default_factory=list)
    """工单号 of the work orders that are (or on a dry run, would be) imported."""
    skipped: list[str] = field(default_factory=list)
    """Messages for work orders already imported, or repeated in the file."""
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every row could be imported."""
        return not self.problems


def import_work_orders(data: bytes, filename: str, actor: Actor, *, dry_run: bool = False) -> ImportReport:
    """Check every row of the file and, unless `dry_run` or a row is wrong, register them all in one transaction."""
    report = ImportReport()
    sheet = read_rows(data, filename)
    report.rows = len(sheet.rows)
    headers = _header_map(sheet, report)
    if not report.ok:
        return report
    items = {item.name: item for item in db.session.execute(sa.select(ServiceItem)).scalars()}
    seen = _imported_refs()
    cases = []
    for row in sheet.rows:
        case = _case_of(row, headers, items, report)
        if case is None:
            continue
        key = (case.channel, case.external_ref)
        if key in seen:
            report.skipped.append(gettext("Row %(row)d: work order %(ref)s was already imported (%(where)s).",
                                          row=row.number, ref=case.external_ref, where=seen[key]))
            continue
        seen[key] = gettext("row %(row)d of this file", row=row.number)
        report.ready.append(case.external_ref)
        cases.append(case)
    if dry_run or not report.ok:
        db.session.rollback()
        return report
    with duplicates.batch(case.received_at for case in cases):  # one candidate index for the whole file
        for case in cases:
            register_case(case, actor, commit=False)
            report.created.append(case.number)
    db.session.commit()
    return report


def _header_map(sheet: Sheet, report: ImportReport) -> dict[str, str]:
    present = sheet.headers
    found = {}
    for name, aliases in COLUMNS.items():
        header = next((a for a in aliases if a in present), None)
        if header is not None:
            found[name] = header
    for name in REQUIRED:
        if name not in found:
            report.problems.append(gettext("The file has no column %(header)s (also accepted: %(aliases)s).",
                                           header=COLUMNS[name][0], aliases="、".join(COLUMNS[name][1:])))
    unused = [h for h in present if h not in found.values()]
    if unused:
        report.notes.append(gettext("Columns not imported: %(headers)s", headers="、".join(unused)))
    if not sheet.rows:
        report.notes.append(gettext("The file has a header row but no work orders."))
    return found


def _imported_refs() -> dict[tuple[Channel, str], str]:
    rows = db.session.execute(sa.select(Case.channel, Case.external_ref, Case.number)
                              .where(Case.external_ref.is_not(None)))
    return {(channel, ref): number for channel, ref, number in rows}


def _case_of(row: SheetRow, headers: dict[str, str], items: dict[str, ServiceItem],
             report: ImportReport) -> Case | None:
    raw = {name: row.cells.get(header) for name, header in headers.items()}
    problems: list[str] = []

    def wrong(name: str, message: Any) -> None:
        problems.append(gettext("Row %(row)d, column %(header)s: %(message)s",
                                row=row.number, header=headers.get(name, COLUMNS[name][0]), message=message))

    values: dict[str, Any] = {}
    for name in ("external_ref", "title", "description", "applicant_name", "applicant_phone",
                 "applicant_id_number", "enterprise_name", "credit_code"):
        text = "" if raw.get(name) is None else str(raw[name]).strip()
        if not attribute(Case, name).multiline:
            # A line break typed into a cell (Alt+Enter in Excel) means a space in a one-line field.
            text = LINE_BREAKS.sub(" ", text)
        if name in ("applicant_id_number", "credit_code"):
            text = text.upper()
        message = _text_problem(name, text)
        if message:
            wrong(name, message)
        values[name] = text or None
    for name in REQUIRED:
        if not values.get(name) and name in headers:
            wrong(name, gettext("This field is required."))
    values["channel"] = _channel(raw.get("channel"), wrong)
    values["received_at"] = _received_at(raw.get("received_at"), wrong)
    if values["description"] and not values["title"]:
        values["title"] = values["description"][:TITLE_LENGTH]
    item_name = str(raw.get("service_item") or "").strip()
    if item_name:
        item = items.get(item_name)
        if item is None:
            report.notes.append(gettext("Row %(row)d: service item %(name)s is not in the catalogue; left empty.",
                                        row=row.number, name=item_name))
        values["service_item"] = item
    enterprise = bool(values["enterprise_name"] or values["credit_code"])
    case = Case(applicant_kind=ApplicantKind.ENTERPRISE if enterprise else ApplicantKind.PERSON, **values)
    if not problems:
        for name, message in case_problems(case).items():
            wrong(name if name in COLUMNS else "received_at", message)
    if problems:
        report.problems.extend(problems)
        return None
    return case


def _text_problem(name: str, text: str) -> Any:
    declared = attribute(Case, name)
    if declared is None:
        return None
    length = getattr(declared.column.type, "length", None)
    if length and len(text) > length:
        return gettext("At most %(max)d characters.", max=length)
    for rule in (text_rule(declared.multiline), *declared.field.validators):
        message = rule(text)
        if message:
            return message
    return None


def _channel(value: Any, wrong: Any) -> Channel:
    text = str(value or "").strip()
    if not text:
        return DEFAULT_CHANNEL
    by_label = {str(c.label): c for c in Channel} | {c.value: c for c in Channel}
    channel = CHANNELS.get(text) or by_label.get(text)
    if channel is None:
        wrong("channel", gettext("Unknown channel %(value)s; use 12345热线 or 粤省心.", value=text))
        return DEFAULT_CHANNEL
    return channel


def _received_at(value: Any, wrong: Any) -> dt.datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None, microsecond=0)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(str(value).strip(), fmt)
        except ValueError:
            continue
    wrong("received_at", gettext("Not a date and time, e.g. 2026-03-02 09:30."))
    return None


def template_workbook() -> bytes:
    """An empty import sheet with the preferred header of every column and one sample row."""
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "工单"
    sheet.append([aliases[0] for aliases in COLUMNS.values()])
    sheet.append(["GD2026030200001", "12345热线", "2026-03-02 09:30", "社保补缴无法办理",
                  "市民反映社保补缴在窗口被告知需回户籍地办理。", "李先生", "13800138000", "", "", "", ""])
    for letter in "ABCDEFGHIJK":
        sheet.column_dimensions[letter].width = 20
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
