"""Sending the outbox: the background job's body, with retries and backoff; each message at most once.

    report = send_due(current_app.config)   # `flask sms-send`, or a scheduled job, calls this

A message is claimed (queued → sending) by one UPDATE before the provider sees it, so two workers never
send it twice. A refusal puts it back in the queue after SMS_RETRY_SECONDS × 2^(attempts − 1); after
SMS_MAX_ATTEMPTS it is marked failed with the last error.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from extensions import db
from models import SmsMessage
from models.enums import SmsState
from sms.providers import SmsError, SmsProvider, load_provider
from workdays import clock


@dataclass
class SendReport:
    """What one run did."""

    sent: int = 0
    kept: int = 0
    """Accepted by a provider that delivers nothing (the outbox)."""
    retrying: int = 0
    failed: int = 0


def backoff(config: Mapping[str, Any], attempts: int) -> dt.timedelta:
    """The wait after the `attempts`-th failed try: doubling from SMS_RETRY_SECONDS."""
    return dt.timedelta(seconds=int(config.get("SMS_RETRY_SECONDS", 60)) * 2 ** max(attempts - 1, 0))


def _claim(message_id: int) -> bool:
    claimed = db.session.execute(sa.update(SmsMessage).where(
        SmsMessage.id == message_id, SmsMessage.state == SmsState.QUEUED).values(state=SmsState.SENDING))
    db.session.commit()
    return claimed.rowcount == 1


def send_one(message: SmsMessage, provider: SmsProvider, config: Mapping[str, Any], report: SendReport) -> None:
    """Try one claimed message and record the outcome."""
    now = clock.now()
    message.attempts += 1
    try:
        provider.send(message.phone, message.text)
    except SmsError as exc:
        message.last_error = str(exc)[:300]
        if message.attempts >= int(config.get("SMS_MAX_ATTEMPTS", 5)):
            message.state = SmsState.FAILED
            report.failed += 1
        else:
            message.state, message.next_try_at = SmsState.QUEUED, now + backoff(config, message.attempts)
            report.retrying += 1
    else:
        message.sent_at, message.last_error = now, None
        message.state = SmsState.SENT if provider.delivers else SmsState.OUTBOX
        if provider.delivers:
            report.sent += 1
        else:
            report.kept += 1
    db.session.commit()


def send_due(config: Mapping[str, Any], provider: SmsProvider | None = None, limit: int = 500) -> SendReport:
    """Send the queued messages whose time has come (oldest first); a plain function a job can call."""
    provider = provider or load_provider(config)
    report = SendReport()
    due = db.session.execute(sa.select(SmsMessage.id).where(
        SmsMessage.state == SmsState.QUEUED, SmsMessage.next_try_at <= clock.now())
        .order_by(SmsMessage.id).limit(limit)).scalars().all()
    for message_id in due:
        if _claim(message_id):
            send_one(db.session.get(SmsMessage, message_id), provider, config, report)
    return report
