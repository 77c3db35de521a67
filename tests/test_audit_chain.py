"""The tamper-evident 操作日志: a hash chain that `flask audit-verify` walks.

Rows are changed, removed and forged straight in the database, as someone with
database access would; verification then fails and names that row. The chain
survives `flask audit-purge`, the migration that introduced it, and many writers
at once (threads of one server, and gunicorn's worker processes).
"""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import requests
import sqlalchemy as sa

from extensions import db
from models import AuditLog
from tests.conftest import PASSWORD
from tests.helpers import english_words, visible_text
from tests.live_support import gunicorn_server, live  # noqa: F401  (fixtures)
from workdays import clock


def verify(app) -> tuple[int, str]:
    """`flask audit-verify`: (exit code, what it printed)."""
    db.session.rollback()  # the command's own transaction writes (SQLite locks the file)
    result = app.test_cli_runner().invoke(args=["audit-verify"])
    return result.exit_code, result.output


def execute(sql: str, **params: object) -> None:
    """Run one statement straight on the database, as an intruder would, and commit it."""
    db.session.execute(sa.text(sql), params)
    db.session.commit()


def audit_ids() -> list[int]:
    db.session.expire_all()
    return list(db.session.execute(sa.select(AuditLog.id).order_by(AuditLog.id)).scalars())


def test_an_untouched_log_verifies(app, app_ctx):
    code, output = verify(app)
    assert code == 0, output
    assert "完整" in output and str(len(audit_ids())) in output


def test_an_altered_row_is_named(app, app_ctx):
    target = audit_ids()[len(audit_ids()) // 2]
    execute("UPDATE audit_log SET username = 'someone' WHERE id = :id", id=target)
    code, output = verify(app)
    assert code == 1
    assert f"编号 {target}" in output and "修改" in output


def test_an_altered_value_of_changes_is_named(app, app_ctx):
    target = audit_ids()[3]
    execute("UPDATE audit_log SET record_id = 999999 WHERE id = :id", id=target)
    code, output = verify(app)
    assert code == 1 and f"编号 {target}" in output


def test_a_removed_row_is_named(app, app_ctx):
    ids = audit_ids()
    target = ids[len(ids) // 3]
    execute("DELETE FROM audit_log WHERE id = :id", id=target)
    code, output = verify(app)
    assert code == 1
    assert f"编号 {target}" in output and "删除" in output


def test_removing_the_last_row_is_named(app, app_ctx):
    target = audit_ids()[-1]
    execute("DELETE FROM audit_log WHERE id = :id", id=target)
    code, output = verify(app)
    assert code == 1 and f"编号 {target}" in output and "删除" in output


def test_an_inserted_row_is_named(app, app_ctx):
    execute("INSERT INTO audit_log (at, username, channel, operation, model, record_id) "
            "VALUES (:at, 'admin', 'ui', 'update', 'Case', 1)", at=clock.now())
    forged = audit_ids()[-1]
    code, output = verify(app)
    assert code == 1
    assert f"编号 {forged}" in output and "插入" in output


def test_a_forged_row_with_a_correctly_computed_hash_is_named(app, app_ctx):
    """An intruder who knows the algorithm links a row to the last one: the chain head gives it away."""
    from access.audit_chain import row_digest

    last = db.session.execute(sa.select(AuditLog).order_by(AuditLog.id.desc())).scalars().first()
    row = {"id": last.id + 1, "at": clock.now(), "user_id": None, "username": "admin", "ip": None, "channel": "ui",
           "operation": "update", "model": "Case", "record_id": 1, "changes": {"title": ["甲", "乙"]},
           "prev_id": last.id, "prev_hash": last.row_hash}
    db.session.execute(sa.insert(AuditLog.__table__).values(**row, row_hash=row_digest(row)))
    db.session.commit()
    code, output = verify(app)
    assert code == 1 and f"编号 {last.id + 1}" in output and "插入" in output


def test_a_row_replaced_by_a_forged_one_with_a_correct_hash_is_named(app, app_ctx):
    """A row deleted and forged again under its id, linked to its predecessor: its successor gives it away."""
    from access.audit_chain import row_digest

    ids = audit_ids()
    before, target = ids[5], ids[6]
    prev_hash = db.session.get(AuditLog, before).row_hash
    execute("DELETE FROM audit_log WHERE id = :id", id=target)
    row = {"id": target, "at": clock.now(), "user_id": None, "username": "admin", "ip": None, "channel": "ui",
           "operation": "update", "model": "Case", "record_id": 1, "changes": None,
           "prev_id": before, "prev_hash": prev_hash}
    db.session.execute(sa.insert(AuditLog.__table__).values(**row, row_hash=row_digest(row)))
    db.session.commit()
    code, output = verify(app)
    assert code == 1 and f"编号 {target}" in output


def test_purge_keeps_the_chain_verifiable(app, app_ctx):
    later = clock.now() + dt.timedelta(days=400)
    with clock.frozen_at(later - dt.timedelta(days=10)):
        from access.audit import record
        from access.system import as_system

        with as_system():
            record(db.session, "update", "Case", 1, {"title": ["甲", "乙"]})
            db.session.commit()
    recent = audit_ids()[-1]
    db.session.rollback()
    with clock.frozen_at(later):
        done = app.test_cli_runner().invoke(args=["audit-purge"])
    assert done.exit_code == 0, done.output
    left = audit_ids()
    assert recent in left and left[0] == recent, "everything before the recent row went"
    code, output = verify(app)
    assert code == 0, output


def test_purge_refuses_to_remove_a_broken_part_of_the_chain(app, app_ctx):
    target = audit_ids()[2]
    execute("UPDATE audit_log SET username = 'someone' WHERE id = :id", id=target)
    count = len(audit_ids())
    db.session.rollback()
    with clock.frozen_at(clock.now() + dt.timedelta(days=400)):
        refused = app.test_cli_runner().invoke(args=["audit-purge"])
    assert refused.exit_code == 1 and f"编号 {target}" in refused.output
    assert len(audit_ids()) == count


def test_the_migration_chains_rows_written_before_it(app, app_ctx):
    from flask_migrate import downgrade, upgrade

    db.session.remove()
    downgrade(revision="0006")
    db.session.execute(sa.text("INSERT INTO audit_log (at, username, channel, operation, model, record_id, changes) "
                               "VALUES (:at, 'admin', 'ui', 'update', 'Case', 1, :changes)"),
                       {"at": clock.now(), "changes": '{"title": ["甲", "乙"]}'})
    db.session.commit()
    db.session.remove()
    upgrade()
    code, output = verify(app)
    assert code == 0, output


def test_the_audit_screen_shows_the_last_verification(app, as_user, app_ctx):
    leader = as_user("leader")
    assert "尚未核验" in leader.get("/audit/list/").get_data(as_text=True)
    assert verify(app)[0] == 0
    page = leader.get("/audit/list/").get_data(as_text=True)
    assert "最近一次核验" in page and "完整" in page and "立即核验" not in page
    assert not english_words(page), english_words(page)
    assert leader.post("/audit/verify").status_code in (302, 403)
    target = audit_ids()[4]
    execute("UPDATE audit_log SET username = 'someone' WHERE id = :id", id=target)
    admin = as_user("admin")
    assert "立即核验" in admin.get("/audit/list/").get_data(as_text=True)
    checked = admin.post("/audit/verify", follow_redirects=True).get_data(as_text=True)
    assert f"编号 {target}" in checked and "被修改" in visible_text(checked)
    assert f"编号 {target}" in leader.get("/audit/list/").get_data(as_text=True)


# ---- many writers at once ---------------------------------------------------------------


def _open_cases(count: int) -> list[int]:
    """New cases a coordinator may edit, one per writer (so that nothing else serializes the writers)."""
    from models.enums import CaseStatus
    from tests.workflow_support import case_in

    cases = [case_in(CaseStatus.RECEIVED) for _ in range(count)]
    db.session.commit()
    return [case.id for case in cases]


def _write_concurrently(base: str, cases: list[int], each: int = 6) -> list[str]:
    """One client per case suspends and resumes it, `each` actions in all, all clients at the same time;
    returns the errors."""
    tokens = []
    for _ in cases:
        answer = requests.post(f"{base}/api/v1/security/login", timeout=60,
                               json={"username": "coordinator", "password": PASSWORD, "provider": "db"})
        assert answer.status_code == 200, answer.text
        tokens.append(answer.json()["access_token"])
    barrier = threading.Barrier(len(cases))
    errors: list[str] = []

    def client(n: int) -> None:
        headers = {"Authorization": f"Bearer {tokens[n]}"}
        with requests.Session() as http:
            barrier.wait()
            for i in range(each):
                action, body = ("suspend", {"reason": f"待补材料 {i}"}) if i % 2 == 0 else ("resume", {})
                done = http.post(f"{base}/api/v1/cases/{cases[n]}/actions/{action}", json=body, headers=headers,
                                 timeout=120)
                if done.status_code != 200:
                    errors.append(f"{done.status_code} {done.text[:200]}")

    workers = [threading.Thread(target=client, args=(n,)) for n in range(len(cases))]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return errors


@pytest.fixture
def slow_appends(monkeypatch) -> None:
    """Widen the moment between reading the chain's head and writing after it (threads of this process only)."""
    import time

    from access import audit_chain

    allocate = audit_chain._new_ids

    def slowly(*args: object) -> list[int]:
        time.sleep(0.05)
        return allocate(*args)

    monkeypatch.setattr(audit_chain, "_new_ids", slowly)


@pytest.mark.parametrize("server", ["live", "gunicorn_server"])
def test_many_writers_at_once_keep_one_chain(app, request, server, slow_appends):
    base = request.getfixturevalue(server)
    with app.app_context():
        cases = _open_cases(6)
        start = audit_ids()[-1]
    assert len(cases) == 6
    assert _write_concurrently(base, cases) == []
    with app.app_context():
        events = db.session.execute(sa.select(sa.func.count()).select_from(AuditLog).where(
            AuditLog.id > start, AuditLog.model == "CaseEvent", AuditLog.channel == "api")).scalar_one()
        assert events == 6 * 6
        code, output = verify(app)
        assert code == 0, output
