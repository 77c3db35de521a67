"""`flask import-orders FILE [--dry-run]`: 12345 / 粤省心 work orders into cases."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import g
from flask.cli import with_appcontext

from access.system import as_system
from commands.errors import CommandError, ConsoleCommand
from console.formatting import first_few


@click.command("import-orders", cls=ConsoleCommand)
@click.argument("path", metavar="FILE", type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="只检查并报告，不写入数据库")
@with_appcontext
def import_orders(path: Path, dry_run: bool) -> None:
    """Import the work orders of an .xlsx or .csv export; all rows or none."""
    from intake.tables import check_file_size
    from intake.work_orders import import_work_orders
    from workflow.service import Actor

    if not path.is_file():
        raise CommandError(f"找不到文件 {path}。")
    check_file_size(path.stat().st_size)
    g.audit_channel = "import"
    with as_system() as user:
        report = import_work_orders(path.read_bytes(), path.name, Actor.system(user, channel="import"),
                                    dry_run=dry_run)
    for line in report.notes + report.skipped:
        click.echo(f"提示：{line}")
    if not report.ok:
        for line in report.problems:
            click.echo(f"错误：{line}", err=True)
        click.echo(f"共 {report.rows} 行，发现 {len(report.problems)} 处错误，未导入任何工单。", err=True)
        sys.exit(1)
    if dry_run:
        click.echo(f"试运行：共 {report.rows} 行，可导入 {len(report.ready)} 件，"
                   f"跳过 {len(report.skipped)} 件；未写入数据库。")
    else:
        numbers = f"：{first_few(report.created)}" if report.created else ""
        click.echo(f"共 {report.rows} 行，已导入 {len(report.created)} 件，跳过 {len(report.skipped)} 件{numbers}。")
