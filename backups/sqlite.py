"""SQLite: the online backup API copies the live file consistently while the console keeps writing."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlalchemy as sa

from backups import BackupError

FILE = "database.sqlite3"
BUSY_SECONDS = 60
"""How long the copy waits for a writer's lock before giving up."""


def database_file(url: sa.URL) -> Path:
    """The file a SQLite URL names; an in-memory database has none and is refused."""
    name = url.database or ""
    if name in ("", ":memory:") or name.startswith("file::memory:"):
        raise BackupError("内存中的 SQLite 数据库没有文件，无法备份或恢复：请用 DATABASE_URL 指向数据库文件。")
    return Path(name)


def _read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_SECONDS)


def copy(source: Path, target: Path) -> None:
    """Copy database `source` into `target` with `sqlite3.Connection.backup`.

    All pages in one step (pages=-1): the copy holds one read lock throughout, so it is one consistent state
    even while other processes write (they wait for the copy, which reads the file once).
    """
    src = _read_only(source)
    try:
        dst = sqlite3.connect(target, timeout=BUSY_SECONDS)
        try:
            src.backup(dst, pages=-1)
        finally:
            dst.close()
    finally:
        src.close()


def snapshot(url: sa.URL, target: Path) -> None:
    """Write a consistent copy of the live database into the file `target`."""
    source = database_file(url)
    if not source.is_file():
        raise BackupError(f"找不到数据库文件 {source}。")
    copy(source, target)


def engine(path: Path) -> sa.Engine:
    """A read-only engine on a backup's database file, for counting and checksumming."""
    return sa.create_engine("sqlite://", creator=lambda: _read_only(path), poolclass=sa.pool.NullPool)


def load(snapshot_file: Path, url: sa.URL) -> None:
    """Copy a checked backup file into the (empty) database `url` names."""
    target = database_file(url)
    target.parent.mkdir(parents=True, exist_ok=True)
    copy(snapshot_file, target)
