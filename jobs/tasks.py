"""The Celery tasks: one that runs any recorded job, and the two of the `celery beat` schedule."""

from __future__ import annotations

import datetime as dt

from celery import shared_task

from models.job import JobKind


@shared_task(name="jobs.run_job", ignore_result=True)
def run_job(job_id: int) -> None:
    """Run the recorded job `job_id` (started from a page or a command)."""
    from jobs.runner import run

    run(job_id)


@shared_task(name="jobs.send_text_messages", ignore_result=True)
def send_text_messages() -> None:
    """Every minute: the queued text messages whose time has come (as `flask sms-send`), retries included."""
    from flask import current_app

    from sms.sender import send_due

    send_due(current_app.config)


@shared_task(name="jobs.daily_reminders", ignore_result=True)
def daily_reminders() -> None:
    """Every morning: due-soon and overdue reminders (as `flask remind`); expired jobs cleared."""
    from jobs.runner import run_scheduled

    run_scheduled(JobKind.REMINDERS, {})


def last_month(today: dt.date) -> str:
    """The month before `today`'s, as a period name: 2025-06 on any day of July 2025."""
    first = today.replace(day=1) - dt.timedelta(days=1)
    return f"{first.year}-{first.month:02d}"


@shared_task(name="jobs.monthly_evaluation", ignore_result=True)
def monthly_evaluation() -> None:
    """On the 1st of each month: 量化评价 of the month that just ended (as `flask evaluate --period`)."""
    from jobs.runner import run_scheduled
    from workdays import clock

    run_scheduled(JobKind.EVALUATION, {"period": last_month(clock.today())})
