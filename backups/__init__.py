"""Backups that restore: a consistent snapshot of the database and the uploaded files, and the way back.

    from backups.service import make_backup, restore_backup

    manifest = make_backup(database_url, Path("/var/backups/bcs/2025-06-30"), uploads=Path("instance/uploads"))
    manifest = restore_backup(Path("/var/backups/bcs/2025-06-30"), empty_database_url, uploads=…, revisions=…)

A backup is one directory:

    manifest.json      when, database kind, Alembic revision, each table's row count and checksum,
                       each file's size and checksum (`manifest.py`)
    database.sqlite3   SQLite's online backup of the live file (`sqlite.py`), or
    database.dump      `pg_dump --format=custom` of the PostgreSQL database (`postgres.py`)
    files/             the upload folder (`files.py`)

Both database copies are consistent while the console keeps writing: SQLite copies the file in one step under one
read lock; pg_dump reads one snapshot, and the manifest's counts and checksums are taken in that same snapshot.
The directory is written under a temporary name and renamed when complete, so a backup that exists is whole.
Restore checks every checksum and refuses a non-empty target before it writes anything.
"""

from __future__ import annotations

from console.errors import ConsoleError


class BackupError(ConsoleError):
    """A backup or restore refused with a Chinese reason; the target was left as it was."""
