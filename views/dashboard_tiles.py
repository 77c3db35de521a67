"""The counting tiles of the 工作台: today's work at the window, a department's own work.

A tile counts what the list it opens shows: the list's quick filter, within the user's data
scope, without the rows the list hides (已作废, 重复件).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import url_for

from access.scope import scope_condition, user_department
from console.introspect import screen_of
from extensions import db
from models import Assignment, Case, Criticism
from models.enums import UNCOUNTED_STATUSES, AssignmentStatus
from workdays import clock

TONES = {"overdue": "danger", "overdue_unsupervised": "danger", "late": "danger", "due_soon": "warning",
         "to_assess": "primary", "to_follow_up": "primary", "pending": "warning"}
FRONT_LINE = ("to_assess", "mine", "due_soon", "overdue", "overdue_unsupervised", "suspended", "to_follow_up",
              "received_today")
"""窗口人员 / 协调专员: today's work, in this order."""


@dataclass
class Tile:
    """One count on the dashboard, linking to the list it counts."""

    label: Any
    count: int
    url: str
    tone: str = "default"


def _count(model: type, condition: Any) -> int:
    query = sa.select(sa.func.count()).select_from(model).where(scope_condition(model), condition)
    return int(db.session.execute(query).scalar_one())


def quick_tiles(model: type, names: tuple[str, ...]) -> list[Tile]:
    """A tile per named quick filter of `model`'s list, counted as that list counts."""
    screen = screen_of(model)
    filters = {q.name: q for q in screen.quick_filters}
    return [Tile(filters[name].label,
                 _count(model, sa.and_(filters[name].condition(), *screen.hidden_rows(filters[name]))),
                 url_for(f"{model.__name__}View.list", quick=name), TONES.get(name, "default"))
            for name in names]


def front_line_tiles() -> list[Tile]:
    """待研判, 我的待办, 即将超期, 已超期, 已超期未督办, 挂起, 待回访, 今日受理."""
    return quick_tiles(Case, FRONT_LINE)


def received_today(limit: int = 10) -> list[Case]:
    """The cases received today, newest first, as the user may see them."""
    start = dt.datetime.combine(clock.today(), dt.time())
    return list(db.session.execute(
        sa.select(Case).where(scope_condition(Case), Case.status.not_in([s.value for s in UNCOUNTED_STATUSES]),
                              Case.received_at >= start,
                              Case.received_at < start + dt.timedelta(days=1))
        .order_by(Case.received_at.desc()).limit(limit)).scalars())


def bound_department() -> int | None:
    """The one department a 承办人员 works for; None for those who see every department."""
    department = user_department()
    return None if department is True or department is None else department


def assignment_tiles(department: int) -> list[Tile]:
    """A department's assignments to sign for and in progress."""
    tiles = []
    for status, tone in ((AssignmentStatus.PENDING, "primary"), (AssignmentStatus.SIGNED, "default")):
        tiles.append(Tile(status.label, _count(Assignment, sa.and_(
            Assignment.department_id == department, Assignment.status == status)),
            url_for("AssignmentView.list", _flt_0_status=status.value), tone))
    return tiles


def deadline_tiles(may_see_criticism: bool) -> list[Tile]:
    """The department's deadlines (即将超期, 已超期) and the criticisms it must answer (待整改, 逾期未整改)."""
    tiles = quick_tiles(Assignment, ("due_soon", "overdue"))
    if may_see_criticism:
        tiles += quick_tiles(Criticism, ("pending", "late"))
    return tiles
