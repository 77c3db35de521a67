"""Deadlines through suspension, and what closing a case does to its 交办单 (issue 9, wrong figures).

Every case here is constructed in March 2026, after the last demo record, and acted on by the demo
accounts with their own roles; the expected figures are worked out by hand in the comments.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from extensions import db
from models import Assignment, Case
from models.base import acting_as
from models.enums import AssignmentStatus, CaseAction, CaseStatus
from tests.figure_support import (
    HRSS,
    TAX,
    D,
    T,
    as_role,
    assigned,
    evaluate_on,
    handler_act,
    nothing_after,
    tile_counts,
)
from tests.workflow_support import department, new_case, user
from workdays import clock

MY_DEPARTMENT = "本部门交办事项"


@pytest.mark.parametrize("days,suspended_on,due", [
    # assigned Mon 2026-03-02 + 5 working days = Mon 03-09; suspended Thu 03-12, three working days late
    (5, T(2026, 3, 12, 9), D(2026, 3, 9)),
    # + 4 working days = Fri 03-06; suspended Sat 03-07: late, though no working day has passed since
    (4, T(2026, 3, 7, 10), D(2026, 3, 6)),
])
def test_an_overdue_case_stays_overdue_through_suspend_and_resume(app_ctx, api, days, suspended_on, due):
    case = assigned(T(2026, 3, 2, 9), co=[HRSS], days=days)
    assert case.due_date == due and {a.deadline for a in case.assignments} == {due}
    client = api("coordinator")
    with clock.frozen_at(suspended_on):
        suspended = client.post(f"/api/v1/cases/{case.id}/actions/suspend", json={"reason": "待补充劳动合同"})
        assert suspended.status_code == 200, suspended.get_json()
    with clock.frozen_at(T(2026, 6, 1, 9)):
        resumed = client.post(f"/api/v1/cases/{case.id}/actions/resume", json={})
        assert resumed.status_code == 200, resumed.get_json()
        body = resumed.get_json()["result"]
        # no working day was left when it was suspended: none is added back, the deadline stays
        assert body["due_date"] == due.isoformat() and body["overdue"] is True
    db.session.expire_all()
    assert {a.deadline for a in db.session.get(Case, case.id).assignments} == {due}


def test_a_case_suspended_in_time_gets_back_the_days_it_had_left(app_ctx):
    case = assigned(T(2026, 3, 2, 9), co=[HRSS])
    # due Mon 03-09; suspended Wed 03-04 with Thu, Fri, Mon left = 3 working days
    case = as_role(case, "suspend", {"reason": "待补材料"}, T(2026, 3, 4, 9))
    assert case.remaining_workdays == 3
    # resumed Mon 06-01: Tue 06-02, Wed 06-03, Thu 06-04
    case = as_role(case, "resume", {}, T(2026, 6, 1, 9))
    assert case.due_date == D(2026, 6, 4) and {a.deadline for a in case.assignments} == {D(2026, 6, 4)}


def test_resolving_settles_the_open_assignments_with_the_reason(app_ctx, as_user):
    nothing_after(D(2026, 1, 1))
    pending_before = tile_counts(as_user("handler_hrss").get("/dashboard/").get_data(as_text=True), MY_DEPARTMENT)
    case = assigned(T(2026, 3, 2, 9), co=[HRSS])
    handler_act(case, "sign", TAX, T(2026, 3, 2, 11))
    handler_act(case, "reply", TAX, T(2026, 3, 4, 10), content="已办结")
    hrss_page = as_user("handler_hrss").get("/dashboard/").get_data(as_text=True)
    assert tile_counts(hrss_page, MY_DEPARTMENT)["待签收"] == pending_before["待签收"] + 1
    case = as_role(case, "resolve", {"result": "已办结", "solved": "yes"}, T(2026, 3, 4, 15))
    lead, co = case.assignments
    assert lead.status == AssignmentStatus.REPLIED and lead.closed_at is None
    assert co.status == AssignmentStatus.CLOSED
    assert co.closed_at == T(2026, 3, 4, 15) and co.close_reason == CaseAction.RESOLVE
    assert case.events[-1].data["closed_assignments"] == [department(HRSS).id]
    # the co-handler's 待签收 is gone from its list and its dashboard
    hrss = as_user("handler_hrss")
    assert tile_counts(hrss.get("/dashboard/").get_data(as_text=True), MY_DEPARTMENT) == pending_before
    listed = hrss.get("/assignments/list/?_flt_0_status=pending").get_data(as_text=True)
    assert case.number not in listed
    shown = hrss.get(f"/assignments/show/{co.id}").get_data(as_text=True)
    assert "已结案" in shown and "办结" in shown


def test_a_closed_case_counts_overdue_only_for_what_was_late_when_it_closed(app_ctx):
    nothing_after(D(2026, 1, 1))
    # both assigned Mon 03-02, due Mon 03-09; the co-handler 人社局 never signs in either case
    early = assigned(T(2026, 3, 2, 9), co=[HRSS])
    handler_act(early, "reply", TAX, T(2026, 3, 4, 10), content="已办结")
    as_role(early, "resolve", {"result": "已办结", "solved": "yes"}, T(2026, 3, 5, 9))
    late = assigned(T(2026, 3, 2, 10), co=[HRSS])
    handler_act(late, "reply", TAX, T(2026, 3, 6, 10), content="已办结")
    as_role(late, "resolve", {"result": "已办结", "solved": "yes"}, T(2026, 3, 12, 9))
    for step, values in (("evaluate", {"satisfaction": "satisfied", "channel": "phone"}),
                         ("summarize", {"summary": "总结"}), ("archive", {})):
        for case in (early, late):
            as_role(case, step, values, T(2026, 3, 16, 9))
    hrss = evaluate_on("2026Q1", T(2026, 11, 2, 9))[department(HRSS).id]
    # closed on 03-05, before its deadline: not overdue; closed on 03-12, still unanswered after 03-09: overdue
    assert (hrss.assigned_count, hrss.signed_count, hrss.finished_on_time, hrss.overdue_count) == (2, 0, 0, 1)
    assert db.session.get(Case, late.id).status == CaseStatus.ARCHIVED


def test_declining_after_a_reassignment_leaves_no_open_assignment(app_ctx):
    case = assigned(T(2026, 3, 2, 9), co=[HRSS])
    handler_act(case, "reply", HRSS, T(2026, 3, 3, 9), content="已配合")
    case = as_role(case, "reassign", {"reason": "改派"}, T(2026, 3, 3, 10))
    case = as_role(case, "decline", {"reason": "涉诉", "redirect_to": "区法院"}, T(2026, 3, 3, 11))
    statuses = {a.department.name: a.status for a in case.assignments}
    assert statuses == {TAX: AssignmentStatus.WITHDRAWN, HRSS: AssignmentStatus.REPLIED}


def test_resolving_on_the_spot_settles_assignments_left_from_before(app_ctx):
    """A case sent back to 研判 may still hold a signed 交办单 of a department that answered nothing."""
    case = assigned(T(2026, 3, 2, 9))
    handler_act(case, "sign", TAX, T(2026, 3, 2, 10))
    with acting_as(user("admin").id):
        # as an old database may hold it: back in 研判 with the assignment still signed
        case.status = CaseStatus.ASSESSING
        db.session.commit()
    case = as_role(case, "resolve_on_spot", {"result": "当场解答", "solved": "yes"}, T(2026, 3, 2, 11), "window")
    [assignment] = case.assignments
    assert assignment.status == AssignmentStatus.CLOSED and assignment.close_reason == CaseAction.RESOLVE_ON_SPOT


def test_dashboard_assignment_tiles_belong_to_the_handlers_department(app_ctx, as_user):
    nothing_after(D(2026, 1, 1))
    assigned(T(2026, 3, 2, 9), lead=TAX)
    assigned(T(2026, 3, 2, 10), lead=HRSS)
    tax_open = db.session.execute(sa.select(Assignment.status, sa.func.count()).where(
        Assignment.department_id == department(TAX).id).group_by(Assignment.status)).all()
    # the demo's tax assignments are all settled; the new one is pending
    assert dict(tax_open)[AssignmentStatus.PENDING] == 1 and AssignmentStatus.SIGNED not in dict(tax_open)
    tax_page = as_user("handler_tax").get("/dashboard/").get_data(as_text=True)
    assert tile_counts(tax_page, MY_DEPARTMENT) == {"待签收": 1, "办理中": 0}
    for role in ("leader", "coordinator", "admin"):
        page = as_user(role).get("/dashboard/").get_data(as_text=True)
        assert MY_DEPARTMENT not in page, f"{role} sees every department: no “my department” row"


def test_a_new_case_has_no_assignment_to_settle(app_ctx):
    case = as_role(new_case(T(2026, 3, 2, 9)), "resolve_on_spot", {"result": "当场解答", "solved": "yes"},
                   T(2026, 3, 2, 10), "window")
    assert case.status == CaseStatus.RESOLVED and case.assignments == []
    assert "closed_assignments" not in case.events[-1].data
