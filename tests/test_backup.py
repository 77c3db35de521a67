"""`flask backup DEST` / `flask restore SRC`: a consistent snapshot taken while the console writes, brought back whole.

Both commands run as subprocesses, as cron and an operator run them. While the
backup is taken, writer threads keep registering and assessing cases through
the live server. The restored database must hold exactly the snapshot the
backup recorded (every table's rows, counted and checksummed in its manifest)
and a state the console actually passed through: every case's events and audit
rows present, no half-written action. A non-empty target, a tampered or
incomplete backup, a backup of the other database kind or of newer code are
refused in Chinese and leave the target as it was.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa

from tests.conftest import PASSWORD
from tests.live_support import live  # noqa: F401  (fixture)

ROOT = Path(__file__).resolve().parent.parent
FLASK = str(Path(sys.executable).parent / "flask")
WRITERS = 4
TITLE = "备份压测"
CASE = {"description": "备份期间登记", "channel": "online", "applicant_kind": "person", "applicant_name": "王女士"}
ASSESS = {"problem_type": "difficult", "track": "coordinate", "disposition": "escalate", "level": "back_office"}
FILES = {
    "2025/06/受理回执.pdf": b"%PDF-1.4 \x00\xff binary",
    "2025/06/现场照片.jpg": bytes(range(256)) * 40,
    "readme.txt": "附件目录".encode(),
}


def flask(app, url: str, uploads: Path, *args: str) -> subprocess.CompletedProcess:
    """`flask ARGS` in the repository root against `url`, as a cron job or an operator runs it."""
    env = dict(os.environ, DATABASE_URL=url, SECRET_KEY=app.config["SECRET_KEY"], UPLOAD_FOLDER=str(uploads),
               PYTHONPATH=str(ROOT), PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    env.pop("TEST_DATABASE_URL", None)
    return subprocess.run([FLASK, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture
def empty_database(database, tmp_path) -> Iterator:
    """`empty_database()` → the URL of a new, empty database (a SQLite file, or a database on the server)."""
    made: list[str] = []
    admin = sa.create_engine(database.server, isolation_level="AUTOCOMMIT",
                             poolclass=sa.pool.NullPool) if database.postgres else None

    def make() -> str:
        token = uuid.uuid4().hex[:8]
        if admin is None:
            return f"sqlite:///{tmp_path / f'empty-{token}.db'}"
        name = f"{database.work_name}_restore_{token}"
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        made.append(name)
        return database.server.set(database=name).render_as_string(hide_password=False)

    yield make
    if admin is not None:
        with admin.connect() as conn:
            for name in made:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _hashable(value):
    """JSON columns come back as dicts on PostgreSQL: compare them as sorted JSON text."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False) if isinstance(value, (dict, list)) else value


def table_rows(url: str) -> dict[str, list[tuple]]:
    """Every table's rows, in a stable order."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            names = sa.inspect(conn).get_table_names()
            preparer = conn.dialect.identifier_preparer
            return {name: sorted((tuple(_hashable(v) for v in row)
                                  for row in conn.exec_driver_sql(f"SELECT * FROM {preparer.quote(name)}")),
                                 key=repr) for name in names}
    finally:
        engine.dispose()


def put_files(folder: Path) -> None:
    for name, data in FILES.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)


def tree(folder: Path) -> dict[str, bytes]:
    if not folder.exists():
        return {}
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


class Writers:
    """Threads that keep registering and assessing cases through the live server until stopped."""

    def __init__(self, base: str, count: int) -> None:
        self.base = base
        tokens = [self._token() for _ in range(count)]
        self.threads = [threading.Thread(target=self._work, args=(n, token)) for n, token in enumerate(tokens)]
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.done = 0
        self.errors: list[str] = []

    def _token(self) -> str:
        answer = requests.post(f"{self.base}/api/v1/security/login",
                               json={"username": "coordinator", "password": PASSWORD, "provider": "db"}, timeout=60)
        assert answer.status_code == 200, answer.text
        return answer.json()["access_token"]

    def _work(self, n: int, token: str) -> None:
        headers = {"Authorization": f"Bearer {token}"}
        with requests.Session() as http:
            i = 0
            while not self.stop.is_set():
                created = http.post(f"{self.base}/api/v1/cases/", json={**CASE, "title": f"{TITLE} {n}-{i}"},
                                    headers=headers, timeout=120)
                if created.status_code != 201:
                    self.errors.append(f"{created.status_code} {created.text[:300]}")
                    return
                body = created.json()
                assessed = http.post(f"{self.base}/api/v1/cases/{body['id']}/actions/assess",
                                     json={**ASSESS, "version": body["result"]["version"]}, headers=headers,
                                     timeout=120)
                if assessed.status_code != 200:
                    self.errors.append(f"{assessed.status_code} {assessed.text[:300]}")
                    return
                with self.lock:
                    self.done += 1
                i += 1

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def wait_for(self, count: int) -> None:
        deadline = time.monotonic() + 120
        while self.done < count and not self.errors:
            assert time.monotonic() < deadline, f"writers stalled at {self.done}"
            time.sleep(0.05)

    def finish(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=120)
        assert not self.errors, self.errors


def by_column(url: str, rows: dict[str, list[tuple]], table: str) -> list[dict]:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            names = [c["name"] for c in sa.inspect(conn).get_columns(table)]
    finally:
        engine.dispose()
    return [dict(zip(names, row, strict=True)) for row in rows[table]]


def dump_counts(dump: Path) -> dict[str, int]:
    """Row counts read straight from a pg_dump archive, by pg_restore's own SQL output."""
    text = subprocess.run(["pg_restore", "--data-only", "-f", "-", str(dump)], capture_output=True, text=True,
                          check=True).stdout
    counts, table = {}, None
    for line in text.splitlines():
        match = re.match(r'^COPY public\.("?)(.+?)\1 \(', line)
        if match:
            table, counts[match.group(2)] = match.group(2), 0
        elif line == "\\.":
            table = None
        elif table is not None:
            counts[table] += 1
    return counts


def assert_no_half_written_action(url: str, rows: dict[str, list[tuple]]) -> int:
    """Every writer case is in a state its events and audit rows agree with; returns how many there are."""
    cases = {c["id"]: c for c in by_column(url, rows, "case") if c["title"].startswith(TITLE)}
    events: dict[int, list[dict]] = {pk: [] for pk in cases}
    for event in sorted(by_column(url, rows, "case_event"), key=lambda e: e["id"]):
        if event["case_id"] in events:
            events[event["case_id"]].append(event)
    audit = by_column(url, rows, "audit_log")
    audited_events = {a["record_id"] for a in audit if a["model"] == "CaseEvent" and a["operation"] == "create"}
    for pk, case in cases.items():
        actions = [e["action"] for e in events[pk]]
        expected = {"received": ["receive"], "assessing": ["receive", "assess"]}[case["status"]]
        assert actions == expected, (case["number"], case["status"], actions)
        assert case["version"] == len(actions), (case["number"], case["version"], actions)
        logged = [a for a in sorted(audit, key=lambda a: a["id"]) if a["model"] == "Case" and a["record_id"] == pk]
        assert [a["operation"] for a in logged][:1] == ["create"], case["number"]
        changes = [json.loads(a["changes"]) if isinstance(a["changes"], str) else a["changes"] for a in logged[1:]]
        moves = [change["status"] for change in changes if "status" in change]
        assert moves == [[e["from_status"], e["to_status"]] for e in events[pk][1:]], (case["number"], moves)
        assert {e["id"] for e in events[pk]} <= audited_events, case["number"]
    audited_cases = {a["record_id"] for a in audit if a["model"] == "Case"}
    assert audited_cases <= {row[0] for row in rows["case"]} | {None}, "audit rows of a case the snapshot lacks"
    return len(cases)


def test_a_backup_taken_while_the_console_writes_restores_exactly_its_snapshot(
        app, database, live, tmp_path, empty_database):
    uploads, restored_uploads, dest = tmp_path / "uploads", tmp_path / "restored-uploads", tmp_path / "backup"
    put_files(uploads)
    writers = Writers(live, WRITERS)
    writers.start()
    try:
        writers.wait_for(WRITERS)
        backup = flask(app, database.url, uploads, "backup", str(dest))
        writers.wait_for(writers.done + WRITERS)
    finally:
        writers.finish()
    assert backup.returncode == 0, backup.stderr
    assert "备份完成" in backup.stdout, backup.stdout

    manifest = json.loads((dest / "manifest.json").read_text(encoding="utf-8"))
    target = empty_database()
    restore = flask(app, target, restored_uploads, "restore", str(dest))
    assert restore.returncode == 0, restore.stderr
    assert "恢复完成" in restore.stdout, restore.stdout

    restored, live_rows = table_rows(target), table_rows(database.url)
    counted = {name: table["rows"] for name, table in manifest["database"]["tables"].items()}
    assert {name: len(rows) for name, rows in restored.items()} == counted
    if database.postgres:
        assert dump_counts(dest / manifest["database"]["file"]) == counted
    else:
        assert restored == table_rows(f"sqlite:///{dest / manifest['database']['file']}")
    from backups.manifest import table_checksums

    engine = sa.create_engine(target, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        assert table_checksums(conn) == manifest["database"]["tables"]
    engine.dispose()

    # The snapshot fell between writes: some writer cases are in it, later ones are not.
    written = assert_no_half_written_action(target, restored)
    assert 0 < written < assert_no_half_written_action(database.url, live_rows)
    # Events and the audit log are append-only: each restored row is the live row with that id, unchanged.
    for table in ("case_event", "audit_log", "login_log"):
        assert set(restored[table]) <= set(live_rows[table]), table
    assert tree(restored_uploads) == tree(uploads) == FILES
    # The snapshot holds the audit log's hash chain whole, up to the head it recorded.
    verified = flask(app, target, restored_uploads, "audit-verify")
    assert verified.returncode == 0 and "完整" in verified.stdout, verified.stderr


@pytest.fixture
def made_backup(app, database, tmp_path) -> Path:
    """A backup of the demo database and three uploaded files, taken by `flask backup`."""
    uploads, dest = tmp_path / "uploads", tmp_path / "backup"
    put_files(uploads)
    result = flask(app, database.url, uploads, "backup", str(dest))
    assert result.returncode == 0, result.stderr
    return dest


def assert_refused(result: subprocess.CompletedProcess, said: str) -> None:
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert said in result.stderr, result.stderr
    for english in ("Error", "Traceback", "Usage:"):
        assert english not in result.stdout + result.stderr, result.stderr


def test_restore_into_a_database_that_holds_data_is_refused_and_changes_nothing(app, database, made_backup,
                                                                                tmp_path):
    before = table_rows(database.url)
    uploads = tmp_path / "live-uploads"
    (uploads / "keep.txt").parent.mkdir()
    (uploads / "keep.txt").write_bytes(b"keep")
    result = flask(app, database.url, uploads, "restore", str(made_backup))
    assert_refused(result, "不是空库")
    assert table_rows(database.url) == before
    assert tree(uploads) == {"keep.txt": b"keep"}


def test_restore_into_an_upload_folder_that_holds_files_is_refused(app, made_backup, tmp_path, empty_database):
    uploads = tmp_path / "other-uploads"
    uploads.mkdir()
    (uploads / "other.txt").write_bytes(b"other")
    target = empty_database()
    assert_refused(flask(app, target, uploads, "restore", str(made_backup)), "附件目录")
    assert table_rows(target) == {}
    assert tree(uploads) == {"other.txt": b"other"}


def _manifest(dest: Path, change) -> None:
    path = dest / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    change(manifest)
    path.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")


def _flip_a_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def _other_kind(manifest: dict) -> None:
    manifest["database"]["kind"] = "sqlite" if manifest["database"]["kind"] == "postgresql" else "postgresql"


def _one_more_case(manifest: dict) -> None:
    manifest["database"]["tables"]["case"]["rows"] += 1


TAMPERINGS = {
    "no manifest": (lambda d: (d / "manifest.json").unlink(), "不是完整的备份"),
    "manifest cut short": (lambda d: (d / "manifest.json").write_text('{"format": ', encoding="utf-8"),
                           "无法读取"),
    "database file changed": (lambda d: _flip_a_byte(next(d.glob("database.*"))), "已损坏"),
    "database file missing": (lambda d: next(d.glob("database.*")).unlink(), "不是完整的备份"),
    "a file missing": (lambda d: (d / "files/2025/06/受理回执.pdf").unlink(), "不是完整的备份"),
    "a file changed": (lambda d: _flip_a_byte(d / "files/2025/06/现场照片.jpg"), "已损坏"),
    "rows counted differ": (lambda d: _manifest(d, _one_more_case), "与备份记录不符"),
    "other database kind": (lambda d: _manifest(d, _other_kind), "不能恢复到"),
    "newer code": (lambda d: _manifest(d, lambda m: m["database"].update(revision="9999")), "更新的版本"),
}


def test_a_tampered_or_incomplete_backup_is_refused_and_the_target_stays_empty(app, made_backup, tmp_path,
                                                                               empty_database):
    for name, (tamper, said) in TAMPERINGS.items():
        copy = tmp_path / f"copy-{len(list(tmp_path.glob('copy-*')))}"
        shutil.copytree(made_backup, copy)
        tamper(copy)
        target, uploads = empty_database(), tmp_path / f"{copy.name}-uploads"
        result = flask(app, target, uploads, "restore", str(copy))
        assert result.returncode == 1, (name, result.stdout, result.stderr)
        assert said in result.stderr, (name, result.stderr)
        assert "Error" not in result.stderr and "Traceback" not in result.stderr, (name, result.stderr)
        assert table_rows(target) == {}, name
        assert tree(uploads) == {}, name


def test_a_backup_of_older_code_is_restored_and_brought_to_the_current_head(app, tmp_path, empty_database):
    from alembic.config import Config as AlembicConfig
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(_alembic_config(AlembicConfig))
    head = script.get_current_head()
    older = script.get_revision(head).down_revision
    source, target, dest = empty_database(), empty_database(), tmp_path / "old-backup"
    uploads = tmp_path / "uploads"
    assert flask(app, source, uploads, "db", "upgrade", older).returncode == 0
    assert flask(app, source, uploads, "backup", str(dest)).returncode == 0
    assert json.loads((dest / "manifest.json").read_text(encoding="utf-8"))["database"]["revision"] == older
    result = flask(app, target, uploads, "restore", str(dest))
    assert result.returncode == 0, result.stderr
    assert table_rows(target)["alembic_version"] == [(head,)]


def _alembic_config(factory):
    config = factory()
    config.set_main_option("script_location", str(ROOT / "migrations"))
    return config


def test_backup_will_not_write_over_an_earlier_one(app, database, made_backup, tmp_path):
    before = tree(made_backup)
    result = flask(app, database.url, tmp_path / "uploads", "backup", str(made_backup))
    assert_refused(result, "已存在")
    assert tree(made_backup) == before


def test_restore_of_a_missing_backup_is_refused(app, tmp_path, empty_database):
    assert_refused(flask(app, empty_database(), tmp_path / "u", "restore", str(tmp_path / "nowhere")), "找不到备份")
