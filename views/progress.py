"""`/progress/`: 办理进度查询 for the applicant, open without a login (rules in workflow/progress.py).

The page is a GET form; with both parameters it answers with the case's progress or 「未查到」. The lookups
of one client address are rate-limited (`PROGRESS_RATE_LIMIT`, counted only when something is asked;
`register_progress_view` installs the limit); beyond it the console's Chinese 429 page answers. The wrong
pairs of one case number are limited too (`PROGRESS_NUMBER_LIMIT`, workflow/progress_guard.py): a locked
number answers this page's 「未查到」 with the rate-limit wording, status 429.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, g, request
from flask_appbuilder import AppBuilder, BaseView, expose
from flask_babel import gettext

from models.audit import AuditChannel
from workflow.progress import look_up, parse_query
from workflow.progress_guard import NumberGuard


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
        progress, locked = None, False
        if query is not None:
            g.audit_channel = AuditChannel.PUBLIC.value
            answer = look_up(query, self._guard())
            progress, locked = answer.progress, answer.locked
        page = self.render_template("console/progress.html", number=(number or "")[:40], errors=errors,
                                    asked=query is not None, progress=progress, locked=locked,
                                    title=gettext("Case progress lookup"))
        return (page, 429) if locked else page

    def _guard(self) -> NumberGuard:
        """The per-number count, kept in the rate limiter's storage (shared through Redis when configured)."""
        config = current_app.config
        return NumberGuard(self.appbuilder.sm.limiter.storage, config["PROGRESS_NUMBER_LIMIT"],
                           config["RATELIMIT_KEY_PREFIX"])


def register_progress_view(appbuilder: AppBuilder) -> None:
    """Add the page and its per-address rate limit."""
    view = appbuilder.add_view_no_menu(ProgressView)
    appbuilder.sm.limiter.limit(current_app.config["PROGRESS_RATE_LIMIT"], exempt_when=_asks_nothing)(view.blueprint)
