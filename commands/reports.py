"""`flask report --period P [--out DIR]`: the 月报/季报/年报 of a period as .docx and .xlsx."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from commands.errors import ConsoleCommand


@click.command("report", cls=ConsoleCommand)
@click.option("--period", required=True, help="2025（年报）、2025Q2（季报）或 2025-06（月报）")
@click.option("--out", "out_dir", default=None, help="输出目录，默认 instance/reports/")
@with_appcontext
def report_command(period: str, out_dir: str | None) -> None:
    """Write the period's report (the 工作台's figures and chart tables) into DIR as Word and Excel."""
    from kpi.periods import named
    from kpi.report import build
    from kpi.report_files import docx_bytes, xlsx_bytes
    from workdays import clock

    report = build(named(period), clock.today())
    target = Path(out_dir) if out_dir else Path(current_app.instance_path) / "reports"
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for suffix, data in ((".docx", docx_bytes(report)), (".xlsx", xlsx_bytes(report))):
        path = target / f"{report.file_stem}{suffix}"
        path.write_bytes(data)
        written.append(str(path))
    click.echo(f"已生成：{'、'.join(written)}")
