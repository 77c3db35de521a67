"""The permission matrix of the README, rendered from the role declarations.

tests/test_permissions.py checks that README.md contains exactly this table,
so the documentation and access/roles.py cannot drift apart.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from access.roles import ADMIN, ADMIN_WITHHELD, KPI, ROLES
from console.privacy import EXPORT_PERSONAL_INFO, PERSONAL_INFO_VIEW, VIEW_PERSONAL_INFO
from models.enums import CaseAction

SCREENS = [
    ("CaseView", "反映事项"), ("AssignmentView", "交办单"), ("SupervisionView", "督办单"),
    ("CaseEventView", "办理记录"), ("CallbackAttemptView", "回访记录"), ("SatisfactionView", "办结评价"),
    ("EvaluationView", "量化评价"),
    ("CriticismView", "通报批评"), ("DepartmentView", "部门/单位"), ("CoordinatorView", "协调专员"),
    ("ServiceItemView", "事项库"), ("DutyRotaView", "坐窗排班"), ("GuideCardView", "办事指南卡片"),
    ("HolidayOverrideView", "节假日调整"), ("DictionaryEntryView", "数据字典"), ("NotificationView", "消息提醒"),
    ("SavedFilterView", "常用筛选"), ("SmsTemplateView", "短信模板"), ("SmsMessageView", "短信发件箱"),
    ("AuditLogView", "操作日志"), ("LoginLogView", "登录日志"),
    ("RootCauseView", "溯源分析"),
]
ACTIONS_ON = "CaseView"
BASIC = [("can_list", "查"), ("can_show", "看"), ("can_add", "增"), ("can_edit", "改"), ("can_delete", "删"),
         ("can_export", "导")]
ROLE_ORDER = ["窗口人员", "协调专员", "承办人员", "领导"]


@functools.cache
def _catalog() -> Any:
    from babel.support import Translations

    return Translations.load(str(Path(__file__).resolve().parent.parent / "translations"), ["zh"])


def _zh(label: object) -> str:
    """A lazy label in Chinese without an app: read straight from the compiled catalog."""
    msgid = getattr(label, "_args", (str(label),))[0]
    return _catalog().gettext(msgid)


def _extra_permissions() -> list[tuple[str, str]]:
    """(view, permission) of every screen permission beyond 查看增改删导 and the workflow actions."""
    actions = {f"can_{a.value}" for a in CaseAction}
    basic = {perm for perm, _mark in BASIC}
    found = []
    for view, _label in SCREENS:
        for role in ROLE_ORDER:
            for perm in ROLES[role].get(view, ()):
                if perm not in basic and perm not in actions and (view, perm) not in found:
                    found.append((view, perm))
    return found


def _cell(perms: set[str], wanted: list[tuple[str, str]]) -> str:
    return "".join(mark for perm, mark in wanted if perm in perms) or "—"


def render() -> str:
    """Markdown: screens × roles (查=列表 看=详情 增 改 删 导=导出), then workflow actions × roles.

    The admin role holds every permission a screen has (read-only screens have no 增改删), and every
    other but ADMIN_WITHHELD.
    """
    lines = ["| 页面 / 接口 | " + " | ".join([ADMIN, *ROLE_ORDER]) + " |",
             "|---|" + "---|" * (len(ROLE_ORDER) + 1)]
    for view, label in SCREENS:
        row = ["全部"]
        for role in ROLE_ORDER:
            row.append(_cell(set(ROLES[role].get(view, ())), BASIC))
        lines.append(f"| {label}（{view}） | " + " | ".join(row) + " |")
    lines += ["", "| 办理操作（CaseView） | " + " | ".join([ADMIN, *ROLE_ORDER]) + " |",
              "|---|" + "---|" * (len(ROLE_ORDER) + 1)]
    for action in CaseAction:
        if action in (CaseAction.RECEIVE, CaseAction.UPDATE):
            continue
        perm = f"can_{action.value}"
        row = ["✓"] + ["✓" if perm in ROLES[role].get(ACTIONS_ON, ()) else "—" for role in ROLE_ORDER]
        lines.append(f"| {action.value} | " + " | ".join(row) + " |")
    from access.permission_labels import PERMISSIONS

    labels = dict(SCREENS)
    extras = [(f"{labels[view]}：{_zh(PERMISSIONS[perm])}（{perm}）", view, perm)
              for view, perm in _extra_permissions()]
    extras += [(f"工作台：{_zh(PERMISSIONS[KPI])}（{KPI}）", "DashboardView", KPI)]
    extras += [("数据范围：全部部门", "DataScope", "can_all_departments")]
    extras += [(f"{_zh(PERMISSIONS[perm])}（{perm}）", PERSONAL_INFO_VIEW, perm)
               for perm in (VIEW_PERSONAL_INFO, EXPORT_PERSONAL_INFO)]
    lines += ["", "| 其他权限 | " + " | ".join([ADMIN, *ROLE_ORDER]) + " |",
              "|---|" + "---|" * (len(ROLE_ORDER) + 1)]
    for label, view, perm in extras:
        row = ["—" if (perm, view) in ADMIN_WITHHELD else "✓"]
        row += ["✓" if perm in ROLES[role].get(view, ()) else "—" for role in ROLE_ORDER]
        lines.append(f"| {label} | " + " | ".join(row) + " |")
    return "\n".join(lines)


def update_readme(path: str = "README.md") -> None:
    """Replace the matrix between the README's markers with a fresh rendering."""
    start, end = "<!-- permission-matrix:start -->", "<!-- permission-matrix:end -->"
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    head, rest = text.split(start, 1)
    _old, tail = rest.split(end, 1)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(f"{head}{start}\n{render()}\n{end}{tail}")


if __name__ == "__main__":
    import sys

    if "--update-readme" in sys.argv:
        update_readme()
    else:
        print(render())
