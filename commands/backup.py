"""`flask backup DEST` / `flask restore SRC`: a consistent snapshot of the database and the uploaded files, and back.

    30 2 * * * cd /srv/banchengshi && flask backup /var/backups/bcs/$(date +\\%F)    # daily, while the console runs
    DATABASE_URL=<an empty database> flask restore /var/backups/bcs/2025-06-30       # then start the console
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext

from commands.errors import ConsoleCommand
from extensions import db


def _size(count: int) -> str:
    value, unit = float(count), "B"
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            break
        value /= 1024
    return f"{count} B" if unit == "B" else f"{value:.1f} {unit}"


def _summary(manifest: dict[str, Any]) -> str:
    from backups.manifest import KINDS

    database, entries = manifest["database"], manifest["files"]["entries"]
    rows = sum(table["rows"] for table in database["tables"].values())
    return (f"数据库：{KINDS[database['kind']]}（迁移 {database['revision']}），{len(database['tables'])} 张表共 "
            f"{rows} 行，{_size(database['size'])}；附件 {len(entries)} 个文件，"
            f"{_size(sum(entry['size'] for entry in entries.values()))}。")


def _uploads() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"])


@click.command("backup", cls=ConsoleCommand)
@click.argument("dest", metavar="DEST", type=click.Path(path_type=Path))
@with_appcontext
def backup_command(dest: Path) -> None:
    """Write a consistent snapshot of the database and the uploaded files into the new directory DEST."""
    from backups.service import make_backup

    manifest = make_backup(db.engine.url, dest, _uploads())
    click.echo(f"备份完成：{dest}（{manifest['created_at']}）")
    click.echo(_summary(manifest))


@click.command("restore", cls=ConsoleCommand)
@click.argument("src", metavar="SRC", type=click.Path(path_type=Path))
@with_appcontext
def restore_command(src: Path) -> None:
    """Bring the backup in SRC back into an empty database and upload folder, then migrate it to this code."""
    from flask_migrate import upgrade

    from backups.service import migration_history, restore_backup

    db.session.remove()
    db.engine.dispose()
    history = migration_history(current_app.extensions["migrate"].directory)
    manifest = restore_backup(src, db.engine.url, _uploads(), history)
    click.echo(f"恢复完成：{src}（备份于 {manifest['created_at']}）")
    click.echo(_summary(manifest))
    if manifest["database"]["revision"] != history[0]:
        db.engine.dispose()
        upgrade()
        click.echo(f"数据库已从迁移 {manifest['database']['revision']} 升级到 {history[0]}。")
