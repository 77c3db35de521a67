"""Building cases in any workflow state through the real service, for the workflow tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from extensions import db
from models import Case, CaseEvent, Department, StaffUser
from models.enums import ApplicantKind, CaseStatus, Channel
from workdays import clock
from workflow.registration import register_case
from workflow.service import Actor, execute

NOW = dt.datetime(2026, 3, 2, 9, 0)
"""A Monday after the 2026 Spring Festival holidays."""


def user(username: str) -> StaffUser:
    return db.session.execute(sa.select(StaffUser).where(StaffUser.username == username)).scalar_one()


def department(name: str) -> Department:
    return db.session.execute(sa.select(Department).where(Department.name == name)).scalar_one()


def system_actor(username: str = "coordinator") -> Actor:
    """An actor with every permission (as the CLI and seed act), named after a demo account."""
    return Actor.system(user(username), channel="test")


def new_case(at: dt.datetime = NOW, title: str = "测试事项") -> Case:
    """A freshly registered case (status 受理)."""
    case = Case(title=title, description="诉求内容", channel=Channel.WINDOW, applicant_kind=ApplicantKind.PERSON,
                applicant_name="测试人", received_at=at)
    with clock.frozen_at(at):
        return register_case(case, system_actor("window"))


ASSESS = {"problem_type": "difficult", "track": "coordinate", "disposition": "escalate", "level": "back_office"}
RESOLVE = {"result": "已办结", "solved": "yes"}

PATH = [
    (CaseStatus.ASSESSING, "assess", ASSESS),
    (CaseStatus.ASSIGNED, "assign", {"lead_department_id": "清城区税务局", "deadline_days": 5}),
    (CaseStatus.RESOLVED, "resolve", RESOLVE),
    (CaseStatus.EVALUATED, "evaluate", {"satisfaction": "satisfied", "channel": "phone"}),
    (CaseStatus.SUMMARIZED, "summarize", {"summary": "总结"}),
    (CaseStatus.ARCHIVED, "archive", {}),
]


def resolve_names(values: dict) -> dict:
    """Department names in test data → ids."""
    out = dict(values)
    def named(value: Any) -> bool:
        return isinstance(value, str) and not value.isascii()

    for key in ("lead_department_id", "department_id", "forwarded_department_id"):
        if named(out.get(key)):
            out[key] = department(out[key]).id
    if "co_department_ids" in out:
        out["co_department_ids"] = [department(n).id if named(n) else n for n in out["co_department_ids"]]
    return out


def act(case: Case, action: str, values: dict | None = None, at: dt.datetime = NOW, username: str = "coordinator",
        actor: Actor | None = None) -> Case:
    """Run one action through the service at a moment."""
    with clock.frozen_at(at):
        return execute(case.id, action, resolve_names(values or {}), actor or system_actor(username))


def case_in(status: CaseStatus, at: dt.datetime = NOW) -> Case:
    """A case walked through the workflow up to `status`."""
    case = new_case(at)
    if status == CaseStatus.RECEIVED:
        return case
    if status == CaseStatus.DECLINED:
        return act(case, "decline", {"reason": "涉诉", "redirect_to": "区法院"}, at)
    if status == CaseStatus.VOIDED:
        return act(case, "void", {"reason": "重复登记"}, at, username="admin")
    if status == CaseStatus.MERGED:
        return act(case, "merge", {"main_case": new_case(at, title="主件").number}, at)
    for target, action, values in PATH:
        case = act(case, action, values, at)
        if target == status:
            return case
    raise ValueError(status)


def snapshot(case_id: int) -> tuple:
    """What must not change when an action is refused."""
    db.session.expire_all()
    case = db.session.get(Case, case_id)
    events = db.session.execute(sa.select(sa.func.count()).select_from(CaseEvent)
                                .where(CaseEvent.case_id == case_id)).scalar_one()
    return (case.status, case.version, case.due_date, case.suspended, case.level, events,
            len(case.assignments), len(case.supervisions), len(case.satisfactions))


def sample_values(action: str) -> dict[str, Any]:
    """Valid fields for each action (a merge names a fresh main case)."""
    if action == "merge":
        return {"main_case": new_case(title="主件").number}
    return {
        "assess": ASSESS,
        "decline": {"reason": "涉诉", "redirect_to": "区法院"},
        "resolve_on_spot": RESOLVE,
        "assign": {"lead_department_id": "清城区税务局", "deadline_days": 5},
        "sign": {"department_id": "清城区税务局"},
        "reply": {"department_id": "清城区税务局", "content": "已办理"},
        "request_extension": {"department_id": "清城区税务局", "days": 3, "reason": "材料多"},
        "approve_extension": {"department_id": "清城区税务局", "approved": True},
        "supervise": {"department_id": "清城区税务局", "supervision_level": "general", "reason": "未反馈"},
        "escalate": {"level": "district"},
        "reassign": {"reason": "改派"},
        "suspend": {"reason": "待补材料"},
        "resume": {},
        "resolve": RESOLVE,
        "callback": {"channel": "phone", "reached": False, "words": "无人接听"},
        "evaluate": {"satisfaction": "satisfied", "channel": "phone"},
        "summarize": {"summary": "总结"},
        "archive": {},
        "criticize": {"reason": "overdue", "severity": "general", "rectify_days": 5},
        "void": {"reason": "重复登记"},
    }[action]
