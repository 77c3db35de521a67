"""Write the declared permissions and roles into FAB's tables.

FAB's own per-view sync deletes any permission a view does not list, so two
classes sharing a permission name (a screen and its REST API) would undo each
other. This sync works from the union of everything registered, adds what is
missing, removes what no view declares any more, gives the admin role every
permission but `ADMIN_WITHHELD` and sets each declared role to exactly its declaration.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError

from access.roles import ADMIN_WITHHELD, ROLES
from access.scope import ALL_DEPARTMENTS, DATA_SCOPE_VIEW
from console.privacy import EXPORT_PERSONAL_INFO, PERSONAL_INFO_VIEW, VIEW_PERSONAL_INFO

log = logging.getLogger(__name__)

EXTRA_PERMISSIONS = {
    DATA_SCOPE_VIEW: {ALL_DEPARTMENTS},
    PERSONAL_INFO_VIEW: {VIEW_PERSONAL_INFO, EXPORT_PERSONAL_INFO},
}
"""Permissions not tied to a route: data scope, 查看个人信息 and 导出个人信息."""


def declared_permissions(appbuilder: Any) -> dict[str, set[str]]:
    """View name → permission names, for every registered view, API, menu and extra."""
    wanted: dict[str, set[str]] = defaultdict(set)
    for view in appbuilder.baseviews:
        if view.base_permissions:
            wanted[view.class_permission_name].update(view.base_permissions)
    for name in _menu_names(appbuilder.menu.get_list()):
        wanted[name].add("menu_access")
    for view_name, perms in EXTRA_PERMISSIONS.items():
        wanted[view_name].update(perms)
    return wanted


def _menu_names(items: list[Any]) -> list[str]:
    names = []
    for item in items:
        if item.name != "-":
            names.append(item.name)
        names.extend(_menu_names(item.childs or []))
    return names


def _menu_parents(items: list[Any]) -> dict[str, str]:
    parents = {}
    for item in items:
        for child in item.childs or []:
            parents[child.name] = item.name
    return parents


def role_permissions(appbuilder: Any, role: str) -> set[tuple[str, str]]:
    """The exact (permission, view) set a declared role gets, menus included."""
    declared = ROLES[role]
    result = {(perm, view) for view, perms in declared.items() for perm in perms}
    menu_items = set(_menu_names(appbuilder.menu.get_list()))
    parents = _menu_parents(appbuilder.menu.get_list())
    for view, perms in declared.items():
        if "can_list" in perms and view in menu_items:
            result.add(("menu_access", view))
            if view in parents:
                result.add(("menu_access", parents[view]))
    return result


def sync_permissions(appbuilder: Any) -> None:
    """Make FAB's permission tables and the declared roles match the code."""
    sm = appbuilder.sm
    session = sm.session
    wanted = declared_permissions(appbuilder)
    for view_name, perms in wanted.items():
        existing = {pv.permission.name for pv in sm.find_permissions_view_menu(sm.add_view_menu(view_name))
                    if pv.permission is not None}
        for perm in perms - existing:
            sm.add_permission_view_menu(perm, view_name)
    roles = sm.get_all_roles()
    for pv in session.query(sm.permissionview_model).all():
        # What no view declares any more (renamed screens, removed routes) leaves nothing behind.
        if pv.permission is None or pv.view_menu is None or pv.permission.name not in wanted.get(
                pv.view_menu.name, ()):
            for role in roles:
                if pv in role.permissions:
                    role.permissions.remove(pv)
            session.delete(pv)
    session.flush()
    all_pvs = session.query(sm.permissionview_model).all()
    by_key = {(pv.permission.name, pv.view_menu.name): pv for pv in all_pvs if pv.permission and pv.view_menu}
    admin = sm.find_role(sm.auth_role_admin) or sm.add_role(sm.auth_role_admin)
    admin.permissions = [pv for key, pv in by_key.items()
                         if key[1] in wanted and key[0] in wanted[key[1]] and key not in ADMIN_WITHHELD]
    for role_name in ROLES:
        role = sm.find_role(role_name) or sm.add_role(role_name)
        role.permissions = [by_key[key] for key in sorted(role_permissions(appbuilder, role_name)) if key in by_key]
    sm.find_role(sm.auth_role_public) or sm.add_role(sm.auth_role_public)
    session.commit()


def sync_if_ready(appbuilder: Any) -> None:
    """Sync at start-up when the schema exists (it does not before the first migration)."""
    if not current_app.config.get("CONSOLE_SYNC_AT_START", True):
        return
    session = appbuilder.sm.session
    try:
        if not sa.inspect(session.get_bind()).has_table("ab_permission_view"):
            return
        sync_permissions(appbuilder)
    except IntegrityError:
        # Another worker synced at the same moment; its result is the same.
        session.rollback()
    except (OperationalError, ProgrammingError) as exc:
        session.rollback()
        log.warning("Permission sync skipped: %s", exc)
