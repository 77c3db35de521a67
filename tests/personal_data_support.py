"""A case carrying every kind of personal data, and readers for what each channel hands out."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile

import sqlalchemy as sa
from docx import Document
from openpyxl import load_workbook

from access.roles import ROLES
from extensions import db
from models import SCREEN_MODELS, AuditLog, Case, Criticism, Supervision
from models.base import acting_as
from models.enums import ApplicantKind, CaseStatus
from tests.workflow_support import act, case_in, sample_values, user

PHONE, ID_NUMBER, CREDIT_CODE = "13926671234", "441802198506120030", "91441802MA4W12345G"
"""The applicant's values in full: valid numbers, in no demo record."""
FULL = (PHONE, ID_NUMBER, CREDIT_CODE)
MASKED = {"applicant_phone": "139****1234", "applicant_id_number": "441802********0030",
          "credit_code": "9144**********345G"}
"""What every channel shows instead, spelled out here rather than computed by the code under test."""
ROLE_USERS = ("admin", "window", "coordinator", "handler_tax", "leader")
HOLDERS = ("admin", "window", "coordinator")
"""Demo accounts whose role holds 查看个人信息."""


def personal_case() -> Case:
    """An enterprise case with phone, ID number and credit code, assigned to 清城区税务局,
    supervised and named in a 通报批评 (so it is in notifications and documents too)."""
    case = case_in(CaseStatus.ASSIGNED, at=dt.datetime(2025, 9, 1, 9, 0))  # overdue by NOW, so it can be criticized
    with acting_as(user("window").id):
        case.applicant_kind, case.enterprise_name = ApplicantKind.ENTERPRISE, "清远市某某制造有限公司"
        case.applicant_phone, case.applicant_id_number, case.credit_code = FULL
        db.session.commit()
    act(case, "supervise", sample_values("supervise"))
    act(case, "criticize", sample_values("criticize"))
    return case


def documents_of(case: Case) -> list[str]:
    """URLs of the .docx documents that name the case."""
    supervision = db.session.execute(sa.select(Supervision).where(Supervision.case_id == case.id)).scalars().first()
    criticism = db.session.execute(sa.select(Criticism).order_by(Criticism.id.desc())).scalars().first()
    return [f"/supervisions/notice/{supervision.id}", f"/criticisms/document/{criticism.id}"]


def export_routes(username: str) -> list[str]:
    """The routes of every screen the user's role may export."""
    role = {"admin": None, "window": "窗口人员", "coordinator": "协调专员", "handler_tax": "承办人员",
            "leader": "领导"}[username]
    routes = []
    for model in SCREEN_MODELS:
        screen = model.__screen__
        may = screen.export if role is None else "can_export" in ROLES[role].get(f"{model.__name__}View", ())
        if may:
            routes.append(screen.route)
    return routes


def xlsx_text(data: bytes) -> str:
    """Every cell of every sheet, tab-separated."""
    book = load_workbook(io.BytesIO(data))
    return "\n".join("\t".join("" if c is None else str(c) for c in row)
                     for sheet in book.worksheets for row in sheet.iter_rows(values_only=True))


def xlsx_rows(data: bytes) -> list[dict[str, str]]:
    """The first sheet as dicts keyed by the header row."""
    rows = list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def csv_rows(data: bytes) -> list[dict[str, str]]:
    """A CSV export as dicts keyed by its header."""
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def docx_text(data: bytes) -> str:
    """The paragraphs and table cells of a .docx, and its raw XML (runs may split a number)."""
    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    parts += [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts.append(archive.read("word/document.xml").decode("utf-8"))
    return "\n".join(parts)


def audit_rows(operation: str) -> list[AuditLog]:
    """Audit rows of one operation, oldest first."""
    db.session.expire_all()
    return list(db.session.execute(sa.select(AuditLog).where(AuditLog.operation == operation)
                                   .order_by(AuditLog.id)).scalars())


def assert_no_full_value(text: str, where: str) -> None:
    """None of the applicant's full values is in `text`."""
    for value in FULL:
        assert value not in text, f"{value} in {where}"
