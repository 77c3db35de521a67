"""The landing page: each role's part of the 工作台, assembled from what the user may do.

窗口人员 / 协调专员 (who register cases) see today's work; 承办人员 (bound to one department)
see their department's; holders of 指标与图表 (领导) see the KPIs and charts of a period; everyone
who lists cases sees the cases per year. The parts are chosen by permission, never by role name.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import sqlalchemy as sa
from flask import Response, abort, flash, g, redirect, request, session, url_for
from flask_appbuilder import BaseView, IndexView, expose
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from access.roles import KPI
from access.scope import scope_condition
from console.modelview import STARTED_JOBS
from extensions import db
from jobs import runner, store
from jobs.exports import describe
from kpi import report_files
from kpi.definitions import KPIS
from kpi.report import build
from models import Case, DutyRota
from models.job import JobKind
from views import dashboard_figures as figures
from views import dashboard_tiles as tiles
from views.auth import login_required, login_url
from workdays import clock

REPORT_TYPES = {
    "docx": (report_files.docx_bytes, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": (report_files.xlsx_bytes, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}
"""The report's formats: file suffix → (writer, media type)."""


class HomeView(IndexView):
    """`/`: the dashboard for a logged-in user, the login page otherwise."""

    @expose("/")
    def index(self) -> Any:
        if g.user is not None and g.user.is_authenticated:
            return redirect(url_for("DashboardView.index"))
        return redirect(login_url())


class DashboardView(BaseView):
    """`/dashboard/`: what needs doing now, and for leaders how the window is doing."""

    route_base = "/dashboard"
    default_view = "index"
    base_permissions = [KPI]
    """The page itself is open to every logged-in user; `can_kpi` adds the KPIs and charts."""

    @expose("/")
    @login_required
    def index(self) -> Any:
        sm = self.appbuilder.sm
        today = clock.today()
        page: dict[str, Any] = {"work": [], "received": [], "department": [], "deadlines": [], "cards": [],
                                "charts": [], "span": None, "period_error": None}
        if sm.has_access("can_add", "CaseView"):
            page["work"], page["received"] = tiles.front_line_tiles(), tiles.received_today()
        department = tiles.bound_department()
        if department is not None and sm.has_access("can_list", "AssignmentView"):
            page["department"] = tiles.assignment_tiles(department)
            page["deadlines"] = tiles.deadline_tiles(sm.has_access("can_list", "CriticismView"))
        if sm.has_access(KPI, self.class_permission_name):
            span, page["period_error"] = figures.choose_span(request.args, today)
            page.update(span=span, cards=figures.cards(span, today), charts=figures.leader_charts(span, today),
                        options=figures.period_options(today), kpis=list(KPIS.values()),
                        report_args={k: request.args[k] for k in ("period", "from", "to") if request.args.get(k)},
                        report_jobs=[describe(job) for job in store.recent(g.user.id, url_for("DashboardView.index"))]
                        if session.get(STARTED_JOBS) else [])
        elif sm.has_access("can_list", "CaseView"):
            page["charts"] = figures.trend_chart(today)
        duty = db.session.execute(sa.select(DutyRota).where(DutyRota.day == today)).scalar_one_or_none()
        return self.render_template("console/dashboard.html", title=_l("Dashboard"), duty=duty, today=today,
                                    args=request.args, chart_json={c["name"]: c for c in page["charts"]}, **page)

    @expose("/report.<suffix>")
    @login_required
    def report(self, suffix: str) -> Any:
        """The 月报/季报/年报 of the chosen period as .docx or .xlsx (the same figures as the page)."""
        if suffix not in REPORT_TYPES:
            abort(404)
        if not self.appbuilder.sm.has_access(KPI, self.class_permission_name):
            abort(403)
        today = clock.today()
        span, _refused = figures.choose_span(request.args, today)
        report = build(span, today, scope_condition(Case))
        writer, mimetype = REPORT_TYPES[suffix]
        response = Response(writer(report), mimetype=mimetype)
        response.headers["Content-Disposition"] = (
            f"attachment; filename=report.{suffix}; filename*=UTF-8''{quote(report.file_stem)}.{suffix}")
        return response

    @expose("/report", methods=["POST"])
    @login_required
    def report_in_background(self) -> Any:
        """生成报告: the chosen period's .docx and .xlsx as a background job; back to the 工作台, which shows
        its progress and then the download."""
        if not self.appbuilder.sm.has_access(KPI, self.class_permission_name):
            abort(403)
        args = {k: request.form[k] for k in ("period", "from", "to") if request.form.get(k)}
        span, refused = figures.choose_span(args, clock.today())
        if refused:
            flash(refused, "warning")
            return redirect(url_for("DashboardView.index", **args))
        session[STARTED_JOBS] = True
        runner.start(JobKind.REPORT, g.user.id, {"start": span.start.isoformat(), "end": span.end.isoformat()},
                     origin=url_for("DashboardView.index"))
        flash(gettext("The report is being generated in the background; its progress is shown below the period, "
                      "and the files can be downloaded there when it is done."), "info")
        return redirect(url_for("DashboardView.index", **args) + "#figures")
