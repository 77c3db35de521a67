"""Background exports as the console's list screens see them (installed as `app.extensions["export_jobs"]`).

The console's generated views sit below this package and do not import it: create_app hands them this
object, and they call it with plain values taken from their request.
"""

from __future__ import annotations

from typing import Any

from jobs import runner, store
from models.job import Job, JobKind


class ExportJobs:
    """Start an export job for a list, and find the user's recent ones for that list's page."""

    def start(self, view_name: str, fmt: str, user_id: int, query: str, ip: str | None, origin: str,
              full: bool = False) -> int:
        """Export the list `view_name` filtered by `query` (its URL query string) as `fmt`; the job's id."""
        return runner.start(JobKind.EXPORT, user_id, {"view": view_name, "fmt": fmt, "query": query, "ip": ip,
                                                      "full": full}, origin=origin)

    def recent(self, user_id: int, origin: str) -> list[Job]:
        """The user's unexpired jobs started from the page `origin`, newest first."""
        return store.recent(user_id, origin)

    def describe(self, job: Job) -> dict[str, Any]:
        """What the page shows of a job (and the JSON the page polls)."""
        return describe(job)


def describe(job: Job) -> dict[str, Any]:
    """A job as the page shows it: state, percent, rows done of total, the Chinese message."""
    return {"id": job.id, "kind": job.kind.value, "kind_label": str(job.kind.label), "state": job.state.value,
            "state_label": str(job.state.label), "percent": job.percent, "done": job.done, "total": job.total,
            "message": job.message or "", "finished": job.state.value in ("done", "failed"),
            "file": job.result_name if job.result_path else None}


def remember_jobs_at_login(app: Any) -> None:
    """At each login, note in the new session whether the user has unexpired jobs (started in another session
    or on another instance), so that list pages show their progress bars and otherwise spend no statement."""
    from flask import session
    from flask_login import user_logged_in

    from console.modelview import STARTED_JOBS
    from extensions import db
    from workdays import clock

    def remember(_sender: Any, user: Any) -> None:
        if db.session.query(Job.id).filter(Job.user_id == user.id, Job.expires_at > clock.now()).first():
            session[STARTED_JOBS] = True

    user_logged_in.connect(remember, app, weak=False)
