"""Queueing text messages: one per (event, phone, kind), however often the event is replayed.

    queue_for_event(case_event)      # called by the workflow for every CaseEvent it writes
    queue(SmsEvent.DUE_SOON, "due_soon:a12:2026-03-09", phone, case, department=…, deadline=…)

The insert is `ON CONFLICT DO NOTHING` on the outbox's unique key, so a retried action, a replayed hook
or two workers racing each other leave exactly one message.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite

from extensions import db
from models import Case, CaseEvent, Department, SmsMessage, SmsTemplate
from models.enums import CaseAction, SmsEvent, SmsState
from workdays import clock

APPLICANT_EVENTS = {
    CaseAction.RECEIVE: SmsEvent.RECEIVED,
    CaseAction.RESOLVE: SmsEvent.RESOLVED,
    CaseAction.RESOLVE_ON_SPOT: SmsEvent.RESOLVED,
}
"""Workflow actions that tell the applicant by text message (a missed 回访 as well: see `queue_for_event`)."""


PLACEHOLDERS = {"number": "编号", "title": "标题", "deadline": "时限", "department": "部门",
                "center_phone": "咨询电话"}
"""Value name → the Chinese placeholder an admin writes in a template ({编号}); the English name works too."""


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def render(template: str, values: dict[str, Any]) -> str:
    """The template with its placeholders filled; unknown ones stay as written, a malformed one leaves it as is."""
    filled = {k: "" if v is None else v for k, v in values.items()}
    filled.update({PLACEHOLDERS[k]: v for k, v in filled.items() if k in PLACEHOLDERS})
    try:
        return template.format_map(_Blank(filled))
    except (ValueError, IndexError, AttributeError):
        return template


def _insert(row: dict) -> None:
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    db.session.execute(insert(SmsMessage).values(**row).on_conflict_do_nothing(
        index_elements=["event_key", "phone", "event"]))


def queue(event: SmsEvent, key: str, phone: str | None, case: Case | None, **values: Any) -> bool:
    """Queue the event's text for `phone` unless there is no phone, no active template, or it is queued already.

    Returns whether a message went into the outbox (False also for a repeat)."""
    if not phone:
        return False
    template = db.session.execute(
        sa.select(SmsTemplate).where(SmsTemplate.event == event, SmsTemplate.is_active.is_(True))).scalar_one_or_none()
    if template is None:
        return False
    deadline = values.pop("deadline", None) or (case.due_date if case is not None else None)
    text = render(template.text, {
        "number": case.number if case is not None else "", "title": case.title if case is not None else "",
        "deadline": deadline.isoformat() if isinstance(deadline, dt.date) else deadline,
        "center_phone": current_app.config.get("SMS_CENTER_PHONE", ""), **values})
    now = clock.now()
    before = db.session.execute(sa.select(sa.func.count()).select_from(SmsMessage).where(
        SmsMessage.event_key == key, SmsMessage.phone == phone, SmsMessage.event == event)).scalar_one()
    _insert({"event": event.value, "event_key": key, "phone": phone, "text": text[:500],
             "case_id": case.id if case is not None else None, "state": SmsState.QUEUED.value, "attempts": 0,
             "created_at": now, "next_try_at": now})
    return before == 0


def to_applicant(case: Case, event: SmsEvent, key: str, **values: Any) -> bool:
    """Queue for the applicant, unless they opted out (不接收短信)."""
    if case.sms_opt_out:
        return False
    return queue(event, key, case.applicant_phone, case, **values)


def to_department(department: Department | None, event: SmsEvent, key: str, case: Case, **values: Any) -> bool:
    """Queue for a handling department at its contact phone."""
    if department is None:
        return False
    return queue(event, key, department.contact_phone, case, department=department.name, **values)


def event_key(case_event: CaseEvent) -> str:
    """The outbox key of a workflow event."""
    return f"case_event:{case_event.id}"


def queue_for_event(case_event: CaseEvent) -> int:
    """Queue what a workflow event announces (受理, 办结, missed 回访 to the applicant; 交办, 督办 to the
    departments); return how many messages were queued. Safe to call again for the same event."""
    if case_event.id is None:
        db.session.flush()
    case, action, data, key = case_event.case, case_event.action, case_event.data or {}, event_key(case_event)
    if action in APPLICANT_EVENTS:
        return int(to_applicant(case, APPLICANT_EVENTS[action], key))
    if action == CaseAction.CALLBACK and data.get("reached") is False:
        return int(to_applicant(case, SmsEvent.CALLBACK, key))
    if action == CaseAction.ASSIGN:
        ids = [case_event.department_id, *data.get("co_department_ids", [])]
        return sum(to_department(db.session.get(Department, i), SmsEvent.ASSIGNED, key, case,
                                 deadline=case_event.deadline) for i in ids if i is not None)
    if action == CaseAction.SUPERVISE:
        return int(to_department(db.session.get(Department, case_event.department_id), SmsEvent.SUPERVISED, key,
                                 case, deadline=case_event.deadline))
    return 0
