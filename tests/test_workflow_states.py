"""Every action is allowed exactly in the states the transition table names; a refused
attempt changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from console.errors import ConflictError, ConsoleError
from models.enums import AssignmentStatus, CaseAction, CaseStatus, ExtensionStatus
from tests.workflow_support import NOW, act, case_in, sample_values, snapshot
from workflow.params import ParamError
from workflow.transitions import TRANSITIONS

NEEDS_SETUP = {CaseAction.APPROVE_EXTENSION, CaseAction.RESUME, CaseAction.CRITICIZE}
STATES = [s for s in CaseStatus]


@pytest.mark.parametrize("action", [a for a in TRANSITIONS if a not in NEEDS_SETUP], ids=lambda a: a.value)
@pytest.mark.parametrize("status", STATES, ids=lambda s: s.value)
def test_action_allowed_only_from_its_states(app_ctx, action, status):
    t = TRANSITIONS[action]
    case = case_in(status)
    before = snapshot(case.id)
    if status in t.sources:
        changed = act(case, action.value, sample_values(action.value), NOW + dt.timedelta(hours=1))
        expected = t.target or status
        if action == CaseAction.EVALUATE:
            expected = CaseStatus.EVALUATED
        assert changed.status == expected
        assert changed.events[-1].action == action
        assert changed.version > before[1]
    else:
        with pytest.raises(ConflictError):
            act(case, action.value, sample_values(action.value), NOW + dt.timedelta(hours=1))
        assert snapshot(case.id) == before


def test_resume_needs_a_suspended_case(app_ctx):
    case = case_in(CaseStatus.ASSIGNED)
    before = snapshot(case.id)
    with pytest.raises(ConflictError, match="未挂起"):
        act(case, "resume")
    assert snapshot(case.id) == before
    act(case, "suspend", {"reason": "待补"})
    assert act(case, "resume").suspended is False


def test_approve_extension_needs_a_pending_request(app_ctx):
    case = case_in(CaseStatus.ASSIGNED)
    with pytest.raises(ConflictError):
        act(case, "approve_extension", {"department_id": "清城区税务局", "approved": True})
    act(case, "request_extension", {"department_id": "清城区税务局", "days": 3, "reason": "材料多"},
        username="handler_tax")
    due = case.due_date
    case = act(case, "approve_extension", {"department_id": "清城区税务局", "approved": True})
    lead = case.assignments[-1]
    assert lead.extension_status == ExtensionStatus.APPROVED
    assert case.due_date > due and lead.deadline == case.due_date


def test_suspended_case_refuses_work_until_resumed(app_ctx):
    case = case_in(CaseStatus.ASSIGNED)
    act(case, "suspend", {"reason": "待补"})
    before = snapshot(case.id)
    for action in ("resolve", "supervise", "reassign", "sign"):
        with pytest.raises(ConflictError, match="挂起"):
            act(case, action, sample_values(action))
        assert snapshot(case.id) == before
    act(case, "escalate", {"level": "district"})


def test_missing_or_bad_fields_are_refused_field_by_field(app_ctx):
    case = case_in(CaseStatus.RECEIVED)
    before = snapshot(case.id)
    with pytest.raises(ParamError) as refused:
        act(case, "assess", {"problem_type": "nonsense", "track": "", "level": "window"})
    assert set(refused.value.fields) == {"problem_type", "track", "disposition"}
    assert refused.value.fields["problem_type"] == "不是有效的选项。"
    assert refused.value.fields["track"] == "此项为必填项。"
    assert snapshot(case.id) == before


def test_assign_refuses_inactive_or_unknown_departments(app_ctx):
    from extensions import db
    from models.base import acting_as
    from tests.workflow_support import department, user

    case = case_in(CaseStatus.ASSESSING)
    market = department("清城区市场监督管理局")
    with acting_as(user("admin").id):
        market.is_active = False
        db.session.commit()
    before = snapshot(case.id)
    for lead in (market.id, 999999, "abc", 2**40):
        with pytest.raises(ParamError):
            act(case, "assign", {"lead_department_id": lead})
        assert snapshot(case.id) == before


def test_escalate_only_upwards(app_ctx):
    case = case_in(CaseStatus.ASSESSING)
    with pytest.raises(ConsoleError):
        act(case, "escalate", {"level": "window"})
    assert act(case, "escalate", {"level": "center"}).level.value == "center"


def test_unsatisfied_verdict_reopens_the_case(app_ctx):
    case = case_in(CaseStatus.RESOLVED)
    rounds = len(case.assignments)
    case = act(case, "evaluate", {"satisfaction": "very_unsatisfied", "channel": "phone", "comment": "没解决"})
    assert case.status == CaseStatus.ASSIGNED and case.reopen_count == 1
    assert len(case.assignments) == rounds + 1
    assert case.assignments[-1].status == AssignmentStatus.PENDING
    assert case.resolved_at is None and case.due_date >= NOW.date()
    assert case.events[-1].to_status == CaseStatus.ASSIGNED


def test_reassign_withdraws_unfinished_assignments(app_ctx):
    case = case_in(CaseStatus.ASSESSING)
    case = act(case, "assign", {"lead_department_id": "清城区税务局",
                                "co_department_ids": ["清城区人力资源和社会保障局"]})
    act(case, "reply", {"department_id": "清城区人力资源和社会保障局", "content": "已配合"}, username="handler_hrss")
    case = act(case, "reassign", {"reason": "错派"})
    assert case.status == CaseStatus.ASSESSING and case.lead_department_id is None
    statuses = {a.department.name: a.status for a in case.assignments}
    assert statuses == {"清城区税务局": AssignmentStatus.WITHDRAWN,
                        "清城区人力资源和社会保障局": AssignmentStatus.REPLIED}


def test_decline_records_the_one_time_explanation_and_counts_as_responded(app_ctx):
    case = case_in(CaseStatus.RECEIVED)
    case = act(case, "decline", {"reason": "已进入诉讼程序", "redirect_to": "请向清城区人民法院了解"})
    assert case.status == CaseStatus.DECLINED
    assert case.redirect_to == "请向清城区人民法院了解" and case.responded_at is not None
    assert act(case, "archive").status == CaseStatus.ARCHIVED


def test_resolve_on_the_spot_goes_straight_to_resolved(app_ctx):
    case = act(case_in(CaseStatus.RECEIVED), "resolve_on_spot", {"result": "当场解答", "solved": "yes"})
    assert case.status == CaseStatus.RESOLVED and case.track.value == "on_spot"


def test_archive_assigns_gap_free_yearly_numbers(app_ctx):
    numbers = [case_in(CaseStatus.ARCHIVED).archive_number for _ in range(3)]
    seq = [int(n.rsplit("-", 1)[1]) for n in numbers]
    assert seq == list(range(seq[0], seq[0] + 3))
    assert all(n.startswith("GD-2026-") for n in numbers)


def test_the_event_log_is_append_only(app_ctx):
    from extensions import db
    from models.case_event import AppendOnlyError

    case = case_in(CaseStatus.ASSESSING)
    event = case.events[0]
    event.note = "篡改"
    with pytest.raises(AppendOnlyError):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(type(event), event.id))
    with pytest.raises(AppendOnlyError):
        db.session.flush()
    db.session.rollback()


def test_the_summary_event_records_the_root_cause_and_the_forwarded_department(app_ctx):
    from tests.kpi_support import _summary
    from tests.workflow_support import department

    case = case_in(CaseStatus.EVALUATED)
    values = _summary("材料要求不清", "清城区税务局")
    case = act(case, "summarize", values)
    [event] = [e for e in case.events if e.action == CaseAction.SUMMARIZE]
    # the history says what the 总结 said: the cause chosen and the unit it was forwarded to
    assert event.department_id == department("清城区税务局").id
    assert event.data["root_cause_id"] == values["root_cause_id"]
