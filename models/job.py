"""Background jobs (后台任务): exports, reports, evaluations, reminders, readable from any process."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column

from models.base import LabeledEnum, Model, enum_type
from workdays import clock

KEPT_FOR = dt.timedelta(days=1)
"""How long a finished job and its file are kept (an export is offered for download a day)."""


class JobKind(LabeledEnum):
    """What a job does."""

    EXPORT = "export", _l("Export")
    REPORT = "report", _l("Report")
    EVALUATION = "evaluation", _l("Evaluation")
    REMINDERS = "reminders", _l("Reminders")


class JobState(LabeledEnum):
    """Where a job stands; `done` and `failed` are final."""

    QUEUED = "queued", _l("Queued")
    RUNNING = "running", _l("Running")
    DONE = "done", _l("Done")
    FAILED = "failed", _l("Failed")


def _expiry() -> dt.datetime:
    return clock.now() + KEPT_FOR


class Job(Model):
    """One background job: who asked, with what, how far it got, and the file it produced.

    The row is the job's only state: every console process and every worker reads and writes the
    same row, so progress started on one gunicorn instance is seen from any other.
    """

    __tablename__ = "job"
    __table_args__ = (sa.Index("ix_job_user_origin", "user_id", "origin"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[JobKind] = mapped_column(enum_type(JobKind))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("ab_user.id", ondelete="CASCADE"))
    """Who asked; None for scheduled jobs (celery beat)."""
    origin: Mapped[str | None] = mapped_column(sa.String(200))
    """The page that started the job (e.g. /cases/list/), which shows its progress."""
    params: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    state: Mapped[JobState] = mapped_column(enum_type(JobState), default=JobState.QUEUED)
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    message: Mapped[str | None] = mapped_column(sa.String(300))
    """What the user reads: in Chinese, about the job's outcome."""
    result_path: Mapped[str | None] = mapped_column(sa.String(500))
    result_name: Mapped[str | None] = mapped_column(sa.String(200))
    """The produced file on disk, and the name it is downloaded under."""
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, default=clock.now)
    finished_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, default=_expiry, index=True)

    @property
    def percent(self) -> int:
        """Progress in whole percent (100 once done)."""
        if self.state == JobState.DONE:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0

    def __str__(self) -> str:
        return f"{self.kind.label} #{self.id}"
