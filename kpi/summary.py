"""Writing the dashboard's summary (models/case_summary.py): always one INSERT … SELECT … GROUP BY.

    install_summary_refresh(db.session)      # app start: every commit recounts the days it touched
    rebuild(connection)                      # seed-bulk's end, `flask summary-rebuild`, migration 0014

A commit that changed a case, or a verdict, 督办, 通报批评 or assignment of one, recounts the days of receipt of
those cases in the same transaction (`refresh_days`): their rows are deleted and counted again from the cases.
Recounting rather than adding deltas keeps the rows exact whatever the change was (a workflow action, a correction,
a merged duplicate). Two transactions recounting the same day take turns (a per-day advisory lock on PostgreSQL,
the database's write lock on SQLite), and the later one counts after the earlier has committed.

The counters use the KPIs' own building blocks (kpi.definitions, kpi.facts), so they mean what the KPIs mean.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from itertools import chain
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from console.sql import day_of
from extensions import db
from kpi.definitions import counted, declined, resolved, resolved_on_time, responded, responded_on_time
from kpi.dimensions import NONE
from kpi.facts import Facts, JoinedFacts
from models import Assignment, Case, CaseSummary, Criticism, Satisfaction, Supervision
from models.case import running_condition
from models.case_summary import COUNTERS
from models.enums import AssignmentStatus

CHART_DIMENSIONS = {
    "status": Case.status, "problem_type": Case.problem_type, "track": Case.track, "disposition": Case.disposition,
    "level": Case.level, "channel": Case.channel, "lead_department": Case.lead_department_id,
    "root_cause": Case.root_cause_id, "forwarded_department": Case.forwarded_department_id,
    "service_item": Case.service_item_id,
}
"""Dimension name (kpi.dimensions) → the column its rows group by."""
CHANGED_DAYS = "case_summary_days"
"""session.info key: the days of receipt this transaction changed."""
LOCK_CLASS = 1_405_014
"""First key of the per-day advisory locks (PostgreSQL); the second is the day's ordinal."""


def _flags(one_day: bool, joined: bool) -> Any:
    """One row per counted case (received from :start to before :end when `one_day`): its groupings and 0/1 flags.

    `joined`: the verdicts, 督办 and 通报批评 as joined aggregates (a full rebuild on PostgreSQL), else per-case
    EXISTS (a day's few cases, or SQLite).
    """
    where = [counted()]
    if one_day:
        where += [Case.received_at >= sa.bindparam("start", type_=sa.DateTime),
                  Case.received_at < sa.bindparam("end", type_=sa.DateTime)]
    facts = JoinedFacts(dt.date.min, where) if joined else Facts(dt.date.min)
    finished = sa.and_(resolved(), sa.not_(declined()))

    def flag(condition: Any) -> Any:
        return sa.case((condition, 1), else_=0)

    flags = {
        "cases": sa.literal(1),
        "responded": flag(responded()),
        "responded_on_time": flag(responded_on_time()),
        "resolved": flag(finished),
        "resolved_on_time": flag(sa.and_(resolved_on_time(), sa.not_(declined()))),
        "evaluated": flag(facts.evaluated()),
        "satisfied": flag(sa.and_(facts.evaluated(), facts.satisfied())),
        "reopened": flag(sa.and_(facts.evaluated(), Case.reopen_count > 0)),
        "supervised": flag(facts.supervised()),
        "criticized": flag(facts.criticized()),
    }
    columns = [Case.id.label("id"), day_of(Case.received_at).label("received_on"),
               *[sa.func.coalesce(sa.cast(column, sa.String), NONE).label(name)
                 for name, column in CHART_DIMENSIONS.items()],
               sa.case((sa.and_(sa.not_(declined()), sa.not_(resolved()), running_condition()), Case.due_date))
               .label("running_due"),
               sa.case((sa.not_(responded()), Case.response_due)).label("answer_due"),
               sa.case((finished, day_of(Case.resolved_at))).label("finished_on"),
               *[expr.label(name) for name, expr in flags.items()]]
    return facts.joined(sa.select(*columns).select_from(Case)).where(*where).cte("flags")


def _grouped(flags: Any, dimension: str, value: Any, marked: Any = None, where: Any = None) -> Any:
    """The rows of one dimension: the flags summed per day and value (and marked day)."""
    keys = [flags.c.received_on, value] + ([marked] if marked is not None else [])
    # typed NULLs: PostgreSQL types the columns of a UNION from its first SELECT
    query = sa.select(flags.c.received_on, sa.literal(dimension), value, sa.cast(sa.null(), sa.Integer),
                      marked if marked is not None else sa.cast(sa.null(), sa.Date),
                      *[sa.func.sum(flags.c[name]) for name in COUNTERS]).group_by(*keys)
    return query.where(where) if where is not None else query


@functools.cache
def _statements(one_day: bool, joined: bool) -> tuple[Any, Any]:
    """The two INSERT … SELECTs that count cases into the summary, built once (see `_flags` for the arguments)."""
    flags = _flags(one_day, joined)
    table = CaseSummary.__table__
    target = ["received_on", "dimension", "value", "department_id", "marked_on", *COUNTERS]
    parts = [_grouped(flags, "all", sa.literal(""))]
    parts += [_grouped(flags, name, flags.c[name]) for name in CHART_DIMENSIONS]
    parts += [
        _grouped(flags, "running", flags.c.lead_department, flags.c.running_due, flags.c.running_due.is_not(None)),
        _grouped(flags, "unanswered", sa.literal(""), flags.c.answer_due, flags.c.answer_due.is_not(None)),
        _grouped(flags, "finished", sa.literal(""), flags.c.finished_on, flags.c.finished_on.is_not(None)),
    ]
    counters = table.insert().from_select(target, sa.union_all(*parts))
    # A 承办人员's trend: the cases assigned to the department (any assignment not withdrawn), by status.
    pairs = (sa.select(Assignment.department_id, flags.c.received_on, flags.c.status, flags.c.id)
             .join(flags, flags.c.id == Assignment.case_id)
             .where(Assignment.status != AssignmentStatus.WITHDRAWN).distinct().subquery("pairs"))
    departments = table.insert().from_select(
        ["received_on", "dimension", "value", "department_id", "cases"],
        sa.select(pairs.c.received_on, sa.literal("status"), pairs.c.status, pairs.c.department_id, sa.func.count())
        .group_by(pairs.c.received_on, pairs.c.status, pairs.c.department_id))
    return counters, departments


def _fill(connection: sa.Connection, day: dt.date | None) -> None:
    """Count the cases received on `day` (all when None) into the summary, which holds no rows of them."""
    joined = day is None and connection.dialect.name != "sqlite"
    params = {} if day is None else {"start": dt.datetime.combine(day, dt.time()),
                                     "end": dt.datetime.combine(day + dt.timedelta(days=1), dt.time())}
    for statement in _statements(day is not None, joined):
        connection.execute(statement, params)


def rebuild(connection: sa.Connection) -> int:
    """Count the whole summary again from the cases (repair, after bulk loading); return its rows."""
    table = CaseSummary.__table__
    if connection.dialect.name == "postgresql":
        # A commit recounting a day meanwhile (refresh_days) would see neither the rows deleted here nor those
        # inserted, and insert its day a second time: it waits for the rebuild instead (SQLite has one writer).
        connection.execute(sa.text("LOCK TABLE case_summary IN EXCLUSIVE MODE"))
    connection.execute(table.delete())
    _fill(connection, None)
    return int(connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


def refresh_days(connection: sa.Connection, days: Iterable[dt.date]) -> None:
    """Count the cases received on `days` again, in the caller's transaction."""
    ordered = sorted(set(days))
    table = CaseSummary.__table__
    if connection.dialect.name == "postgresql":
        for day in ordered:  # always in the same order, so two transactions cannot wait on each other
            connection.execute(sa.select(sa.func.pg_advisory_xact_lock(LOCK_CLASS, day.toordinal())))
    for day in ordered:
        connection.execute(table.delete().where(table.c.received_on == day))
        _fill(connection, day)


# ---- keeping it exact: the session hook -----------------------------------------------------------------

def _day(moment: Any) -> dt.date | None:
    return moment.date() if isinstance(moment, dt.datetime) else moment


def _note_changed_days(session: Session, _flush_context: Any) -> None:
    """After a flush: remember the days of receipt of every case it touched, directly or through a related row."""
    days: set[dt.date] = session.info.setdefault(CHANGED_DAYS, set())
    case_ids: set[int] = set()
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, Case):
            case_ids.add(obj.id)
            # the day it was counted on before a correction of 受理时间, or before it was deleted
            state = sa.inspect(obj)
            days.update(d for d in map(_day, [*state.attrs.received_at.history.deleted,
                                              state.dict.get("received_at") if state.deleted else None]) if d)
        elif isinstance(obj, (Satisfaction, Supervision, Assignment)):
            case_ids.add(obj.case_id)
        elif isinstance(obj, Criticism):
            case_ids.update(case.id for case in obj.cases)
    case_ids.discard(None)  # type: ignore[arg-type]
    if case_ids:
        received = session.execute(sa.select(Case.received_at).where(Case.id.in_(sorted(case_ids)))).scalars()
        days.update(d for d in map(_day, received) if d)


def _recount_before_commit(session: Session) -> None:
    """Before a commit: flush, then recount the days this transaction changed."""
    session.flush()
    days = session.info.pop(CHANGED_DAYS, set())
    if days:
        refresh_days(session.connection(), days)


def _forget(session: Session, transaction: Any) -> None:
    if transaction.parent is None:  # committed or rolled back: nothing of it is pending any more
        session.info.pop(CHANGED_DAYS, None)


HOOKS = {"after_flush": _note_changed_days, "before_commit": _recount_before_commit,
         "after_transaction_end": _forget}


def install_summary_refresh(session: Any) -> None:
    """Keep the summary exact at every commit of `session` (a session or scoped session); once."""
    for name, hook in HOOKS.items():
        if not sa.event.contains(session, name, hook):
            sa.event.listen(session, name, hook)


def rebuild_summary() -> int:
    """`rebuild` in the app's session, committed: after bulk loading (seed-bulk) or to repair; return its rows."""
    rows = rebuild(db.session.connection())
    db.session.commit()
    return rows
