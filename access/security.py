"""The console's security manager: our user model, Chinese security screens, fast checks."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from console.cache import request_cache
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.sqla.manager import SecurityManager
from flask_appbuilder.security.sqla.models import (
    Permission,
    PermissionView,
    ViewMenu,
    assoc_permissionview_role,
)
from flask_appbuilder.security.views import UserDBModelView, UserGroupModelView
from flask_babel import lazy_gettext as _l

from access.role_views import ConsoleRoleView
from console.declare import MenuGroup
from console.formatting import display
from console.forms import AjaxSelectField
from models.department import Department
from models.user import StaffUser


class StaffUserView(UserDBModelView):
    """FAB's user screen, with the department that decides a handler's data scope."""

    datamodel = SQLAInterface(StaffUser)
    exclude_route_methods = {"download"}
    label_columns = {**UserDBModelView.label_columns, "department": _l("Department")}
    description_columns = {
        **UserDBModelView.description_columns,
        "department": _l("Handlers see only the cases assigned to this department"),
    }
    list_columns = ["username", "last_name", "first_name", "department", "active", "roles"]
    search_columns = ["username", "first_name", "last_name", "email", "active", "roles"]
    add_columns = ["username", "last_name", "first_name", "email", "department", "active", "roles",
                   "password", "conf_password"]
    edit_columns = ["username", "last_name", "first_name", "email", "department", "active", "roles"]
    show_fieldsets = [
        (_l("User info"), {"fields": ["username", "active", "roles", "department", "login_count"]}),
        (_l("Personal Info"), {"fields": ["last_name", "first_name", "email"], "expanded": True}),
        (_l("Audit Info"), {"fields": ["last_login", "fail_login_count", "created_on", "changed_on"],
                            "expanded": False}),
    ]
    formatters_columns = {name: display for name in (
        "active", "department", "last_login", "login_count", "fail_login_count", "created_on", "changed_on",
        "created_by", "changed_by", "email", "first_name", "last_name", "username")}
    _department = AjaxSelectField(_l("Department"), model=Department, url="/departments/related/parent",
                                  description=_l("Handlers see only the cases assigned to this department"))
    add_form_extra_fields = {**UserDBModelView.add_form_extra_fields, "department": _department}
    edit_form_extra_fields = {"department": _department}


class ConsoleGroupView(UserGroupModelView):
    """FAB's user-group screen, without its unused file-download route."""

    exclude_route_methods = {"download"}
    formatters_columns = {"roles": display, "users": display}


class ConsoleSecurityManager(SecurityManager):
    """FAB's SQLA security manager with our user model and one-query permission checks."""

    user_model = StaffUser
    userdbmodelview = StaffUserView
    rolemodelview = ConsoleRoleView
    groupmodelview = ConsoleGroupView
    userstatschartview = None  # FAB's chart pulls Google's gstatic; no outside hosts here

    def register_views(self) -> None:
        """FAB's security screens, filed under our 系统管理 menu."""
        super().register_views()
        menu = self.appbuilder.menu
        security = menu.find("Security")
        if security is not None:
            system = menu.find(MenuGroup.SYSTEM.name)
            if system is None:
                menu.add_category(MenuGroup.SYSTEM.name, icon=MenuGroup.SYSTEM.icon, label=MenuGroup.SYSTEM.label)
                system = menu.find(MenuGroup.SYSTEM.name)
            system.childs.extend(c for c in security.childs if c.name != "-")
            menu.menu.remove(security)

    def create_jwt_manager(self, app: Any) -> Any:
        """FAB's JWT manager, answering every token problem with 401 and a Chinese message."""
        from flask import jsonify
        from flask_babel import gettext

        manager = super().create_jwt_manager(app)

        def unauthorized(reason: str = "") -> Any:
            return jsonify(message=gettext("Please log in first.")), 401

        def invalid(reason: str = "") -> Any:
            return jsonify(message=gettext("The access token is invalid; log in again.")), 401

        def expired(header: Any, payload: Any) -> Any:
            return jsonify(message=gettext("The access token has expired; log in again.")), 401

        manager.unauthorized_loader(unauthorized)
        manager.invalid_token_loader(invalid)
        manager.expired_token_loader(expired)
        manager.revoked_token_loader(expired)
        manager.needs_fresh_token_loader(expired)
        manager.user_lookup_error_loader(expired)
        return manager

    # ---- permission checks: one query per request -----------------------------------

    def user_permissions(self, user: Any) -> frozenset[tuple[str, str]]:
        """Every (permission, view) pair the user's roles grant, loaded once per request."""
        cache = request_cache().setdefault("user_permissions", {})
        if user.id in cache:
            return cache[user.id]
        role_ids = [role.id for role in self.get_user_roles(user)]
        rows = self.session.execute(
            sa.select(Permission.name, ViewMenu.name)
            .select_from(PermissionView)
            .join(Permission, PermissionView.permission_id == Permission.id)
            .join(ViewMenu, PermissionView.view_menu_id == ViewMenu.id)
            .join(assoc_permissionview_role, assoc_permissionview_role.c.permission_view_id == PermissionView.id)
            .where(assoc_permissionview_role.c.role_id.in_(role_ids))
        ).all() if role_ids else []
        cache[user.id] = frozenset((p, v) for p, v in rows)
        return cache[user.id]

    def _has_view_access(self, user: Any, permission_name: str, view_name: str) -> bool:
        return (permission_name, view_name) in self.user_permissions(user)

    def _get_user_permission_view_menus(self, user: Any, permission_name: str,
                                        view_menus_name: list[str]) -> set[str]:
        if user is None:
            return super()._get_user_permission_view_menus(user, permission_name, view_menus_name)
        wanted = set(view_menus_name or [])
        return {v for p, v in self.user_permissions(user) if p == permission_name and (not wanted or v in wanted)}
