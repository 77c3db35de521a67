"""`/rootcause/`: the 溯源分析 screen — recurring problems over time, their forwarding, their guide cards.

The groups come from kpi.rootcause; this module chooses the period, grouping and buckets from the request,
turns every count into a link to the case list, and offers the coordinator to make or link a guide card.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from access.scope import scope_condition
from console.errors import ConsoleError
from console.interface import valid_pk
from extensions import db
from guides import cards as guide_cards
from kpi import rootcause
from kpi.definitions import counted
from kpi.periods import Span, choose
from models import Case, GuideCard
from views import dashboard_figures as figures
from views.auth import login_required
from workdays import clock

SINCE_OPENING = "all"
"""The period choice covering every year on record (the default: recurrence shows over years)."""


def choose_span(args: Any, today: dt.date) -> tuple[Span, str | None]:
    """The period asked for (default: every year on record); a refused choice gives that and why."""
    choice = args.get("period") or SINCE_OPENING
    if choice != SINCE_OPENING:
        try:
            return choose(choice, today, args.get("from"), args.get("to")), None
        except ConsoleError as exc:
            return since_opening(today), str(exc)
    return since_opening(today), None


def since_opening(today: dt.date) -> Span:
    """From 1 January of the first year on record to the end of this year."""
    first = db.session.execute(sa.select(sa.func.min(Case.received_at)).where(counted())).scalar()
    return Span(dt.date(first.year if first else today.year, 1, 1), dt.date(today.year, 12, 31), "custom")


def card_form_url(group: rootcause.Group) -> str:
    """The guide card's add form, filled in with the group's 事项, department and recurring problem."""
    args: dict[str, Any] = {"question": group.title}
    item, stuck = group.value("service_item"), group.value("stuck_department")
    if item is not None:
        args.update(service_item=item, title=gettext("%(item)s guide", item=group.label("service_item")))
    if stuck is not None:
        args["department"] = stuck
    return url_for("GuideCardView.add", **args)


def link_form_args(group: rootcause.Group) -> dict[str, Any]:
    """What the 「关联已有卡片」 form sends: the group's 事项, or its 卡点单位 when it names no 事项."""
    item = group.value("service_item")
    return {"service_item": item} if item is not None else {"department": group.value("stuck_department")}


class RootCauseView(BaseView):
    """溯源分析 for leaders and coordinators (and the admin): a table per grouping, counts over time."""

    route_base = "/rootcause"
    default_view = "index"
    base_permissions = ["can_list"]

    def _allowed(self) -> None:
        if not self.appbuilder.sm.has_access("can_list", self.class_permission_name):
            abort(403)

    @expose("/")
    @login_required
    def index(self) -> Any:
        """The groups of the chosen period, grouping and buckets."""
        self._allowed()
        today = clock.today()
        span, period_error = choose_span(request.args, today)
        grouping = request.args.get("grouping") if request.args.get("grouping") in rootcause.GROUPINGS else "problem"
        bucket = request.args.get("bucket") if request.args.get("bucket") in rootcause.BUCKETS else None
        analysis = rootcause.analyse(span, today, grouping, bucket, scope_condition(Case))
        sm = self.appbuilder.sm
        chart = figures.chart_data(rootcause.chart(analysis))
        return self.render_template(
            "console/rootcause.html", title=_l("Root-cause analysis"), analysis=analysis, span=span,
            period_error=period_error, args=request.args, chart=chart, chart_json={chart["name"]: chart},
            options=[(SINCE_OPENING, gettext("Every year on record")), *figures.period_options(today)],
            groupings=rootcause.GROUPING_LABELS, buckets=rootcause.BUCKETS, drill_url=figures.drill_url,
            card_form_url=card_form_url, link_form_args=link_form_args,
            tab_url=lambda value: url_for("RootCauseView.index", **{**request.args.to_dict(), "grouping": value}),
            can_add_card=sm.has_access("can_add", "GuideCardView"),
            can_link_card=sm.has_access("can_edit", "GuideCardView"),
            published=guide_cards.published() if sm.has_access("can_edit", "GuideCardView") else [])

    @expose("/link", methods=["POST"])
    @login_required
    def link(self) -> Any:
        """「关联已有卡片」: make a published card answer the group's 事项 (or its 卡点单位)."""
        self._allowed()
        if not self.appbuilder.sm.has_access("can_edit", "GuideCardView"):
            abort(403)
        back = url_for("RootCauseView.index", **{k: v for k, v in request.form.items()
                                                 if k in ("period", "from", "to", "grouping", "bucket")})
        card = db.session.get(GuideCard, valid_pk(request.form.get("card")) or 0)
        try:
            guide_cards.link(card, valid_pk(request.form.get("service_item")),
                             valid_pk(request.form.get("department")))
        except ConsoleError as exc:
            flash(str(exc), "danger")
        else:
            flash(gettext("The guide card “%(title)s” now answers this problem.", title=card.title), "success")
        return redirect(back)
