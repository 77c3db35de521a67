"""`/jobs/<id>`: a background job's progress as JSON, and `/jobs/<id>/download`: its file.

Only the user who asked sees either, for a day; anyone else, and anyone after that, gets 404 — the
same answer as for a job that never existed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import abort, g, jsonify, send_file
from flask_appbuilder import BaseView, expose
from flask_babel import gettext

from jobs import store
from jobs.exports import describe
from models.job import JobState
from views.auth import login_required


class JobView(BaseView):
    """A logged-in user's own background jobs."""

    route_base = "/jobs"
    default_view = "status"

    @expose("/<int:pk>")
    @login_required
    def status(self, pk: int) -> Any:
        """The job's state, percent and message (polled by static/console/jobs.js)."""
        job = store.owned(pk, g.user.id)
        if job is None:
            return jsonify(message=gettext("No such job, or it has expired.")), 404
        answer = describe(job)
        if job.state == JobState.DONE and job.result_path:
            answer["download_url"] = f"{self.route_base}/{job.id}/download"
        return jsonify(answer)

    @expose("/<int:pk>/download")
    @login_required
    def download(self, pk: int) -> Any:
        """The file the job produced, under its Chinese name."""
        job = store.owned(pk, g.user.id)
        if job is None or job.state != JobState.DONE or not job.result_path or not Path(job.result_path).exists():
            abort(404)
        response = send_file(job.result_path, as_attachment=True, download_name=job.result_name,
                             conditional=False)
        response.headers["Cache-Control"] = "no-store"  # exports carry citizens' (masked) personal data
        return response
