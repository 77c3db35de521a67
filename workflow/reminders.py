"""Deadline reminders (`flask remind`, run daily by cron): due soon and overdue, idempotent."""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from collections import defaultdict
from dataclasses import dataclass, field
from email.message import EmailMessage

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext

from extensions import db
from models import Assignment, Case, Notification, StaffUser
from models.enums import OPEN_STATUSES, AssignmentStatus, SmsEvent
from models.notification import NotificationKind
from sms import outbox
from workdays import clock
from workdays.store import work_calendar
from workflow import notify

log = logging.getLogger(__name__)


@dataclass
class ReminderReport:
    """How many notifications a run wrote, and how many e-mails it sent."""

    due_soon: int = 0
    overdue: int = 0
    emails: int = 0
    recipients: set[int] = field(default_factory=set)


def run_reminders(today: dt.date | None = None) -> ReminderReport:
    """Notify departments and coordinators of deadlines within one working day or passed; a department
    due within one working day also gets a text message (即将超期) at its contact phone.

    Each (assignment or case, deadline, kind, user) is notified once, however often this runs.
    """
    today = today or clock.today()
    soon_limit = work_calendar().add_workdays(today, 1)
    report = ReminderReport()
    assignments = db.session.execute(
        sa.select(Assignment).join(Case).where(
            Assignment.status.in_([AssignmentStatus.PENDING, AssignmentStatus.SIGNED]),
            Case.status.in_(list(OPEN_STATUSES)), Case.suspended.is_(False),
            Assignment.deadline <= soon_limit)
    ).scalars().all()
    for a in assignments:
        if a.deadline < today:
            message = gettext("%(number)s is overdue for %(department)s (deadline %(due)s).",
                              number=a.case.number, department=a.department.name, due=a.deadline.isoformat())
            key = f"overdue:a{a.id}:{a.deadline.isoformat()}"
            report.overdue += notify.to_department(a.department_id, NotificationKind.OVERDUE, a.case, message, key)
            report.overdue += notify.to_coordinators(a.case, NotificationKind.OVERDUE, message, key)
        else:
            message = gettext("%(number)s is due %(due)s.", number=a.case.number, due=a.deadline.isoformat())
            key = f"due_soon:a{a.id}:{a.deadline.isoformat()}"
            report.due_soon += notify.to_department(a.department_id, NotificationKind.DUE_SOON, a.case, message, key)
            outbox.to_department(a.department, SmsEvent.DUE_SOON, key, a.case, deadline=a.deadline)
    unassigned = db.session.execute(
        sa.select(Case).where(Case.status.in_(list(OPEN_STATUSES)), Case.suspended.is_(False),
                              Case.lead_department_id.is_(None), Case.due_date <= soon_limit)
    ).scalars().all()
    for case in unassigned:
        kind = NotificationKind.OVERDUE if case.due_date < today else NotificationKind.DUE_SOON
        message = gettext("%(number)s is due %(due)s.", number=case.number, due=case.due_date.isoformat())
        sent = notify.to_coordinators(case, kind, message, f"{kind.value}:c{case.id}:{case.due_date.isoformat()}")
        if kind == NotificationKind.OVERDUE:
            report.overdue += sent
        else:
            report.due_soon += sent
    db.session.commit()
    if current_app.config.get("MAIL_SERVER"):
        report.emails = send_digests(today)
    return report


def send_digests(today: dt.date) -> int:
    """E-mail each user today's unread deadline notifications in one digest; return how many were sent."""
    start = dt.datetime.combine(today, dt.time())
    rows = db.session.execute(
        sa.select(Notification, StaffUser).join(StaffUser, Notification.user_id == StaffUser.id).where(
            Notification.read_at.is_(None), Notification.created_at >= start,
            Notification.kind.in_([NotificationKind.DUE_SOON, NotificationKind.OVERDUE]),
            StaffUser.email.is_not(None))
    ).all()
    by_user: dict[str, list[str]] = defaultdict(list)
    for notification, user in rows:
        by_user[user.email].append(notification.message)
    config = current_app.config
    sent = 0
    with smtplib.SMTP(config["MAIL_SERVER"], config.get("MAIL_PORT", 25), timeout=10) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD", ""))
        for address, messages in by_user.items():
            mail = EmailMessage()
            mail["Subject"] = gettext("Deadline reminders of %(day)s", day=today.isoformat())
            mail["From"] = config.get("MAIL_DEFAULT_SENDER", "banchengshi@localhost")
            mail["To"] = address
            mail.set_content("\n".join(messages))
            smtp.send_message(mail)
            sent += 1
    return sent
