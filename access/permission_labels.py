"""Chinese names for FAB permissions, grouped by the screen they belong to.

An admin configuring a role reads 反映事项：查看列表、交办、督办 … instead of
`can_list on CaseView`; FAB's technical permissions (menus, APIs, password
forms) are filed under the screen they serve.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from access.scope import ALL_DEPARTMENTS, DATA_SCOPE_VIEW
from console.declare import MenuGroup
from console.introspect import screen_of
from console.privacy import EXPORT_PERSONAL_INFO, PERSONAL_INFO_VIEW, VIEW_PERSONAL_INFO
from models.enums import CaseAction

PERMISSIONS = {
    "can_list": _l("View list"), "can_show": _l("View details"), "can_add": _l("Create"),
    "can_edit": _l("Modify"), "can_delete": _l("Delete"), "can_export": _l("Export"),
    "menu_access": _l("Menu entry"), "can_get": _l("Read via API"), "can_info": _l("Read via API"),
    "can_userinfo": _l("Own account page"), "can_this_form_get": _l("Open the form"),
    "can_this_form_post": _l("Submit the form"), "can_copyrole": _l("Copy role"),
    "can_resetpasswords": _l("Reset others' passwords"), "can_resetmypassword": _l("Reset own password"),
    "can_userinfoedit": _l("Edit own account"), "can_generate": _l("Generate"),
    "can_rectify": _l("Report rectification"), "can_feedback": _l("Answer the supervision"),
    "can_import": _l("Import work orders"), "can_kpi": _l("KPIs and charts"),
    "can_save_filter": _l("Save filters"), "can_share": _l("Share with roles"), "unlock": _l("Unlock accounts"),
    "can_verify": _l("Verify the hash chain"),
    # FAB names its action permissions without the can_ prefix.
    "copyrole": _l("Copy role"), "resetpasswords": _l("Reset others' passwords"),
    "resetmypassword": _l("Reset own password"), "userinfoedit": _l("Edit own account"),
    ALL_DEPARTMENTS: _l("All departments (otherwise only the user's own)"),
    VIEW_PERSONAL_INFO: _l("Reveal one record's personal information at a time (logged)"),
    EXPORT_PERSONAL_INFO: _l("Export personal information in full, with a reason (logged)"),
    **{f"can_{a.value}": a.label for a in CaseAction},
}

FAB_GROUPS = {
    "StaffUserView": _l("Users"), "List Users": _l("Users"),
    "ConsoleRoleView": _l("Roles"), "List Roles": _l("Roles"),
    "ResetPasswordView": _l("Users"), "ResetMyPasswordView": _l("Own account"),
    "UserInfoEditView": _l("Own account"), "SecurityApi": _l("API access"), "MenuApi": _l("API access"),
    "OpenApi": _l("API documentation"), "SwaggerView": _l("API documentation"),
    DATA_SCOPE_VIEW: _l("Data scope"), PERSONAL_INFO_VIEW: _l("Personal information"),
    "DashboardView": _l("Dashboard"), "RootCauseView": _l("Root-cause analysis"),
}


@dataclass(frozen=True)
class PermissionLabel:
    """How one (permission, view) pair reads in the role screens."""

    group: Any
    name: Any
    order: int

    def __str__(self) -> str:
        return f"{self.group}：{self.name}"


def _screen_groups() -> dict[str, tuple[Any, int]]:
    from models import SCREEN_MODELS

    groups = {f"{m.__name__}View": (screen_of(m).label, i) for i, m in enumerate(SCREEN_MODELS)}
    for i, group in enumerate(MenuGroup):
        groups[group.name] = (_l("Menus"), 900 + i)
    return groups


def label_for(permission: str, view: str) -> PermissionLabel:
    """The Chinese group and name of `permission` on `view`."""
    screens = _screen_groups()
    if view in screens:
        group, order = screens[view]
    elif view in FAB_GROUPS:
        group, order = FAB_GROUPS[view], 500
    else:
        group, order = view, 999
    name = PERMISSIONS.get(permission, permission)
    if permission == "menu_access" and view in {g.name for g in MenuGroup}:
        name = next(g.label for g in MenuGroup if g.name == view)
    return PermissionLabel(group, name, order)
