"""History cannot be destroyed: cases are voided (作废), never deleted; records others refer to stay.

A case always has history (at least its 受理 event), so no role can delete one
on any channel. The admin voids a case registered in error, with a reason: it
keeps its events, its open 交办单 are settled, the audit log records who and
why, and lists hide it until asked for. Any other record that another record
refers to (a department named in a case, …) cannot be deleted either.
"""

from __future__ import annotations

import sqlalchemy as sa

from access.system import as_system
from extensions import db
from models import Assignment, AuditLog, Case, CaseEvent, Department
from models.enums import AssignmentStatus, CaseStatus, DepartmentKind
from tests.workflow_support import case_in, department
from workdays import clock


def _history(case_id: int) -> tuple[int, int]:
    db.session.expire_all()
    events = db.session.scalar(sa.select(sa.func.count()).where(CaseEvent.case_id == case_id))
    assignments = db.session.scalar(sa.select(sa.func.count()).where(Assignment.case_id == case_id))
    return events, assignments


def test_no_role_can_delete_a_case_on_any_channel(as_user, api, app_ctx):
    case = case_in(CaseStatus.ASSIGNED)
    db.session.commit()
    before = _history(case.id)
    admin = as_user("admin")
    assert "/cases/delete/" not in admin.get("/cases/list/").get_data(as_text=True)
    assert admin.post(f"/cases/delete/{case.id}").status_code in (404, 405)
    assert api("admin").delete(f"/api/v1/cases/{case.id}").status_code in (404, 405)
    assert db.session.get(Case, case.id) is not None
    assert _history(case.id) == before


def test_the_admin_voids_an_open_case_with_a_reason_and_its_history_stays(as_user, app_ctx):
    case = case_in(CaseStatus.ASSIGNED)
    db.session.commit()
    events_before, assignments = _history(case.id)
    admin = as_user("admin")
    form = admin.get(f"/cases/act/{case.id}/void").get_data(as_text=True)
    assert "作废原因" in form
    refused = admin.post(f"/cases/act/{case.id}/void", data={"reason": "", "version": case.version})
    assert refused.status_code == 200 and "请修改标出的字段" in refused.get_data(as_text=True)
    done = admin.post(f"/cases/act/{case.id}/void", data={"reason": "重复登记", "version": case.version})
    assert done.status_code == 302
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    assert case.status == CaseStatus.VOIDED and case.void_reason == "重复登记"
    # One more event (作废), the same assignments, none of them still pending for the department.
    assert _history(case.id) == (events_before + 1, assignments)
    assert case.events[-1].action.value == "void" and case.events[-1].actor.username == "admin"
    assert all(a.status == AssignmentStatus.CLOSED for a in case.assignments)
    audit = db.session.scalars(sa.select(AuditLog).where(
        AuditLog.model == "Case", AuditLog.record_id == case.id, AuditLog.username == "admin")).all()
    assert any((row.changes or {}).get("status") == ["assigned", "voided"] for row in audit), [r.changes for r in audit]
    # Read-only from now on.
    assert admin.get(f"/cases/edit/{case.id}").status_code == 409
    again = admin.post(f"/cases/act/{case.id}/void", data={"reason": "再次", "version": case.version})
    assert "该事项状态为“已作废”，只读" in again.get_data(as_text=True)
    assert _history(case.id) == (events_before + 1, assignments)


def test_only_the_admin_may_void(as_user, api, app_ctx):
    case = case_in(CaseStatus.RECEIVED)
    db.session.commit()
    for role in ("window", "coordinator", "leader"):
        assert as_user(role).get(f"/cases/act/{case.id}/void").status_code == 403
        answer = api(role).post(f"/api/v1/cases/{case.id}/actions/void", json={"reason": "误录"})
        assert answer.status_code == 403 and answer.get_json()["message"] == "您没有执行此操作的权限。"
    assert db.session.get(Case, case.id).status == CaseStatus.RECEIVED


def test_voided_cases_leave_the_lists_until_asked_for(as_user, api, app_ctx):
    case = case_in(CaseStatus.ASSIGNED)
    db.session.commit()
    body = {"reason": "误录", "version": case.version}
    answer = api("admin").post(f"/api/v1/cases/{case.id}/actions/void", json=body)
    assert answer.status_code == 200 and answer.get_json()["result"]["status"] == "voided"
    coordinator = as_user("coordinator")
    row = f'data-pk="{case.id}"'
    assert row not in coordinator.get("/cases/list/?psize_CaseView=100").get_data(as_text=True)
    assert row in coordinator.get("/cases/list/?quick=voided").get_data(as_text=True)
    assert row in coordinator.get("/cases/list/?_flt_0_status=voided").get_data(as_text=True)
    # The tax bureau no longer has it to sign for.
    handler = as_user("handler_tax").get("/assignments/list/?_flt_0_status=pending").get_data(as_text=True)
    assert case.number not in handler


def test_a_record_other_records_refer_to_cannot_be_deleted(as_user, api, app_ctx):
    tax = department("清城区税务局")
    admin = as_user("admin")
    page = admin.post(f"/departments/delete/{tax.id}", follow_redirects=True).get_data(as_text=True)
    assert "已被其他记录引用" in page and "反映事项" in page and "停用" in page
    answer = api("admin").delete(f"/api/v1/departments/{tax.id}")
    assert answer.status_code == 409 and "已被其他记录引用" in answer.get_json()["message"]
    db.session.expire_all()
    assert db.session.get(Department, tax.id) is not None
    # A department nothing refers to yet (entered by mistake) can go.
    with as_system():
        spare = Department(name="误建的部门", kind=DepartmentKind.DISTRICT)
        db.session.add(spare)
        db.session.commit()
    spare_id = spare.id
    assert admin.post(f"/departments/delete/{spare_id}").status_code == 302
    db.session.expire_all()
    assert db.session.get(Department, spare_id) is None


def test_the_dashboard_counts_what_the_lists_show(as_user, api, app_ctx):
    coordinator = as_user("coordinator")

    def received_today() -> str:
        html = coordinator.get("/dashboard/").get_data(as_text=True)
        return html.split('quick=received_today"', 1)[1].split('tile-count">', 1)[1].split("<", 1)[0]

    before = int(received_today())
    case = case_in(CaseStatus.RECEIVED, at=clock.now())
    db.session.commit()
    assert int(received_today()) == before + 1
    api("admin").post(f"/api/v1/cases/{case.id}/actions/void", json={"reason": "误录"})
    # Voided: out of 今日受理 again, as it is out of the list that tile opens.
    assert int(received_today()) == before
