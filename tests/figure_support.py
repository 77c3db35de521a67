"""Constructed cases for the figure tests, acted on by the demo accounts with their real roles."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

import sqlalchemy as sa

from extensions import db
from models import Assignment, Case, Criticism, Evaluation, Satisfaction, Supervision
from models.base import acting_as
from tests.workflow_support import act, department, new_case, user
from workdays import clock
from workflow.service import Actor

T = dt.datetime
D = dt.date
TAX, HRSS, SOCIAL = "清城区税务局", "清城区人力资源和社会保障局", "清远市社会保险基金管理局清城分局"
HANDLERS = {TAX: "handler_tax", HRSS: "handler_hrss"}
ASSESS = {"problem_type": "difficult", "track": "coordinate", "disposition": "escalate", "level": "back_office"}


def role_actor(username: str) -> Actor:
    """The demo account with exactly its role's workflow permissions and data scope (not the system actor)."""
    account = user(username)
    granted = {(pv.permission.name, pv.view_menu.name) for role in account.roles for pv in role.permissions}
    workflow = {name for name, view in granted if view == "CaseView"}
    sees_all = ("can_all_departments", "DataScope") in granted
    return Actor(user=account, can=workflow.__contains__, department_id=account.department_id,
                 sees_all=sees_all, channel="test")


def as_role(case: Case, action: str, values: dict | None, at: dt.datetime, username: str = "coordinator") -> Case:
    """Run `action` at `at` as the demo account `username`."""
    return act(case, action, values, at, actor=role_actor(username))


def assigned(at: dt.datetime, lead: str = TAX, co: Iterable[str] = (), days: int = 5) -> Case:
    """A case registered, assessed and assigned by the coordinator at `at`."""
    case = as_role(new_case(at), "assess", ASSESS, at)
    return as_role(case, "assign", {"lead_department_id": lead, "co_department_ids": list(co),
                                    "deadline_days": days}, at)


def handler_act(case: Case, action: str, dept: str, at: dt.datetime, **values: object) -> Case:
    """签收 / 反馈 by the department's own handler."""
    return as_role(case, action, {"department_id": dept, **values}, at, HANDLERS[dept])


def evaluate_on(period: str, today: dt.datetime) -> dict[int, Evaluation]:
    """Compute `period` as if on `today` (as the leader); {department id: evaluation}."""
    from evaluation.compute import evaluate

    with clock.frozen_at(today), acting_as(user("leader").id):
        return {e.department_id: e for e in evaluate(period)}


def figures_of(evaluation: Evaluation) -> dict[str, object]:
    """What a leader reads on an evaluation row."""
    names = ["assigned_count", "signed_count", "signed_on_time", "finished_on_time", "overdue_count",
             "reopened_count", "supervised_count", "response_rate", "signed_on_time_rate", "on_time_rate",
             "satisfaction_rate", "computed_score", "score", "grade"]
    return {name: getattr(evaluation, name) for name in names}


def nothing_after(day: dt.date) -> None:
    """Premise of the hand computations: the demo district has no record dated on or after `day`."""
    start = dt.datetime.combine(day, dt.time())
    for model, column in ((Assignment, Assignment.assigned_at), (Satisfaction, Satisfaction.evaluated_at),
                          (Supervision, Supervision.issued_at), (Criticism, Criticism.issued_at)):
        found = db.session.scalar(sa.select(sa.func.count()).select_from(model).where(column >= start))
        assert found == 0, f"demo {model.__name__} after {day}"


def tile_counts(html: str, heading: str) -> dict[str, int]:
    """{tile label: count} of the dashboard tile row under `heading` ({} when the row is absent)."""
    if heading not in html:
        return {}
    row = html.split(heading, 1)[1].split("<h4", 1)[0]
    return {label: int(count) for count, label in re.findall(
        r'tile-count">(\d+)</span>\s*<span class="tile-label">([^<]+)<', row)}


__all__ = ["T", "D", "TAX", "HRSS", "SOCIAL", "role_actor", "as_role", "assigned", "handler_act", "evaluate_on",
           "figures_of", "nothing_after", "tile_counts", "department"]
