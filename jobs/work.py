"""What each kind of job does: `HANDLERS[kind](job) -> Outcome`.

A handler runs inside an application context (a worker's, or the console thread's), as the user who
asked (or the system account for scheduled jobs), reports progress through `jobs.store.advance`, and
returns what the user reads and the file to offer. Raising marks the job failed.
"""

from __future__ import annotations

import secrets
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from flask import current_app, g
from flask_babel import gettext

from extensions import db
from jobs import store
from models import Case
from models.job import Job, JobKind


@dataclass(frozen=True)
class Outcome:
    """A finished job: the message shown, and the file produced (path on disk, name to download as)."""

    message: str
    path: str | None = None
    name: str | None = None


def _list_view(name: str) -> Any:
    """The registered list screen whose class is called `name`."""
    for view in current_app.appbuilder.baseviews:
        if view.__class__.__name__ == name:
            return view
    raise LookupError(name)


@contextmanager
def as_requester(job: Job, query: str = "") -> Iterator[None]:
    """A request context of the job's page, logged in as the user who asked: the data scope, permissions and
    audit rows inside it are theirs, as when they asked."""
    from models.user import StaffUser

    user = db.session.get(StaffUser, job.user_id)
    environ = {"REMOTE_ADDR": job.params.get("ip") or ""}
    with current_app.test_request_context(job.origin or "/", query_string=query, environ_base=environ):
        g.user = g._login_user = user
        yield


def export(job: Job) -> Outcome:
    """The filtered list of a screen as .xlsx or .csv, read and written a chunk at a time.

    The list's filters (search, quick filter, drill-down, data scope of the user) are rebuilt from the
    stored query string in a request context of their own, so the file holds exactly the rows the list
    showed to the user when they asked; the export is then recorded in the 操作日志 under their name.
    """
    from access.audit import record
    from console.export import export_filename, write_export

    view = _list_view(job.params["view"])
    fmt = job.params["fmt"]
    query = job.params.get("query", "")
    with as_requester(job, query):
        order_column, order_direction = view.base_order or ("", "")
        keys = view.datamodel.ordered_keys(view.list_filters(), order_column, order_direction)
        store.advance(job.id, 0, len(keys))
        path = store.result_folder() / f"{job.id}-{secrets.token_hex(8)}.{fmt}"
        written = write_export(view, keys, fmt, str(path), full=bool(job.params.get("full")),
                               progress=lambda n: store.advance(job.id, n))
        record(db.session, "export", view.model.__name__, None, {
            "conditions": [None, query or gettext("All")], "file_format": [None, fmt],
            "row_count": [None, written]})
        db.session.commit()
    return Outcome(gettext("%(count)d rows exported.", count=written), str(path), export_filename(view, fmt))


def report(job: Job) -> Outcome:
    """The 月报/季报/年报 of `params["period"]` (or of the days `params["start"]`…`params["end"]`, as the
    工作台 chose them): its .docx and .xlsx in one .zip, within the data scope of the user who asked (as the
    工作台's immediate download), who must still hold 指标与图表; a scheduled one covers every department."""
    import datetime as dt

    from access.roles import KPI
    from access.scope import scope_condition
    from kpi.periods import named, span_between
    from kpi.report import build
    from kpi.report_files import docx_bytes, xlsx_bytes
    from workdays import clock

    params = job.params
    span = (span_between(dt.date.fromisoformat(params["start"]), dt.date.fromisoformat(params["end"]))
            if "start" in params else named(params["period"]))
    if job.user_id is None:  # scheduled, as `flask report`: the whole district
        built = build(span, clock.today())
    else:
        with as_requester(job):
            if not current_app.appbuilder.sm.has_access(KPI, "DashboardView"):
                raise PermissionError(f"user {job.user_id} no longer holds {KPI}")
            built = build(span, clock.today(), scope_condition(Case))
    path = store.result_folder() / f"{job.id}-{secrets.token_hex(8)}.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{built.file_stem}.docx", docx_bytes(built))
        archive.writestr(f"{built.file_stem}.xlsx", xlsx_bytes(built))
    return Outcome(gettext("The report of %(period)s is ready.", period=str(span.label)), str(path),
                   f"{built.file_stem}.zip")


def evaluation(job: Job) -> Outcome:
    """量化评价 of `params["period"]` for every department (as `flask evaluate`)."""
    from evaluation.compute import evaluate

    results = evaluate(job.params["period"])
    return Outcome(gettext("%(period)s: evaluations of %(count)d departments computed.",
                           period=job.params["period"], count=len(results)))


def reminders(job: Job) -> Outcome:
    """Due-soon and overdue notifications (as `flask remind`), and the expired jobs cleared away."""
    from workflow.reminders import run_reminders

    done = run_reminders()
    store.purge_expired()
    return Outcome(gettext("%(due_soon)d due-soon and %(overdue)d overdue reminders, %(emails)d e-mails.",
                           due_soon=done.due_soon, overdue=done.overdue, emails=done.emails))


HANDLERS: dict[JobKind, Callable[[Job], Outcome]] = {
    JobKind.EXPORT: export,
    JobKind.REPORT: report,
    JobKind.EVALUATION: evaluation,
    JobKind.REMINDERS: reminders,
}
"""Every kind of job and the function that does it."""
