"""`flask seed-bulk` makes load-test data that the console can show and work with."""

from __future__ import annotations

import sqlalchemy as sa

from extensions import db
from models import Assignment, Case, CaseEvent
from models.enums import CaseStatus


def _bulk_cases() -> list[tuple]:
    rows = db.session.execute(sa.select(
        Case.number, Case.title, Case.received_at, Case.status, Case.applicant_name, Case.lead_department_id,
    ).where(Case.title.like("%（压测）")).order_by(Case.number)).all()
    return [tuple(row) for row in rows]


def _run(app, *args: str):
    db.session.remove()
    return app.test_cli_runner().invoke(args=["seed-bulk", *args])


def test_seed_bulk_adds_numbered_cases_with_their_trail(app, app_ctx):
    before = db.session.scalar(sa.select(sa.func.count()).select_from(Case))
    result = _run(app, "--cases", "120", "--seed", "5")
    assert result.exit_code == 0, result.output
    assert "已生成 120 件" in result.output and "峰值内存" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Case)) == before + 120
    numbers = [row[0] for row in _bulk_cases()]
    assert len(set(numbers)) == 120
    all_numbers = db.session.execute(sa.select(Case.number)).scalars().all()
    assert len(all_numbers) == len(set(all_numbers))
    bulk = db.session.execute(sa.select(Case).where(Case.title.like("%（压测）"))).scalars().all()
    for case in bulk:
        events = db.session.scalar(sa.select(sa.func.count()).select_from(CaseEvent)
                                   .where(CaseEvent.case_id == case.id))
        assert events >= 1
        if case.status in (CaseStatus.ASSIGNED, CaseStatus.RESOLVED, CaseStatus.ARCHIVED):
            assert case.lead_department_id is not None
            assert db.session.scalar(sa.select(sa.func.count()).select_from(Assignment)
                                     .where(Assignment.case_id == case.id)) == 1
    assert len({case.status for case in bulk}) >= 4


def test_same_seed_gives_same_cases(app, app_ctx, database):
    assert _run(app, "--cases", "40", "--seed", "9").exit_code == 0
    first = _bulk_cases()
    db.session.remove()
    database.restore()
    assert _run(app, "--cases", "40", "--seed", "9").exit_code == 0
    assert _bulk_cases() == first
    db.session.remove()
    database.restore()
    assert _run(app, "--cases", "40", "--seed", "10").exit_code == 0
    assert _bulk_cases() != first


def test_bulk_cases_show_in_the_console(app, app_ctx, as_user):
    assert _run(app, "--cases", "30", "--seed", "2").exit_code == 0
    number = _bulk_cases()[0][0]
    page = as_user("coordinator").get(f"/cases/list/?_flt_0_number={number}")
    assert page.status_code == 200
    assert number in page.get_data(as_text=True)


def test_seed_bulk_refuses_a_non_positive_count(app, app_ctx):
    result = _run(app, "--cases", "0")
    assert result.exit_code != 0
    assert "必须大于 0" in result.output


def test_bulk_cases_record_their_response_deadline_as_registration_does(app, app_ctx):
    """The 响应率 reads the response deadline from the 受理 event; load-test cases must carry it too."""
    from models.enums import CaseAction

    assert _run(app, "--cases", "30", "--seed", "3").exit_code == 0
    missing = db.session.scalar(sa.select(sa.func.count()).select_from(CaseEvent).where(
        CaseEvent.action == CaseAction.RECEIVE, CaseEvent.deadline.is_(None)))
    assert missing == 0


def test_a_run_is_one_entry_of_the_audit_log_not_one_per_generated_record(app, app_ctx):
    from models import AuditLog

    last = db.session.scalar(sa.select(sa.func.max(AuditLog.id)))
    assert _run(app, "--cases", "50", "--seed", "4").exit_code == 0
    db.session.remove()
    added = db.session.execute(sa.select(AuditLog).where(AuditLog.id > last)).scalars().all()
    # 50 cases, their 50 受理 events, assignments and verdicts: one row for all of them.
    assert len(added) == 1, [(row.operation, row.model) for row in added]
    entry = added[0]
    assert (entry.operation, entry.model, entry.channel, entry.username) == ("generate", "Case", "seed", "system")
    assert entry.changes["case_count"] == [None, 50] and entry.changes["seed"] == [None, 4]
    numbers = [row[0] for row in _bulk_cases()]
    assert all(f"BBC-{year}-" in entry.changes["numbers"][1] for year in {n.split("-")[1] for n in numbers})
    assert "生成件数" in entry.changed_fields and "随机种子" in entry.changed_fields  # labelled on the 操作日志 page


def test_a_load_of_several_chunks_commits_every_chunk(app, app_ctx, monkeypatch):
    """Rows written through the driver's own cursor must still be committed when no SQL statement of
    SQLAlchemy's opened the transaction (the last chunk, whose next ids are not needed)."""
    import seed.bulk as bulk

    monkeypatch.setattr(bulk, "CHUNK", 20)
    before = db.session.scalar(sa.select(sa.func.count()).select_from(Case))
    result = _run(app, "--cases", "50", "--seed", "6")  # chunks of 20, 20 and 10; fewer than the 60 demo cases
    assert result.exit_code == 0, result.output
    db.session.remove()
    with db.engine.connect() as other:  # what another connection sees: committed rows only
        assert other.scalar(sa.select(sa.func.count()).select_from(Case)) == before + 50
