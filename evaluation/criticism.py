"""Issuing 通报批评 records with gap-free yearly 文号."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from flask import current_app
from flask_babel import gettext

from console.errors import ConflictError
from extensions import db
from models import Case, Criticism, Department, Evaluation
from models.counter import next_number
from workdays import clock
from workdays.store import work_calendar


def document_number(year: int, sequence: int) -> str:
    """清城政数〔2025〕3号 — the prefix is configuration (CRITICISM_NUMBER_PREFIX)."""
    prefix = current_app.config.get("CRITICISM_NUMBER_PREFIX", "清城政数")
    return f"{prefix}〔{year}〕{sequence}号"


def _issue(department: Department, cases: list[Case], evaluation: Evaluation | None, values: dict) -> Criticism:
    today = clock.today()
    sequence = next_number(db.session, "criticism", today.year)
    referred = bool(values.get("referred"))
    criticism = Criticism(
        number=document_number(today.year, sequence), year=today.year, sequence=sequence,
        department=department, evaluation=evaluation, cases=list(cases),
        reason=values["reason"], severity=values["severity"], content=values.get("content"),
        referred=referred, referred_at=today if referred else None,
        rectify_deadline=work_calendar().add_workdays(today, values["rectify_days"]), issued_at=clock.now(),
    )
    db.session.add(criticism)
    return criticism


def issue_for_cases(cases: list[Case], values: dict) -> list[Criticism]:
    """One criticism per lead department of the given overdue cases."""
    by_department: dict[int, list[Case]] = defaultdict(list)
    for case in cases:
        if case.lead_department_id is None:
            raise ConflictError(gettext("%(number)s has no lead department to criticize.", number=case.number))
        by_department[case.lead_department_id].append(case)
    return [_issue(db.session.get(Department, dept_id), group, None, values)
            for dept_id, group in by_department.items()]


def issue_for_evaluations(evaluations: list[Evaluation], values: dict) -> list[Criticism]:
    """One criticism per evaluation record (a department's poor period)."""
    return [_issue(e.department, [], e, values) for e in evaluations]


def issue_summary(criticisms: list[Any]) -> str:
    """A line naming the documents issued, for flash messages."""
    return "、".join(c.number for c in criticisms)
