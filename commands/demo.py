"""`flask demo`, `flask seed-demo`, `flask seed-bulk`."""

from __future__ import annotations

import resource
import secrets
import sys
import time

import click
from flask import current_app
from flask.cli import with_appcontext
from werkzeug.serving import run_simple

from access.system import as_system
from commands.errors import ConsoleCommand
from seed import district


def demo_password() -> tuple[str, bool]:
    """The demo password: DEMO_PASSWORD, or a random one that meets the password policy."""
    configured = current_app.config.get("DEMO_PASSWORD")
    if configured:
        return configured, False
    return "Bcs-" + secrets.token_urlsafe(9) + "7a", True


def _print_accounts(password: str | None, new: list[str]) -> None:
    click.echo("演示账号（角色 / 部门）：")
    for acc in district.ACCOUNTS:
        click.echo(f"  {acc.username:<14} {acc.role:<6} {acc.department}")
    if new and password:
        click.echo(f"新建账号的密码：{password}（只显示这一次；可用 DEMO_PASSWORD 环境变量指定）")
    elif not new:
        click.echo("账号已存在，密码未改变。")


@click.command("seed-demo", cls=ConsoleCommand)
@with_appcontext
def seed_demo() -> None:
    """Load the article's district, accounts and 60 cases (idempotent)."""
    from seed.demo import seed_all

    password, generated = demo_password()
    with as_system():
        report = seed_all(password)
    click.echo(f"演示数据就绪：新增反映事项 {report.cases_created} 件。")
    _print_accounts(password if (generated or report.new_accounts) else None, report.new_accounts)


@click.command("demo", cls=ConsoleCommand)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@with_appcontext
def demo(host: str, port: int) -> None:
    """Migrate the database, load the demo data and serve the console."""
    from flask_migrate import upgrade

    upgrade()
    ctx = click.get_current_context()
    ctx.invoke(seed_demo)
    click.echo(f"控制台：http://{host}:{port}/（按 Ctrl-C 停止）")
    # Not app.run(): inside any `flask` command Flask turns it into a no-op (FLASK_RUN_FROM_CLI).
    run_simple(host, port, current_app._get_current_object(), threaded=True, use_reloader=False,
               use_debugger=False)


@click.command("seed-bulk", cls=ConsoleCommand)
@click.option("--cases", "count", type=int, required=True, help="要生成的反映事项数量")
@click.option("--seed", "seed_value", type=int, default=1, show_default=True, help="随机种子")
@with_appcontext
def seed_bulk(count: int, seed_value: int) -> None:
    """Generate N synthetic cases for load tests, deterministically for a seed."""
    from kpi.summary import rebuild_summary
    from seed.bulk import generate

    if count < 1:
        raise click.BadParameter("必须大于 0", param_hint="--cases")
    from flask import g

    started = time.monotonic()
    with as_system(), click.progressbar(length=count, label="生成压测数据") as bar:
        g.audit_channel = "seed"
        created = generate(count, seed_value, progress=bar.update)
    rebuild_summary()  # the bulk inserts pass by the per-commit recount (kpi/summary.py)
    click.echo(f"已生成 {created} 件压测用反映事项（种子 {seed_value}），用时 {time.monotonic() - started:.0f} 秒，"
               f"进程峰值内存 {_peak_rss_mb():.0f} MB。")


def _peak_rss_mb() -> float:
    """This process's peak resident memory so far, in MB (getrusage counts KB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1 << 20) if sys.platform == "darwin" else peak / 1024
