"""Load-test cases from `flask seed-bulk` hold what the console relies on: search rows, events, assignments."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from extensions import db
from models import Assignment, Case, CaseEvent, Satisfaction
from models.case_search import search_table
from models.enums import AssignmentRole, AssignmentStatus, CaseAction, CaseStatus
from seed.bulk_load import fast_sqlite_writes

BULK = Case.title.like("%（压测）")
ASSIGNED_OR_LATER = {CaseStatus.ASSIGNED, CaseStatus.RESOLVED, CaseStatus.EVALUATED, CaseStatus.SUMMARIZED,
                     CaseStatus.ARCHIVED}
CLOSED = {CaseStatus.RESOLVED, CaseStatus.EVALUATED, CaseStatus.SUMMARIZED, CaseStatus.ARCHIVED}
EVALUATED = {CaseStatus.EVALUATED, CaseStatus.SUMMARIZED, CaseStatus.ARCHIVED}


def _seed(app, count: int, seed: int) -> None:
    db.session.remove()
    result = app.test_cli_runner().invoke(args=["seed-bulk", "--cases", str(count), "--seed", str(seed)])
    assert result.exit_code == 0, result.output


def test_every_bulk_case_is_found_by_the_title_and_applicant_search(app, app_ctx, as_user, api):
    _seed(app, 80, 6)
    cases = db.session.scalars(sa.select(Case).where(BULK)).all()
    table = search_table(db.session.get_bind().dialect.name)
    indexed = set(db.session.scalars(sa.select(table.c.case_id)).all())
    assert {case.id for case in cases} <= indexed
    # Expected from the titles themselves (the bulk topics are 社保补缴, 营业执照变更, …; "社保" is in one of them).
    expected = sum(1 for case in cases if "社保" in case.title)
    demo = db.session.scalar(sa.select(sa.func.count()).select_from(Case).where(
        ~BULK, Case.title.like("%社保%"), Case.status != CaseStatus.VOIDED))
    page = as_user("coordinator").get("/cases/list/?_flt_0_title=社保&psize_CaseView=100").get_data(as_text=True)
    assert 0 < expected and page.count('name="rowid"') == min(expected + demo, 100)
    surname = cases[0].applicant_name
    answer = api("coordinator").get(
        f"/api/v1/cases/?q=(filters:!((col:applicant_name,opr:contains,value:'{surname}')),page_size:100)")
    assert answer.get_json()["count"] >= sum(1 for case in cases if case.applicant_name == surname) > 0


def test_every_bulk_case_has_the_trail_its_status_implies(app, app_ctx):
    _seed(app, 200, 7)
    cases = db.session.scalars(sa.select(Case).where(BULK)).all()
    assert len(cases) == 200
    events = {case_id: (action, deadline) for case_id, action, deadline in db.session.execute(
        sa.select(CaseEvent.case_id, CaseEvent.action, CaseEvent.deadline).join(Case).where(BULK))}
    assignments: dict[int, list[Assignment]] = {}
    for assignment in db.session.scalars(sa.select(Assignment).join(Case).where(BULK)):
        assignments.setdefault(assignment.case_id, []).append(assignment)
    verdicts = db.session.scalars(sa.select(Satisfaction.case_id).join(Case).where(BULK)).all()
    assert len(events) == db.session.scalar(sa.select(sa.func.count()).select_from(CaseEvent).join(Case).where(BULK))
    for case in cases:
        assert events[case.id] == (CaseAction.RECEIVE, case.response_due)
        if case.status in ASSIGNED_OR_LATER:
            [lead] = assignments[case.id]
            assert (lead.role, lead.department_id) == (AssignmentRole.LEAD, case.lead_department_id)
            assert lead.deadline == case.due_date and lead.assigned_at == case.assigned_at
            if case.status in CLOSED:
                assert (lead.status, lead.replied_at) == (AssignmentStatus.REPLIED, case.resolved_at)
                assert case.solved is not None and case.resolved_at > case.received_at
            else:
                assert lead.status == AssignmentStatus.SIGNED and case.resolved_at is None
        else:
            assert case.id not in assignments and case.lead_department_id is None
        assert verdicts.count(case.id) == (1 if case.status in EVALUATED else 0)
        assert (case.archived_at is not None) == (case.status == CaseStatus.ARCHIVED)
        assert case.due_date >= case.received_at.date() and case.version == 1


def test_the_fast_sqlite_settings_end_with_the_load(app, app_ctx):
    """seed-bulk's pooled connection goes back with the durable settings it came with."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    with db.engine.connect() as connection:
        raw = connection.connection.dbapi_connection

        def settings() -> tuple:
            return tuple(raw.execute(f"PRAGMA {name}").fetchone()[0] for name in ("synchronous", "journal_mode"))

        before = settings()
        with fast_sqlite_writes(connection):
            assert settings() == (0, "memory")  # 0 = OFF
        assert settings() == before and before[0] != 0
