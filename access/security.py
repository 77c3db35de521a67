"""The console's security manager: our user model, Chinese security screens, fast checks."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import abort, flash, g, redirect, request
from flask_appbuilder.actions import action
from flask_appbuilder.api import expose, safe
from flask_appbuilder.models.sqla.filters import FilterNotEqual
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.api import SecurityApi
from flask_appbuilder.security.forms import UserInfoEdit
from flask_appbuilder.security.sqla.manager import SecurityManager
from flask_appbuilder.security.sqla.models import (
    Permission,
    PermissionView,
    ViewMenu,
    assoc_permissionview_role,
)
from flask_appbuilder.security.views import (
    ResetPasswordView,
    UserDBModelView,
    UserGroupModelView,
    UserInfoEditView,
)
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.util import identity_key
from wtforms import BooleanField, PasswordField
from wtforms.validators import DataRequired, InputRequired

from access.login_view import ConsoleAuthDBView
from access.passwords import PasswordPolicy
from access.role_views import ConsoleRoleView
from access.system import SYSTEM_ACCOUNT_REFUSED, SYSTEM_USERNAME, GuardsSystemAccount
from console.api_errors import ApiErrors, error_json
from console.cache import process_cache, request_cache
from console.declare import MenuGroup
from console.formatting import display
from console.forms import AjaxSelectField, GuardedForms, guarded
from console.interface import ConsoleInterface, valid_pk
from console.listargs import SafeListArgs
from models.cache_stamp import HOLIDAYS, PERMISSIONS, current_stamp, remember_stamps, stamp_column
from models.department import Department
from models.notification import Notification, remember_unread
from models.user import USER_LABELS, StaffUser


class StaffUserView(GuardsSystemAccount, SafeListArgs, GuardedForms, UserDBModelView):
    """FAB's user screen, with the department that decides a handler's data scope.

    The system account is not listed, and a request naming it is refused (GuardsSystemAccount).
    """

    datamodel = SQLAInterface(StaffUser)
    exclude_route_methods = {"download"}
    base_filters = [["username", FilterNotEqual, SYSTEM_USERNAME]]
    label_columns = {**UserDBModelView.label_columns, **USER_LABELS}
    description_columns = {
        **UserDBModelView.description_columns,
        # FAB's texts speak of LDAP and OpenID, which the console does not use.
        "username": _l("The name the user logs in with"),
        "email": _l("Reminders and notices are e-mailed here"),
        "department": _l("Handlers see only the cases assigned to this department"),
    }
    list_columns = ["username", "last_name", "first_name", "department", "active", "roles"]
    search_columns = ["username", "first_name", "last_name", "email", "active", "roles"]
    add_columns = ["username", "last_name", "first_name", "email", "department", "active", "roles",
                   "must_change_password", "password", "conf_password"]
    edit_columns = ["username", "last_name", "first_name", "email", "department", "active", "roles",
                    "must_change_password"]
    show_fieldsets = [
        (_l("User info"), {"fields": ["username", "active", "roles", "department", "login_count"]}),
        (_l("Personal Info"), {"fields": ["last_name", "first_name", "email"], "expanded": True}),
        (_l("Audit Info"), {"fields": ["last_login", "fail_login_count", "locked_until", "must_change_password",
                                       "created_on", "changed_on"],
                            "expanded": False}),
    ]
    formatters_columns = {name: display for name in (
        "active", "department", "last_login", "login_count", "fail_login_count", "created_on", "changed_on",
        "locked_until", "must_change_password", "roles",
        "created_by", "changed_by", "email", "first_name", "last_name", "username")}
    _department = AjaxSelectField(_l("Department"), model=Department, url="/departments/related/parent",
                                  description=_l("Handlers see only the cases assigned to this department"))
    _must_change = BooleanField(_l("Must change password at next login"), default=False)
    add_form_extra_fields = {
        **UserDBModelView.add_form_extra_fields, "department": _department, "must_change_password": _must_change,
        "password": PasswordField(_l("Password"), [InputRequired(_l("This field is required.")), PasswordPolicy()],
                                  description=_l("At least 10 characters, with three of: lower-case, upper-case, "
                                                 "digits, symbols; not the user name.")),
    }
    edit_form_extra_fields = {"department": _department, "must_change_password": _must_change}
    # FAB's roles_or_groups_required looks for a `groups` field this form does not have (a 500).
    validators_columns = {"roles": [DataRequired(_l("Choose at least one role."))]}

    @action("unlock", _l("Unlock"), _l("Unlock the selected accounts?"), "fa-unlock")
    def unlock(self, items: Any) -> Any:
        """Lift the lock of the chosen accounts (from the list, or the button on a locked account's page)."""
        from access.login_log import unlock

        chosen = items if isinstance(items, list) else [items]
        if any(user is None for user in chosen):
            abort(404)
        unlocked = [user.username for user in chosen if unlock(user)]
        self.datamodel.session.commit()
        if unlocked:
            flash(gettext("Unlocked: %(users)s", users="、".join(unlocked)), "success")
        else:
            flash(gettext("None of the chosen accounts is locked."), "info")
        self.update_redirect()
        return redirect(self.get_redirect())

    def _get_show_widget(self, pk: Any, item: Any, widgets: Any = None, actions: Any = None,
                         show_fieldsets: Any = None) -> Any:
        """FAB's page of one account, with 解锁 while the account is locked."""
        actions = dict(actions or {})
        if item is not None and item.locked_until is not None:
            actions["unlock"] = self.actions["unlock"]
        return super()._get_show_widget(pk, item, widgets=widgets, actions=actions or None,
                                        show_fieldsets=show_fieldsets)

    def pre_add(self, item: Any) -> None:
        """FAB's password hashing; created and changed in the center's time (FAB stamps the server's)."""
        from workdays import clock

        super().pre_add(item)
        item.created_on = item.changed_on = clock.now()

    def pre_update(self, item: Any) -> None:
        """FAB's change stamp, in the center's time."""
        from workdays import clock

        super().pre_update(item)
        item.changed_on = clock.now()


class ConsoleResetPasswordView(GuardsSystemAccount, ResetPasswordView):
    """FAB's form for setting another user's password; the system account is refused."""

    class_permission_name = "ResetPasswordView"  # FAB's name: roles and labels keep pointing at it


class ConsoleUserInfoEditView(UserInfoEditView):
    """FAB's form for one's own name, refusing control characters like every other form."""

    route_base = "/userinfoeditview"
    class_permission_name = "UserInfoEditView"  # FAB's name: roles and labels keep pointing at it
    form = guarded(UserInfoEdit)


class ConsoleGroupView(UserGroupModelView):
    """FAB's user-group screen, which the console does not use: no route, no permission, no menu entry.

    FAB's register_views adds a group view unconditionally; with no routes it
    declares no permission (so access/sync.py removes any left in a database),
    and register_views below drops its menu entry.
    """

    include_route_methods: set[str] = set()


class ConsoleSecurityApi(ApiErrors, SecurityApi):
    """FAB's token login, refusing in the API's one error shape, documented with the 429 of its rate limit."""

    LOGIN_BODY = {"type": "object", "required": ["username", "password", "provider"], "additionalProperties": False,
                  "properties": {
                      "username": {"type": "string", "minLength": 1},
                      "password": {"type": "string", "pattern": "[^\\x00]"},  # FAB refuses a NUL-only one
                      "provider": {"type": "string", "enum": ["db"]},
                      "refresh": {"type": "boolean"}}}
    """What FAB's login takes here (its docstring offers ldap and says nothing is required)."""

    @expose("/login", methods=["POST"])
    @safe
    def login(self) -> Any:
        # FAB's schema lets `provider` out and then reads it (a KeyError, a 500).
        body = request.get_json(silent=True) if request.is_json else None
        if isinstance(body, dict) and "provider" not in body:
            return self.response_400(errors={"provider": [gettext("This field is required.")]})
        return super().login()

    login.__doc__ = SecurityApi.login.__doc__

    def add_api_spec(self, api_spec: Any) -> None:
        super().add_api_spec(api_spec)
        for path, operations in api_spec._paths.items():
            if path.startswith(self.route_base):
                for operation in operations.values():
                    operation.setdefault("responses", {}).setdefault("429", {"$ref": "#/components/responses/429"})
        login = api_spec._paths.get(f"{self.route_base}/login", {}).get("post")
        if login is not None:
            login["requestBody"]["content"]["application/json"]["schema"] = self.LOGIN_BODY


class ConsoleSecurityManager(SecurityManager):
    """FAB's SQLA security manager with our user model and one-query permission checks."""

    user_model = StaffUser
    userdbmodelview = StaffUserView
    authdbview = ConsoleAuthDBView
    security_api = ConsoleSecurityApi
    rolemodelview = ConsoleRoleView
    groupmodelview = ConsoleGroupView
    resetpasswordview = ConsoleResetPasswordView
    userinfoeditview = ConsoleUserInfoEditView
    userstatschartview = None  # FAB's chart pulls Google's gstatic; no outside hosts here

    def __init__(self, appbuilder: Any) -> None:
        super().__init__(appbuilder)
        # FAB's SQLAInterface looks a filter's related row up with any string (`_flt_0_roles=abc`
        # is a 500) and pages with any number; the console's interface parses both first.
        for view in (self.userdbmodelview, self.rolemodelview):
            view.datamodel = ConsoleInterface(view.datamodel.obj)

    def register_views(self) -> None:
        """FAB's security screens, filed under our 系统管理 menu; the API login rate-limited too."""
        super().register_views()
        if self.is_auth_limited:
            for view in self.appbuilder.baseviews:
                if isinstance(view, self.security_api):
                    self.limiter.limit(self.auth_rate_limit, methods=["POST"])(view.blueprint)
        menu = self.appbuilder.menu
        security = menu.find("Security")
        if security is not None:
            system = menu.find(MenuGroup.SYSTEM.name)
            if system is None:
                menu.add_category(MenuGroup.SYSTEM.name, icon=MenuGroup.SYSTEM.icon, label=MenuGroup.SYSTEM.label)
                system = menu.find(MenuGroup.SYSTEM.name)
            system.childs.extend(c for c in security.childs if c.name not in ("-", "List Groups"))
            menu.menu.remove(security)

    def create_jwt_manager(self, app: Any) -> Any:
        """FAB's JWT manager, answering every token problem with 401 and a Chinese message."""
        from flask_babel import gettext

        manager = super().create_jwt_manager(app)

        def unauthorized(reason: str = "") -> Any:
            return error_json(401, gettext("Please log in first."))

        def invalid(reason: str = "") -> Any:
            return error_json(401, gettext("The access token is invalid; log in again."))

        def expired(header: Any, payload: Any) -> Any:
            return error_json(401, gettext("The access token has expired; log in again."))

        def claims(identity: Any) -> dict:
            user = self.get_user_by_id(int(identity))
            return {"epoch": (user.session_epoch or 0) if user else 0}

        def revoked(header: Any, payload: Any) -> bool:
            # A token dies with the sessions: password change or deactivation revokes it.
            user = self.get_user_by_id(int(payload.get("sub", 0) or 0))
            return user is None or not user.is_active or payload.get("epoch", 0) != (user.session_epoch or 0)

        manager.additional_claims_loader(claims)
        manager.token_in_blocklist_loader(revoked)
        manager.unauthorized_loader(unauthorized)
        manager.invalid_token_loader(invalid)
        manager.expired_token_loader(expired)
        manager.revoked_token_loader(expired)
        manager.needs_fresh_token_loader(expired)
        manager.user_lookup_error_loader(expired)
        return manager

    # ---- logins, passwords ------------------------------------------------------------

    def auth_user_db(self, username: str, password: str) -> Any:
        """FAB's check, refused while the account is locked, locking it after repeated failures."""
        from access.login_log import is_locked, log_login, record_failure
        from models.audit import LoginResult

        known = self.find_user(username=username) if username else None
        if is_locked(known):
            log_login(username, known, LoginResult.LOCKED)
            return None
        user = super().auth_user_db(username, password)
        if user is not None:
            log_login(username, user, LoginResult.SUCCESS)
            return user
        if known is not None and not known.is_active:
            log_login(username, known, LoginResult.INACTIVE)
        elif known is not None and record_failure(known):
            log_login(username, known, LoginResult.LOCKED)
        else:
            log_login(username or "", known, LoginResult.FAILURE)
        return None

    def update_user_auth_stat(self, user: Any, success: bool = True) -> None:
        """FAB's login counters, with the last login in the center's time (FAB stamps the server's)."""
        from workdays import clock

        super().update_user_auth_stat(user, success)
        if success:
            user.last_login = clock.now()
            self.update_user(user)

    def add_user(self, username: str, first_name: str, last_name: str, email: str, role: Any = None,
                 password: str = "", hashed_password: str = "", groups: Any = None, commit: bool = True) -> Any:
        """FAB's, refusing a password that breaks the policy (forms, CLI `fab create-admin` …)."""
        import logging

        from access.passwords import password_problems

        if password:
            problems = password_problems(password, username)
            if problems:
                logging.getLogger(__name__).error("密码不符合要求：%s", " ".join(problems))
                return False
        user = super().add_user(username, first_name, last_name, email, role=role, password=password,
                                hashed_password=hashed_password, groups=groups, commit=commit)
        if user:
            from workdays import clock

            user.password_changed_at = user.created_on = user.changed_on = clock.now()
            if commit:
                self.session.commit()
        return user

    def reset_password(self, userid: int, password: str) -> None:
        """Set a new password (policy enforced); every other session of the user ends."""
        from access.passwords import PasswordRefused, password_problems
        from workdays import clock

        user = self.get_user_by_id(userid)
        if user.username == SYSTEM_USERNAME:
            raise PasswordRefused(SYSTEM_ACCOUNT_REFUSED)
        problems = password_problems(password, user.username)
        if problems:
            raise PasswordRefused(" ".join(problems))
        user.password_changed_at = clock.now()
        user.must_change_password = False
        user.session_epoch = (user.session_epoch or 0) + 1
        with self.session.no_autoflush:  # one flush, so the audit log has one row for the new password
            super().reset_password(userid, password)

    # ---- permission checks: no query while roles stay as they are -----------------------------------

    def get_user_by_id(self, pk: Any) -> Any:
        """The user with roles and groups, the cache stamps and the unread count, in one statement (FAB's took three).

        A user already in the session (the JWT checks ask twice per request) costs nothing. FAB's own forms pass
        the id as the text of a URL argument: anything that is no id finds no one.
        """
        pk = valid_pk(pk)
        if pk is None:
            return None
        known = self.session.identity_map.get(identity_key(self.user_model, pk))
        if known is not None:
            return known
        unread = (sa.select(sa.func.count()).select_from(Notification)
                  .where(Notification.user_id == self.user_model.id, Notification.read_at.is_(None))
                  .correlate(self.user_model).scalar_subquery())
        row = self.session.execute(
            sa.select(self.user_model, stamp_column(PERMISSIONS), stamp_column(HOLIDAYS), unread)
            .options(joinedload(self.user_model.roles), joinedload(self.user_model.groups))
            .where(self.user_model.id == pk)
        ).unique().first()
        if row is None:
            return None
        user, permissions, holidays, unread_count = row
        remember_stamps({PERMISSIONS: permissions, HOLIDAYS: holidays})
        remember_unread(user.id, unread_count)
        return user

    def user_permissions(self, user: Any) -> frozenset[tuple[str, str]]:
        """Every (permission, view) pair the user's roles grant.

        The pairs of a set of roles are kept by the process (console/cache.py) until a role or
        permission changes anywhere: the stamp read with the user then differs and they are reloaded.
        """
        cache = request_cache().setdefault("user_permissions", {})
        if user.id in cache:
            return cache[user.id]
        role_ids = tuple(sorted({role.id for role in self.get_user_roles(user)}))
        key = (PERMISSIONS, str(self.session.get_bind().url), role_ids)
        stamp = current_stamp(self.session, PERMISSIONS)
        cache[user.id] = process_cache.get(key, stamp, lambda: self._role_permissions(role_ids))
        return cache[user.id]

    def _role_permissions(self, role_ids: tuple[int, ...]) -> frozenset[tuple[str, str]]:
        if not role_ids:
            return frozenset()
        rows = self.session.execute(
            sa.select(Permission.name, ViewMenu.name)
            .select_from(PermissionView)
            .join(Permission, PermissionView.permission_id == Permission.id)
            .join(ViewMenu, PermissionView.view_menu_id == ViewMenu.id)
            .join(assoc_permissionview_role, assoc_permissionview_role.c.permission_view_id == PermissionView.id)
            .where(assoc_permissionview_role.c.role_id.in_(role_ids))
        ).all()
        return frozenset((p, v) for p, v in rows)

    def has_access(self, permission_name: str, view_name: str) -> bool:
        """FAB's check, answered once per request for each (permission, view): a list asks it for every row's
        buttons and every menu entry."""
        user = g.get("user")
        key = (getattr(user, "id", None), permission_name, view_name)
        answers = request_cache().setdefault("has_access", {})
        if key not in answers:
            answers[key] = super().has_access(permission_name, view_name)
        return answers[key]

    def _has_view_access(self, user: Any, permission_name: str, view_name: str) -> bool:
        return (permission_name, view_name) in self.user_permissions(user)

    def _get_user_permission_view_menus(self, user: Any, permission_name: str,
                                        view_menus_name: list[str]) -> set[str]:
        if user is None:
            return super()._get_user_permission_view_menus(user, permission_name, view_menus_name)
        wanted = set(view_menus_name or [])
        return {v for p, v in self.user_permissions(user) if p == permission_name and (not wanted or v in wanted)}
