"""manifest.json of a backup, and the fingerprints it records: table row counts and checksums, file checksums.

    {"format": "banchengshi-backup", "version": 1, "created_at": "2025-06-30T02:30:00+08:00",
     "database": {"kind": "sqlite", "file": "database.sqlite3", "size": …, "sha256": "…", "revision": "0006",
                  "tables": {"case": {"rows": 60, "sha256": "…"}, …}},
     "files": {"folder": "files", "entries": {"2025/06/回执.pdf": {"size": …, "sha256": "…"}, …}}}

A table's checksum covers every row in primary-key order, each value in a canonical text form, so the same rows
give the same checksum in the backup's snapshot and in the database restored from it (of the same kind).
"""

from __future__ import annotations

import decimal
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from backups import BackupError

NAME = "manifest.json"
FORMAT = "banchengshi-backup"
VERSION = 1
KINDS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
"""Database kinds a backup can hold, and how they are named to people."""


def sha256_file(path: Path) -> str:
    """The SHA-256 of a file's bytes, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (bytes, bytearray, memoryview)):
        return "\\x" + bytes(value).hex()
    if isinstance(value, (dict, list)):
        return value
    if isinstance(value, decimal.Decimal):
        return format(value, "f")
    return str(value)


def _lines(result: sa.CursorResult) -> Iterator[str]:
    for row in result:
        yield json.dumps([_plain(v) for v in row], ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def table_checksums(conn: sa.Connection) -> dict[str, dict[str, Any]]:
    """Every table of the connection's default schema: {name: {"rows": n, "sha256": hex}}.

    Rows are read in the order of an integer primary key; a table without one is sorted here, so the checksum
    does not depend on a collation that the restored database might not share.
    """
    inspector = sa.inspect(conn)
    quote = conn.dialect.identifier_preparer.quote
    checksums = {}
    for name in sorted(inspector.get_table_names()):
        types = {c["name"]: c["type"] for c in inspector.get_columns(name)}
        key = inspector.get_pk_constraint(name).get("constrained_columns") or []
        by_key = bool(key) and all(isinstance(types[c], sa.Integer) for c in key)
        order = f" ORDER BY {', '.join(quote(c) for c in key)}" if by_key else ""
        result = conn.execution_options(stream_results=True, yield_per=2000).exec_driver_sql(
            f"SELECT * FROM {quote(name)}{order}")
        lines = _lines(result) if by_key else iter(sorted(_lines(result)))
        digest, rows = hashlib.sha256(), 0
        for line in lines:
            digest.update(line.encode("utf-8") + b"\n")
            rows += 1
        checksums[name] = {"rows": rows, "sha256": digest.hexdigest()}
    return checksums


def alembic_revision(conn: sa.Connection) -> str | None:
    """The migration the database stands at; None when it was never migrated."""
    if not sa.inspect(conn).has_table("alembic_version"):
        return None
    return conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()


def write(folder: Path, manifest: dict[str, Any]) -> None:
    """Write `manifest` as folder/manifest.json, last of all: a backup without it is incomplete."""
    (folder / NAME).write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def read(folder: Path) -> dict[str, Any]:
    """The manifest of the backup in `folder`, its shape checked; a BackupError says what is wrong."""
    path = folder / NAME
    if not path.is_file():
        raise BackupError(f"{folder} 不是完整的备份：缺少 {NAME}（备份可能中途中断，或这不是备份目录）。")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BackupError(f"无法读取备份清单 {path}：文件已损坏（{exc}）。") from exc
    if not _well_formed(manifest):
        raise BackupError(f"无法读取备份清单 {path}：不是本系统的备份清单，或内容不全。")
    if manifest["version"] > VERSION:
        raise BackupError(f"备份清单的格式（第 {manifest['version']} 版）来自更新的版本，请先升级程序。")
    return manifest


def _plain_name(name: Any) -> bool:
    """A name inside the backup directory itself, never a path leading elsewhere."""
    return isinstance(name, str) and name not in ("", ".", "..", NAME) and "/" not in name and "\\" not in name


def _well_formed(manifest: Any) -> bool:
    try:
        database, files = manifest["database"], manifest["files"]
        return (manifest["format"] == FORMAT and isinstance(manifest["version"], int)
                and database["kind"] in KINDS and _plain_name(database["file"])
                and isinstance(database["sha256"], str) and isinstance(database["revision"], str)
                and all(isinstance(t["rows"], int) and isinstance(t["sha256"], str)
                        for t in database["tables"].values())
                and _plain_name(files["folder"])
                and all(isinstance(f["sha256"], str) for f in files["entries"].values()))
    except (KeyError, TypeError, AttributeError):
        return False
