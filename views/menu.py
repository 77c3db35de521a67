"""The navigation menu, rendered once per set of roles and kept by the process.

FAB renders the menu on every page and asks a permission for every entry. What a
user sees there depends only on their roles' permissions and the language, so the
HTML is kept under the permissions stamp (models/cache_stamp.py): when a role or
permission changes anywhere, the next page renders it afresh.
"""

from __future__ import annotations

from flask import Flask, current_app, g, render_template
from flask_babel import get_locale
from markupsafe import Markup

from console.cache import process_cache
from models.cache_stamp import PERMISSIONS, current_stamp

MENU_TEMPLATE = "console/navbar_menu.html"
"""FAB's own `appbuilder/navbar_menu.html`, copied; `appbuilder/navbar_menu.html` here calls `navbar_menu()`."""


def navbar_menu() -> Markup:
    """The menu entries (`<li>`s) the current user may open."""
    appbuilder = current_app.appbuilder  # type: ignore[attr-defined]
    user = g.get("user")
    roles = tuple(sorted(role.id for role in user.roles)) if getattr(user, "is_authenticated", False) else ("public",)
    session = appbuilder.sm.session
    key = ("navbar_menu", str(session.get_bind().url), roles, str(get_locale()))
    stamp = current_stamp(session, PERMISSIONS)
    return Markup(process_cache.get(key, stamp, lambda: render_template(MENU_TEMPLATE, menu=appbuilder.menu)))


def register_template_globals(app: Flask) -> None:
    """`navbar_menu()` for templates."""
    app.jinja_env.globals.update(navbar_menu=navbar_menu)
