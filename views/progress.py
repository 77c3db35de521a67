"""`/progress/`: 办理进度查询 for the applicant, open without a login (rules in workflow/progress.py).

The page is a GET form; with both parameters it answers with the case's progress or 「未查到」. The lookups
of one client address are rate-limited (`PROGRESS_RATE_LIMIT`, counted only when something is asked;
`register_progress_view` installs the limit); beyond it the console's Chinese 429 page answers.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, g, request
from flask_appbuilder import AppBuilder, BaseView, expose
from flask_babel import gettext

from models.audit import AuditChannel
from workflow.progress import look_up, parse_query


def _asks_nothing() -> bool:
    """The empty form is not a lookup: it is not counted against the limit."""
    return not request.args.get("number") and not request.args.get("phone")


class ProgressView(BaseView):
    """The public lookup page; no permission, no menu."""

    route_base = "/progress"
    default_view = "index"
    base_permissions: list[str] = []
    """Open to everyone, logged in or not: no FAB permission guards it (the rate limit does)."""

    @expose("/")
    def index(self) -> Any:
        """The form, and the answer to a well-formed query."""
        number, phone = request.args.get("number"), request.args.get("phone")
        query, errors = parse_query(number, phone)
        progress, asked = None, query is not None
        if query is not None:
            g.audit_channel = AuditChannel.PUBLIC.value
            progress = look_up(query)
        return self.render_template("console/progress.html", number=(number or "")[:40], errors=errors,
                                    asked=asked, progress=progress, title=gettext("Case progress lookup"))


def register_progress_view(appbuilder: AppBuilder) -> None:
    """Add the page and its per-address rate limit."""
    view = appbuilder.add_view_no_menu(ProgressView)
    appbuilder.sm.limiter.limit(current_app.config["PROGRESS_RATE_LIMIT"], exempt_when=_asks_nothing)(view.blueprint)
