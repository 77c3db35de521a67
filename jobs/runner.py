"""Starting a job, and running one: on a Celery worker when a broker is configured, else in a thread.

    job_id = start(JobKind.EXPORT, user.id, {"view": "CaseView", "fmt": "xlsx", "query": "…"}, origin="/cases/list/")

`start` commits the job row first, so whichever process runs it, and whichever console process the
user's next request reaches, finds it.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from flask import Flask, current_app
from flask_babel import gettext

from extensions import db
from jobs import store
from models.job import JobKind, JobState

log = logging.getLogger(__name__)


def start(kind: JobKind, user_id: int | None, params: dict[str, Any], origin: str | None = None) -> int:
    """Record a job and hand it to a worker (or a thread of this process); its id.

    Expired jobs and their files are cleared first, so that they go after a day even where no
    `celery beat` runs the daily clean-up (`flask demo`)."""
    store.purge_expired()
    job_id = store.create(kind, user_id, params, origin)
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if app.config.get("CELERY_BROKER_URL"):
        from jobs.tasks import run_job

        run_job.delay(job_id)
    else:
        # No broker (`flask demo`): run beside the request, so the page can show the progress.
        threading.Thread(target=_run_in_thread, args=(app, job_id), name=f"job-{job_id}", daemon=True).start()
    return job_id


def _run_in_thread(app: Flask, job_id: int) -> None:
    with app.app_context():
        try:
            run(job_id)
        finally:
            db.session.remove()


def run(job_id: int) -> None:
    """Do the queued job `job_id` now, in this process, as the user who asked (or the system account)."""
    from access.system import system_user
    from jobs.work import HANDLERS
    from models.base import acting_as

    job = store.get(job_id)
    if job is None or job.state != JobState.QUEUED:
        return  # already taken by another worker, or gone
    store.started(job_id)
    try:
        with acting_as(job.user_id or system_user().id):
            outcome = HANDLERS[job.kind](job)
    except Exception:
        log.exception("job %s (%s) failed", job_id, job.kind.value)
        store.fail(job_id, gettext("The job failed; try again later or ask the administrator."))
    else:
        store.finish(job_id, outcome.message, outcome.path, outcome.name)


def run_scheduled(kind: JobKind, params: dict[str, Any]) -> int:
    """A job of the beat schedule: recorded (as the system's) and done right here; its id."""
    job_id = store.create(kind, None, params)
    run(job_id)
    return job_id
