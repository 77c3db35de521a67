"""Maintenance commands: permission sync, the holiday calendar, reminders, evaluation, the audit log."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import gettext

from access.sync import sync_permissions
from access.system import as_system
from commands.errors import CommandError, ConsoleCommand


@click.command("sync-permissions", cls=ConsoleCommand)
@with_appcontext
def sync_permissions_command() -> None:
    """Write the declared permissions and the five roles into the database."""
    sync_permissions(current_app.appbuilder)
    click.echo("权限与角色已同步。")


@click.command("fill-holidays", cls=ConsoleCommand)
@click.option("--year", type=int, required=True, help="年份，例如 2026")
@with_appcontext
def fill_holidays(year: int) -> None:
    """Copy a year's official holiday schedule into the editable holiday calendar."""
    from workdays.importer import fill_year

    with as_system():
        added = fill_year(year)
    click.echo(f"{year} 年：新增 {added} 条节假日调整。")


@click.command("remind", cls=ConsoleCommand)
@with_appcontext
def remind() -> None:
    """Write due-soon and overdue notifications (idempotent; run daily by cron), e-mail a digest."""
    from workflow.reminders import run_reminders

    with as_system():
        report = run_reminders()
    click.echo(f"即将超期提醒 {report.due_soon} 条，超期提醒 {report.overdue} 条，邮件 {report.emails} 封。")


@click.command("sms-send", cls=ConsoleCommand)
@with_appcontext
def sms_send() -> None:
    """Send the queued text messages whose time has come (run every minute by cron, or by a job)."""
    from sms.sender import send_due

    with as_system():
        report = send_due(current_app.config)
    click.echo(f"已发送 {report.sent} 条，存入发件箱 {report.kept} 条，稍后重试 {report.retrying} 条，"
               f"发送失败 {report.failed} 条。")


@click.command("evaluate", cls=ConsoleCommand)
@click.option("--period", required=True, help="2025、2025Q2 或 2025-06")
@with_appcontext
def evaluate_command(period: str) -> None:
    """Compute 量化评价 for a period (idempotent; keeps manual adjustments)."""
    from evaluation.compute import evaluate

    with as_system():
        results = evaluate(period)
    click.echo(f"{period}：已计算 {len(results)} 个单位的量化评价。")


@click.command("audit-purge", cls=ConsoleCommand)
@click.option("--days", type=int, default=None, help="保留天数，默认取 AUDIT_RETENTION_DAYS（不少于 180）")
@with_appcontext
def audit_purge(days: int | None) -> None:
    """Delete 操作日志 and 登录日志 rows older than the retention period (never less than 180 days)."""
    from access.audit_purge import purge

    minimum = 180
    days = days if days is not None else current_app.config["AUDIT_RETENTION_DAYS"]
    if days < minimum:
        raise CommandError(f"日志至少保留 {minimum} 天。")
    with as_system():
        audit, logins = purge(days)
    click.echo(f"已清理 {days} 天前的操作日志 {audit} 条、登录日志 {logins} 条。")


@click.command("audit-verify", cls=ConsoleCommand)
@with_appcontext
def audit_verify() -> None:
    """Walk the 操作日志's hash chain; exit 1 naming the first altered, removed or inserted row."""
    from access.audit_verify import verify_and_record

    with as_system() as system:
        result = verify_and_record(system.username, "cli")
    if not result.ok:
        raise CommandError(result.message)
    click.echo(result.message)
    if result.head_hash:
        # Kept somewhere else (a ticket, the operations log), it shows later whether the chain was rebuilt.
        click.echo(gettext("Hash of the last entry: %(hash)s", hash=result.head_hash))


@click.command("summary-rebuild", cls=ConsoleCommand)
@with_appcontext
def summary_rebuild() -> None:
    """Count the dashboard's summary again from every case (repair; seed-bulk does this at its end)."""
    from kpi.summary import rebuild_summary

    rows = rebuild_summary()
    click.echo(f"工作台汇总已按全部反映事项重新计算（{rows} 行）。")
