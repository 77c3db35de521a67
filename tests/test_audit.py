"""操作日志 from every channel, its immutability and purge; personal data masked in it.

Masking on the other channels, reveals and exports: tests/test_personal_data.py.
"""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from extensions import db
from models import AuditLog, Case, Department
from models.audit import AuditOperation, ImmutableLogError
from models.base import acting_as
from models.enums import CaseStatus
from tests.workflow_support import case_in, user


def _audit(model: str, record_id: int) -> list[AuditLog]:
    db.session.expire_all()
    return list(db.session.execute(sa.select(AuditLog).where(AuditLog.model == model, AuditLog.record_id == record_id)
                                   .order_by(AuditLog.id)).scalars())


def test_ui_create_update_delete_are_audited_with_old_and_new_values(as_user, app_ctx):
    client = as_user("admin")
    client.post("/departments/add", data={"name": "审计测试局", "kind": "back_office", "sort_order": "5"})
    dept = db.session.execute(sa.select(Department).where(Department.name == "审计测试局")).scalar_one()
    client.post(f"/departments/edit/{dept.id}", data={"name": "审计测试局（改）", "kind": "district",
                                                       "sort_order": "5", "is_active": "y"})
    client.post(f"/departments/delete/{dept.id}")
    rows = _audit("Department", dept.id)
    assert [r.operation for r in rows] == [AuditOperation.CREATE, AuditOperation.UPDATE, AuditOperation.DELETE]
    assert all(r.username == "admin" and r.channel == "ui" and r.ip == "127.0.0.1" for r in rows)
    assert rows[1].changes["name"] == ["审计测试局", "审计测试局（改）"]
    assert rows[1].changes["kind"] == ["back_office", "district"]
    assert rows[2].changes["name"][0] == "审计测试局（改）"


def test_api_and_workflow_changes_are_audited(api, app_ctx):
    case = case_in(CaseStatus.RECEIVED)
    api("coordinator").put(f"/api/v1/cases/{case.id}", json={"title": "接口改标题"})
    rows = _audit("Case", case.id)
    api_rows = [r for r in rows if r.channel == "api"]
    assert api_rows and api_rows[-1].changes["title"] == ["测试事项", "接口改标题"]
    assert api_rows[-1].username == "coordinator"
    events = [r for r in db.session.execute(sa.select(AuditLog).where(AuditLog.model == "CaseEvent")).scalars()]
    assert events, "the workflow's event rows are audited too"


def test_cli_and_seed_changes_are_audited(app, app_ctx):
    db.session.rollback()
    runner = app.test_cli_runner()
    assert runner.invoke(args=["evaluate", "--period", "2024Q3"]).exit_code == 0
    cli_rows = db.session.execute(sa.select(AuditLog).where(AuditLog.channel == "cli",
                                                            AuditLog.model == "Evaluation")).scalars().all()
    assert cli_rows and all(r.username == "system" for r in cli_rows)


def test_bulk_action_changes_are_audited(as_user, app_ctx):
    cases = [case_in(CaseStatus.ASSESSING) for _ in range(2)]
    tax = db.session.execute(sa.select(Department).where(Department.name == "清城区税务局")).scalar_one()
    as_user("coordinator").post("/cases/bulk/assign", data={
        "rowid": [str(c.id) for c in cases], "confirm": "1", "lead_department_id": tax.id})
    for case in cases:
        changed = [r for r in _audit("Case", case.id) if r.channel == "ui"]
        assert changed and changed[-1].changes["status"] == ["assessing", "assigned"]


def test_personal_data_in_the_audit_log_is_masked(as_user, app_ctx):
    case = case_in(CaseStatus.RECEIVED)
    with acting_as(user("coordinator").id):
        case.applicant_phone = "13800138000"
        db.session.commit()
    change = _audit("Case", case.id)[-1].changes["applicant_phone"]
    assert change == [None, "138****8000"]


def test_the_audit_log_cannot_be_changed_by_anyone(as_user, api, app_ctx):
    row = db.session.execute(sa.select(AuditLog)).scalars().first()
    row.username = "篡改"
    with pytest.raises(ImmutableLogError):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(AuditLog, row.id))
    with pytest.raises(ImmutableLogError):
        db.session.flush()
    db.session.rollback()
    admin = as_user("admin")
    assert admin.get(f"/audit/edit/{row.id}").status_code == 404
    assert admin.post(f"/audit/delete/{row.id}").status_code in (404, 405)
    assert admin.get("/audit/list/").status_code == 200
    assert as_user("leader").get("/audit/list/").status_code == 200
    assert as_user("coordinator").get("/audit/list/").status_code == 403
    assert api("admin").get("/api/v1/audit/").status_code == 404


def test_purge_keeps_the_retention_period(app, app_ctx):
    """Rows older than the retention period go (the chain's oldest part: access/audit_purge.py), newer ones stay."""
    from access.audit import record
    from access.system import as_system
    from models import LoginLog
    from workdays import clock

    later = clock.now() + dt.timedelta(days=400)
    with clock.frozen_at(later - dt.timedelta(days=179)), as_system():
        record(db.session, "update", "Case", 1, {"title": ["甲", "乙"]})
        db.session.commit()
    kept = db.session.execute(sa.select(sa.func.max(AuditLog.id))).scalar_one()
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["audit-purge", "--days", "30"])
    assert refused.exit_code != 0 and "至少保留 180 天" in refused.output
    db.session.rollback()
    with clock.frozen_at(later):
        done = runner.invoke(args=["audit-purge"])
    assert done.exit_code == 0, done.output
    db.session.expire_all()
    left = db.session.execute(sa.select(AuditLog).order_by(AuditLog.id)).scalars().all()
    assert [r.id for r in left[:1]] == [kept]
    assert [r.operation for r in left[1:]] == [AuditOperation.PURGE]
    assert db.session.execute(sa.select(sa.func.count()).select_from(LoginLog)).scalar_one() == 0


def test_mass_assignment_is_refused_on_forms(as_user, app_ctx):
    case = case_in(CaseStatus.RECEIVED)
    as_user("window").post(f"/cases/edit/{case.id}", data={
        "title": case.title, "description": case.description, "channel": "window", "applicant_kind": "person",
        "applicant_name": "某", "received_at": case.received_at.strftime("%Y-%m-%dT%H:%M"),
        "status": "archived", "version": "99", "created_by_id": "1", "lead_department": "6",
        "_version": str(case.version)})
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    assert case.status == CaseStatus.RECEIVED and case.lead_department_id is None
    assert case.applicant_name == "某"
