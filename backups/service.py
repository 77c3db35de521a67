"""Take a backup into a new directory; bring one back into an empty database (see the package docstring)."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic.script import ScriptDirectory

from backups import BackupError, files, manifest, postgres, sqlite
from backups.manifest import KINDS

FILES = "files"
"""The upload folder's name inside a backup."""


def kind_of(url: sa.URL) -> str:
    """`sqlite` or `postgresql`; any other database is refused."""
    kind = url.get_backend_name()
    if kind not in KINDS:
        raise BackupError(f"不支持备份或恢复 {kind} 数据库：只支持 SQLite 与 PostgreSQL。")
    return kind


@contextmanager
def _database_errors() -> Iterator[None]:
    """A database that cannot be reached or read is a refusal with the driver's reason, not a traceback."""
    try:
        yield
    except sa.exc.DBAPIError as exc:
        raise BackupError(f"数据库出错：{str(exc.orig).strip()}") from exc
    except sqlite3.Error as exc:
        raise BackupError(f"数据库出错：{exc}") from exc


def migration_history(directory: str | Path) -> list[str]:
    """The revisions of the migrations in `directory`, newest (the head) first."""
    return [script.revision for script in ScriptDirectory(str(directory)).walk_revisions()]


def make_backup(database_url: str | sa.URL, dest: Path, uploads: Path | None) -> dict[str, Any]:
    """Write a consistent snapshot of the database and the files under `uploads` into `dest`; return its manifest.

    `dest` must not exist or be an empty directory. The backup is written beside it under a temporary name
    (mode 0700: it holds personal data) and renamed to `dest` once the manifest is written.
    """
    url = sa.make_url(database_url)
    kind = kind_of(url)
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise BackupError(f"{dest} 已存在且不是空目录：每次备份写入一个新目录，不覆盖已有的备份。")
    dest.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{dest.name}.partial-", dir=dest.parent))
    try:
        with _database_errors():
            database = _snapshot_sqlite(url, work) if kind == "sqlite" else _snapshot_postgres(url, work)
        entries = files.copy_tree(uploads, work / FILES) if uploads is not None else {}
        taken = {"format": manifest.FORMAT, "version": manifest.VERSION,
                 "created_at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
                 "database": database, "files": {"folder": FILES, "entries": entries}}
        manifest.write(work, taken)
        if dest.exists():
            dest.rmdir()
        work.rename(dest)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return taken


def _migrated(revision: str | None) -> str:
    if revision is None:
        raise BackupError("数据库还没有执行迁移（flask db upgrade），没有可备份的内容。")
    return revision


def _described(kind: str, path: Path, revision: str, tables: dict[str, Any]) -> dict[str, Any]:
    return {"kind": kind, "file": path.name, "size": path.stat().st_size, "sha256": manifest.sha256_file(path),
            "revision": revision, "tables": tables}


def _snapshot_sqlite(url: sa.URL, work: Path) -> dict[str, Any]:
    path = work / sqlite.FILE
    sqlite.snapshot(url, path)
    engine = sqlite.engine(path)
    try:
        with engine.connect() as conn:
            revision, tables = _migrated(manifest.alembic_revision(conn)), manifest.table_checksums(conn)
    finally:
        engine.dispose()
    return _described("sqlite", path, revision, tables)


def _snapshot_postgres(url: sa.URL, work: Path) -> dict[str, Any]:
    path = work / postgres.FILE
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool, isolation_level="REPEATABLE READ")
    try:
        with engine.connect() as conn:
            # One snapshot for pg_dump and for the manifest: the transaction that exports it stays open
            # until both have read what they need.
            conn.exec_driver_sql("SET TRANSACTION READ ONLY")
            snapshot_id = conn.exec_driver_sql("SELECT pg_export_snapshot()").scalar_one()
            revision = _migrated(manifest.alembic_revision(conn))
            postgres.dump(url, snapshot_id, path)
            tables = manifest.table_checksums(conn)
    finally:
        engine.dispose()
    return _described("postgresql", path, revision, tables)


def restore_backup(src: Path, database_url: str | sa.URL, uploads: Path, revisions: Sequence[str]) -> dict[str, Any]:
    """Bring the backup in `src` back into the empty database `database_url` and the empty folder `uploads`.

    Everything is checked before anything is written: the manifest, the checksum of the database file and of
    every file, the database kind, that the backup's migration is one of `revisions` (the code's, newest first;
    a newer one is refused), and that database and folder are empty. The restored tables are then compared
    with the manifest's counts and checksums. Returns the manifest; migrating to the head is the caller's step.
    """
    if not src.is_dir():
        raise BackupError(f"找不到备份 {src}：应为 flask backup 写出的目录。")
    found = manifest.read(src)
    database = found["database"]
    url = sa.make_url(database_url)
    kind = kind_of(url)
    if database["kind"] != kind:
        raise BackupError(f"这是 {KINDS[database['kind']]} 数据库的备份，不能恢复到 {KINDS[kind]} 数据库："
                          f"请恢复到一个空的 {KINDS[database['kind']]} 数据库。")
    if database["revision"] not in revisions:
        raise BackupError(f"备份来自更新的版本（数据库迁移 {database['revision']}），本程序不认识：请先把程序"
                          "升级到不低于备份时的版本再恢复。")
    files.check(src, {database["file"]: database})
    entries = found["files"]["entries"]
    files.check(src / found["files"]["folder"], entries)
    with _database_errors():
        _check_empty(url)
        files.check_empty(uploads)
        if kind == "sqlite":
            _load_sqlite(src / database["file"], url, database["tables"])
        else:
            _load_postgres(src / database["file"], url, database["tables"])
    files.restore_tree(src / found["files"]["folder"], entries, uploads)
    return found


def _check_empty(url: sa.URL) -> None:
    if kind_of(url) == "sqlite" and not sqlite.database_file(url).exists():
        return
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            tables = sa.inspect(conn).get_table_names()
    finally:
        engine.dispose()
    if tables:
        raise BackupError(f"目标数据库不是空库（已有 {len(tables)} 张表，如 {tables[0]}）：恢复只写入空库。请新建一个"
                          "空数据库，把 DATABASE_URL 指向它后再执行 flask restore。")


def _compare(engine: sa.Engine, expected: dict[str, Any]) -> None:
    with engine.connect() as conn:
        actual = manifest.table_checksums(conn)
    for name in sorted(set(expected) | set(actual)):
        if expected.get(name) != actual.get(name):
            counted = (expected.get(name) or {}).get("rows", 0)
            present = (actual.get(name) or {}).get("rows", 0)
            raise BackupError(f"备份已损坏：表 {name} 的数据与备份记录不符（清单记 {counted} 行，"
                              f"备份中 {present} 行）；目标数据库仍为空库。")


def _load_sqlite(path: Path, url: sa.URL, tables: dict[str, Any]) -> None:
    engine = sqlite.engine(path)
    try:
        _compare(engine, tables)
    finally:
        engine.dispose()
    sqlite.load(path, url)


def _load_postgres(path: Path, url: sa.URL, tables: dict[str, Any]) -> None:
    postgres.load(path, url)
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        _compare(engine, tables)
    except BackupError:
        with engine.begin() as conn:
            postgres.clear(conn)
        raise
    finally:
        engine.dispose()
