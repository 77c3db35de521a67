"""Saved filters: keep a list's conditions under a name and share them with roles."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import sqlalchemy as sa
from flask import abort, flash, redirect, request, url_for
from flask_appbuilder.baseviews import expose
from flask_babel import gettext

from access.hooks import request_user
from console.validators import single_line
from extensions import db
from models import SavedFilter
from models.base import acting_as

KEEP = ("_flt_", "_oc_", "_od_", "quick", "psize_")


def query_of(args: Any) -> str:
    """The part of a list URL's query that describes the filter (not the page)."""
    pairs = [(k, v) for k in sorted(args) for v in args.getlist(k) if k.startswith(KEEP)]
    return urlencode(pairs)


def visible_filters(view_name: str | None = None) -> list[SavedFilter]:
    """Filters the current user owns or that are shared with one of their roles."""
    user = request_user()
    if user is None:
        return []
    from models.saved_filter import saved_filter_role

    role_ids = [r.id for r in user.roles]
    shared = sa.select(saved_filter_role.c.saved_filter_id).where(saved_filter_role.c.role_id.in_(role_ids))
    query = sa.select(SavedFilter).where(sa.or_(SavedFilter.owner_id == user.id, SavedFilter.id.in_(shared)))
    if view_name:
        query = query.where(SavedFilter.view == view_name)
    return list(db.session.execute(query.order_by(SavedFilter.view, SavedFilter.name)).scalars())


def filter_url(saved: SavedFilter) -> str:
    """Where a saved filter opens."""
    return url_for(f"{saved.view}.list") + ("?" + saved.query if saved.query else "")


class SaveFilterMixin:
    """Mixed into every generated list screen: the 保存筛选 form posts here."""

    @expose("/save-filter", methods=["POST"])
    def save_filter(self) -> Any:
        """Save the posted conditions of this list under a name, shared with the chosen roles."""
        sm = self.appbuilder.sm
        if not sm.has_access("can_list", self.class_permission_name):
            abort(403)
        user = request_user()
        name = (request.form.get("name") or "").strip()[:60]
        query = (request.form.get("query") or "")[:2000]
        back = url_for(f"{self.endpoint}.list") + ("?" + query if query else "")
        problem = single_line(name) or single_line(query)
        if problem:  # checked before `back` is used: a line break cannot go into a Location header
            flash(str(problem), "danger")
            return redirect(url_for(f"{self.endpoint}.list"))
        if not name:
            flash(gettext("Give the filter a name."), "danger")
            return redirect(back)
        roles = [r for r in (sm.get_all_roles()) if str(r.id) in request.form.getlist("shared_with")
                 and r in user.roles]
        with acting_as(user.id):
            db.session.add(SavedFilter(name=name, view=self.__class__.__name__, query=query, owner_id=user.id,
                                       shared_with=roles))
            db.session.commit()
        flash(gettext("Filter “%(name)s” saved.", name=name), "success")
        return redirect(back)


def register_template_globals(app: Any) -> None:
    """`saved_filters(view)`, `saved_filter_url(f)` and `filter_query()` for templates."""
    app.jinja_env.globals.update(saved_filters=visible_filters, saved_filter_url=filter_url,
                                 filter_query=lambda: query_of(request.args))

