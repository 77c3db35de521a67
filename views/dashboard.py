"""The landing page: per-role counts that link to the filtered lists."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import g, redirect, url_for
from flask_appbuilder import BaseView, IndexView, expose
from flask_babel import lazy_gettext as _l

from access.scope import scope_condition, user_department
from console.introspect import screen_of
from extensions import db
from models import Assignment, Case, DutyRota
from models.enums import AssignmentStatus
from views.auth import login_required, login_url
from workdays import clock


@dataclass
class Tile:
    """One count on the dashboard, linking to the list it counts."""

    label: Any
    count: int
    url: str
    tone: str = "default"


class HomeView(IndexView):
    """`/`: the dashboard for a logged-in user, the login page otherwise."""

    @expose("/")
    def index(self) -> Any:
        if g.user is not None and g.user.is_authenticated:
            return redirect(url_for("DashboardView.index"))
        return redirect(login_url())


def _count(model: type, condition: Any) -> int:
    query = sa.select(sa.func.count()).select_from(model).where(scope_condition(model), condition)
    return int(db.session.execute(query).scalar_one())


def case_tiles() -> list[Tile]:
    """The case counts of the quick filters, as the current user may see them."""
    tones = {"overdue": "danger", "overdue_unsupervised": "danger", "due_soon": "warning", "to_assess": "primary"}
    wanted = ("to_assess", "mine", "in_progress", "due_soon", "overdue", "overdue_unsupervised", "suspended",
              "this_year")
    screen = screen_of(Case)
    filters = {q.name: q for q in screen.quick_filters}
    # Each tile counts what its list shows: the quick filter, without the rows lists hide (已作废).
    return [
        Tile(filters[name].label,
             _count(Case, sa.and_(filters[name].condition(), *screen.hidden_rows(filters[name]))),
             url_for("CaseView.list", quick=name), tones.get(name, "default"))
        for name in wanted
    ]


def assignment_tiles() -> list[Tile]:
    """A department's own work: its assignments to sign for and in progress.

    Only for a user bound to one department (承办人员); those who see every department
    have no "my department" and follow the case tiles instead.
    """
    department = user_department()
    if department is True or department is None:
        return []
    tiles = []
    for status, tone in ((AssignmentStatus.PENDING, "primary"), (AssignmentStatus.SIGNED, "default")):
        tiles.append(Tile(status.label, _count(Assignment, sa.and_(
            Assignment.department_id == department, Assignment.status == status)),
            url_for("AssignmentView.list", _flt_0_status=status.value), tone))
    return tiles


class DashboardView(BaseView):
    """`/dashboard/`: what needs doing now, for whoever is logged in."""

    route_base = "/dashboard"
    default_view = "index"

    @expose("/")
    @login_required
    def index(self) -> Any:
        sm = self.appbuilder.sm
        tiles = case_tiles() if sm.has_access("can_list", "CaseView") else []
        handler_tiles = assignment_tiles() if sm.has_access("can_list", "AssignmentView") else []
        duty = db.session.execute(sa.select(DutyRota).where(DutyRota.day == clock.today())).scalar_one_or_none()
        return self.render_template("console/dashboard.html", title=_l("Dashboard"), tiles=tiles,
                                    handler_tiles=handler_tiles, duty=duty, today=clock.today())
