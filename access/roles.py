"""The five roles of DOMAIN.md and what each may do — declared here and nowhere else.

`ROLES` maps a role to {view name: permissions}. `flask sync-permissions` (run
by `seed-demo`, `demo` and at start-up) writes them into FAB's tables as exact
sets, so the role screens, `has_access` and the tests all read the same
declaration. The admin role (系统管理员) receives every permission but those in
`ADMIN_WITHHELD`. Custom roles are created in the UI as usual and are never
touched by the sync.

View names are exact (`CaseView`), never prefixes: the sync compares whole
names, so `CaseView` cannot leak into `CaseViewX` as FAB_ROLES' regexes would.
"""

from __future__ import annotations

from access.scope import ALL_DEPARTMENTS, DATA_SCOPE_VIEW
from console.privacy import EXPORT_PERSONAL_INFO, PERSONAL_INFO_VIEW, VIEW_PERSONAL_INFO
from models.enums import CaseAction

ADMIN = "系统管理员"
WINDOW = "窗口人员"
COORDINATOR = "协调专员"
HANDLER = "承办人员"
LEADER = "领导"

READ = ("can_list", "can_show")
EXPORT = ("can_export",)
WRITE = ("can_add", "can_edit", "can_delete")
KPI = "can_kpi"
"""工作台's KPIs and charts (the leader's part of the dashboard)."""


def actions(*names: CaseAction) -> tuple[str, ...]:
    """Permission names of workflow actions on CaseView: can_assess, can_assign …"""
    return tuple(f"can_{a.value}" for a in names)


A = CaseAction
SEE_ALL = {DATA_SCOPE_VIEW: (ALL_DEPARTMENTS,)}
PERSONAL = {PERSONAL_INFO_VIEW: (VIEW_PERSONAL_INFO,)}
"""查看个人信息: reveal one field of one record at a time, each reveal logged."""
ADMIN_WITHHELD = frozenset({(EXPORT_PERSONAL_INFO, PERSONAL_INFO_VIEW)})
"""(permission, view) pairs the admin role does not receive: 导出个人信息 (a file of full personal data)
is held by no built-in role; an admin grants it deliberately, through a custom role."""
MINE = {"NotificationView": READ, "SavedFilterView": READ + ("can_edit", "can_delete")}
"""Everyone reads their own notifications and keeps their own 常用筛选 (the scope limits both to the owner)."""
SHARE_FILTERS = {"SavedFilterView": MINE["SavedFilterView"] + ("can_share",)}
"""Sharing a saved filter with roles is for those who set the office's priorities."""
REFERENCE_READ = {
    "DepartmentView": READ, "CoordinatorView": READ, "ServiceItemView": READ,
    "DutyRotaView": READ, "GuideCardView": READ,
}

ROLES: dict[str, dict[str, tuple[str, ...]]] = {
    WINDOW: {
        "CaseView": READ + EXPORT + ("can_add", "can_edit")
        + actions(A.RESOLVE_ON_SPOT, A.DECLINE, A.SUSPEND, A.RESUME, A.CALLBACK, A.EVALUATE),
        "AssignmentView": READ, "SupervisionView": READ, "CaseEventView": READ,
        "SatisfactionView": READ, "CallbackAttemptView": READ,
        **REFERENCE_READ, **SEE_ALL, **PERSONAL, **MINE,
    },
    COORDINATOR: {
        "CaseView": READ + EXPORT + ("can_add", "can_edit", "can_import") + actions(
            A.ASSESS, A.DECLINE, A.RESOLVE_ON_SPOT, A.ASSIGN, A.APPROVE_EXTENSION, A.SUPERVISE,
            A.ESCALATE, A.REASSIGN, A.SUSPEND, A.RESUME, A.RESOLVE, A.CALLBACK, A.EVALUATE, A.SUMMARIZE,
            A.ARCHIVE, A.CRITICIZE, A.MERGE,
        ),
        "AssignmentView": READ + EXPORT, "SupervisionView": READ + EXPORT,
        "CaseEventView": READ + EXPORT, "SatisfactionView": READ + EXPORT, "CallbackAttemptView": READ + EXPORT,
        "EvaluationView": READ, "CriticismView": READ,
        **REFERENCE_READ, "GuideCardView": READ + WRITE, "RootCauseView": ("can_list",),
        **SEE_ALL, **PERSONAL, **MINE,
    },
    HANDLER: {
        "CaseView": READ + EXPORT + actions(A.SIGN, A.REPLY, A.REQUEST_EXTENSION),
        "AssignmentView": READ + EXPORT, "SupervisionView": READ + ("can_feedback",), "CaseEventView": READ,
        "CriticismView": READ + ("can_rectify",),
        "DepartmentView": READ, "ServiceItemView": READ, "GuideCardView": READ, **MINE,
    },
    LEADER: {
        "CaseView": READ + EXPORT + actions(A.SUPERVISE, A.CRITICIZE),
        "AssignmentView": READ + EXPORT, "SupervisionView": READ + EXPORT,
        "CaseEventView": READ + EXPORT, "SatisfactionView": READ + EXPORT, "CallbackAttemptView": READ + EXPORT,
        "EvaluationView": READ + EXPORT + ("can_edit", "can_generate"),
        "CriticismView": READ + EXPORT + ("can_edit",),
        "AuditLogView": READ + EXPORT, "LoginLogView": READ + EXPORT,
        "DashboardView": (KPI,), "RootCauseView": ("can_list",),
        **REFERENCE_READ, **SEE_ALL, **MINE, **SHARE_FILTERS,
    },
}
"""Role → view → permissions. The admin role is not listed: it holds everything but ADMIN_WITHHELD."""

ROLE_DESCRIPTIONS = {
    ADMIN: "users, roles, departments, coordinators, holiday calendar, dictionaries",
    WINDOW: "registers new cases, solves simple ones on the spot",
    COORDINATOR: "assesses, assigns, supervises, escalates, resolves, summarizes, archives",
    HANDLER: "sees only own department's cases: signs for, replies, asks for extensions",
    LEADER: "dashboards, evaluations, awards and criticism",
}
"""For the README's permission matrix."""
