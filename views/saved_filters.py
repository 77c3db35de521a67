"""Saved filters: keep a list's conditions under a name; 领导 and 系统管理员 may share them with roles.

Every list screen has the 保存筛选 form (`SaveFilterMixin`); the 常用筛选 screen
lists, renames and deletes one's own (`SavedFilterScreenMixin`). Sharing needs
the `can_share` permission on that screen: without it, no role is offered and
none posted is taken.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import sqlalchemy as sa
from flask import abort, flash, redirect, request, url_for
from flask_appbuilder.baseviews import expose
from flask_babel import gettext

from console.cache import request_cache
from console.identity import request_user
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
    """Filters the current user owns or that are shared with one of their roles (one query per request)."""
    user = request_user()
    if user is None:
        return []
    cache = request_cache()
    if "saved_filters" not in cache:
        from models.saved_filter import saved_filter_role

        role_ids = [r.id for r in user.roles]
        shared = sa.select(saved_filter_role.c.saved_filter_id).where(saved_filter_role.c.role_id.in_(role_ids))
        query = sa.select(SavedFilter).where(sa.or_(SavedFilter.owner_id == user.id, SavedFilter.id.in_(shared)))
        cache["saved_filters"] = list(db.session.execute(query.order_by(SavedFilter.view, SavedFilter.name)).scalars())
    return [f for f in cache["saved_filters"] if not view_name or f.view == view_name]


def filter_url(saved: SavedFilter) -> str:
    """Where a saved filter opens."""
    return url_for(f"{saved.view}.list") + ("?" + saved.query if saved.query else "")


SAVED_FILTER_VIEW = "SavedFilterView"
"""The 常用筛选 screen, which holds the sharing permission."""
SHARE = "can_share"
"""Sharing saved filters with roles (access/roles.py gives it to 领导; 系统管理员 holds everything)."""


def may_share(sm: Any) -> bool:
    """Whether the current user may share saved filters with roles."""
    return bool(sm.has_access(SHARE, SAVED_FILTER_VIEW))


class SaveFilterMixin:
    """Mixed into every generated list screen: the 保存筛选 form posts here."""

    def may_share_filters(self) -> bool:
        """Whether the 保存筛选 form offers roles to share with."""
        return may_share(self.appbuilder.sm)

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
        wanted = request.form.getlist("shared_with") if may_share(sm) else []
        roles = [r for r in sm.get_all_roles() if str(r.id) in wanted and r in user.roles]
        with acting_as(user.id):
            db.session.add(SavedFilter(name=name, view=self.__class__.__name__, query=query, owner_id=user.id,
                                       shared_with=roles))
            db.session.commit()
        flash(gettext("Filter “%(name)s” saved.", name=name), "success")
        return redirect(back)


class SavedFilterScreenMixin:
    """The 常用筛选 screen: one's own filters; the roles they are shared with only for those who may share."""

    extra_permissions = (SHARE,)

    def _get_edit_widget(self, form: Any, exclude_cols: Any = None, widgets: Any = None) -> Any:
        """The edit form without 共享给角色 for those who may not share."""
        if not may_share(self.appbuilder.sm):
            exclude_cols = [*(exclude_cols or []), "shared_with"]
        return super()._get_edit_widget(form, exclude_cols=exclude_cols, widgets=widgets)

    def process_form(self, form: Any, is_created: bool) -> None:
        """A posted 共享给角色 is dropped unless the user may share (the filter keeps its roles)."""
        if not may_share(self.appbuilder.sm) and "shared_with" in form:
            del form["shared_with"]
        super().process_form(form, is_created)


def register_template_globals(app: Any) -> None:
    """`saved_filters(view)`, `saved_filter_url(f)` and `filter_query()` for templates."""
    app.jinja_env.globals.update(saved_filters=visible_filters, saved_filter_url=filter_url,
                                 filter_query=lambda: query_of(request.args))

