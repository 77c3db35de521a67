"""Demo criticisms and the evaluations of 2021–2025, so leaders meet real screens."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from evaluation.compute import evaluate
from evaluation.criticism import issue_for_cases
from extensions import db
from models import Case, Criticism, Department
from models.enums import CriticismReason, Severity
from seed import district as D
from workdays import clock

CRITICISMS = [
    # (when, department, reason, severity, referred, rectify days, rectified on, content)
    (dt.datetime(2021, 11, 15, 10), D.MEDICAL, CriticismReason.OVERDUE, Severity.GENERAL, False, 10,
     dt.date(2021, 11, 26), "异地就医备案事项多次超过办结时限，未及时反馈办理情况。"),
    (dt.datetime(2025, 10, 20, 10), D.SOCIAL, CriticismReason.NEGLECT, Severity.SERIOUS, True, 15, None,
     "养老保险待遇申领事项交办后长期未办结，经重点督办仍未反馈，影响恶劣。"),
]


def _cases_of(department: Department, before: dt.datetime) -> list[Case]:
    return list(db.session.execute(sa.select(Case).where(
        Case.lead_department_id == department.id, Case.received_at < before)
        .order_by(Case.received_at.desc()).limit(2)).scalars())


def seed_criticisms() -> int:
    """Issue the demo criticisms that do not exist yet; return how many were issued."""
    issued = 0
    for when, name, reason, severity, referred, days, rectified, content in CRITICISMS:
        department = db.session.execute(sa.select(Department).where(Department.name == name)).scalar_one()
        exists = db.session.execute(sa.select(Criticism.id).where(
            Criticism.department_id == department.id, Criticism.year == when.year)).first()
        if exists:
            continue
        with clock.frozen_at(when):
            [criticism] = issue_for_cases(_cases_of(department, when), {
                "reason": reason, "severity": severity, "referred": referred, "rectify_days": days,
                "content": content})
            if rectified:
                criticism.rectified_at = rectified
                criticism.rectify_feedback = "已组织专题整改，完善限时办结和内部督办机制。"
        db.session.commit()
        issued += 1
    return issued


def seed_evaluations() -> int:
    """Compute the yearly and quarterly evaluations of 2021–2025; return how many records exist."""
    total = 0
    for year in range(2021, 2026):
        total += len(evaluate(str(year)))
        for quarter in range(1, 5):
            total += len(evaluate(f"{year}Q{quarter}"))
    return total
