"""The job row: created, advanced, finished or failed, and read back — from any process.

Progress and outcome are written with plain UPDATE statements and committed at once, so a console
process polling the row sees them while the job runs elsewhere.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import current_app

from console.interface import valid_pk
from extensions import db
from models.job import Job, JobKind, JobState
from workdays import clock

log = logging.getLogger(__name__)


def create(kind: JobKind, user_id: int | None, params: dict[str, Any], origin: str | None = None,
           total: int = 0) -> int:
    """A queued job for `user_id` (None: scheduled), committed; its id."""
    job = Job(kind=kind, user_id=user_id, params=params, origin=origin, total=total, state=JobState.QUEUED)
    db.session.add(job)
    db.session.commit()
    return job.id


def _update(job_id: int, **values: Any) -> None:
    db.session.execute(sa.update(Job).where(Job.id == job_id).values(**values))
    db.session.commit()


def started(job_id: int) -> None:
    """The job began running."""
    _update(job_id, state=JobState.RUNNING)


def advance(job_id: int, done: int, total: int | None = None) -> None:
    """`done` of `total` units are finished (rows written, departments evaluated …)."""
    values: dict[str, Any] = {"done": done}
    if total is not None:
        values["total"] = total
    _update(job_id, **values)


def finish(job_id: int, message: str, path: str | None = None, name: str | None = None) -> None:
    """The job succeeded; `path` is the file it produced, downloaded as `name`."""
    _update(job_id, state=JobState.DONE, message=message[:300], result_path=path, result_name=name,
            finished_at=clock.now())


def fail(job_id: int, message: str) -> None:
    """The job failed; `message` says so in Chinese (the details are in the process's log)."""
    db.session.rollback()
    _update(job_id, state=JobState.FAILED, message=message[:300], finished_at=clock.now())


def get(job_id: int) -> Job | None:
    """The job, fresh from the database."""
    return db.session.execute(sa.select(Job).where(Job.id == job_id)
                              .execution_options(populate_existing=True)).scalar_one_or_none()


def owned(job_id: int, user_id: int) -> Job | None:
    """The job if `user_id` asked for it and it has not expired; None otherwise (another user's is unknown,
    and so is an id no row can have)."""
    job = get(job_id) if valid_pk(job_id) is not None else None
    if job is None or job.user_id != user_id or job.expires_at <= clock.now():
        return None
    return job


def recent(user_id: int, origin: str, limit: int = 3) -> list[Job]:
    """The user's unexpired jobs started from the page `origin`, newest first."""
    return list(db.session.execute(sa.select(Job).where(
        Job.user_id == user_id, Job.origin == origin, Job.expires_at > clock.now(),
    ).order_by(Job.id.desc()).limit(limit)).scalars())


def result_folder() -> Path:
    """Where job files are written (`JOB_FOLDER`, default instance/jobs/), created on first use."""
    folder = Path(current_app.config.get("JOB_FOLDER") or Path(current_app.instance_path) / "jobs")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def purge_expired() -> int:
    """Delete jobs past their expiry and their files; how many were removed."""
    expired = db.session.execute(sa.select(Job.id, Job.result_path).where(Job.expires_at <= clock.now())).all()
    for _id, path in expired:
        if path:
            Path(path).unlink(missing_ok=True)
    if expired:
        db.session.execute(sa.delete(Job).where(Job.id.in_([row.id for row in expired])))
        db.session.commit()
    return len(expired)
