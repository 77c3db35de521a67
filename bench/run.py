"""Benchmark: the screens people use all day, against a district-sized database.

    python bench/run.py                      # SQLite, 10 000 bulk cases
    python bench/run.py --cases 50000
    python bench/run.py --cases 100000 --keep /tmp/bench-100k.db   # keep the database, reuse it next time
    python bench/run.py --keep /tmp/bench-100k.db --dashboards-only  # only each role's 工作台
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/postgres python bench/run.py

Builds a fresh database (migrations, the demo district, `seed-bulk`), logs in
the demo accounts through the real login form and requests each page many
times in-process (no network): median and 95th-percentile time, and the SQL
statements each request sends. Page size is varied to show that statements
do not grow with the rows shown (no N+1). Writes bench/results/<stamp>.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "Bench-Passw0rd!"
SERVER_TIMING = re.compile(r'sql;dur=([0-9.]+);desc="(\d+)"')


def _database(tmp: str, keep: str | None = None) -> tuple[str, Callable[[], None]]:
    """A fresh database URL and how to drop it (`keep`: a SQLite file kept and reused between runs)."""
    if keep:
        return f"sqlite:///{Path(keep).resolve()}", lambda: None
    server = os.environ.get("BENCH_DATABASE_URL")
    if not server:
        return f"sqlite:///{tmp}/bench.db", lambda: None
    url = sa.make_url(server)
    name = f"bcs_bench_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    return url.set(database=name).render_as_string(hide_password=False), drop


def _app(url: str):
    """The console on `url`, CSRF and rate limits off (the benchmark logs in many times)."""
    from app import create_app
    from config import Config

    config = type("BenchConfig", (Config,), {
        "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": uuid.uuid4().hex, "DEMO_PASSWORD": PASSWORD,
        "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False, "AUTH_RATE_LIMITED": False,
        "SERVER_TIMING": True,
    })
    return create_app(config)


def _prepare(app, cases: int, seed: int, reuse: bool = False) -> dict:
    from flask_migrate import upgrade

    from access.system import as_system
    from extensions import db
    from kpi.summary import rebuild_summary
    from models import Case, Department
    from models.case import overdue_condition
    from seed.bulk import generate
    from seed.demo import seed_all

    started = time.perf_counter()
    with app.app_context():
        upgrade()
        if not reuse:
            with as_system():
                seed_all(PASSWORD)
                generate(cases, seed)
                rebuild_summary()  # as `flask seed-bulk` does at its end
        total = db.session.scalar(sa.select(sa.func.count()).select_from(Case))
        sample = db.session.scalar(sa.select(Case.id).where(Case.title.like("%（压测）")).order_by(Case.id.desc()))
        overdue = db.session.scalar(sa.select(sa.func.count()).select_from(Case).where(overdue_condition()))
        department = db.session.scalar(sa.select(Department.id).where(Department.name.like("%税务%")))
        open_ids = db.session.execute(sa.select(Case.id).where(Case.status == "assessing").limit(50)).scalars().all()
        db.session.remove()
    return {"total": total, "sample": sample, "assessing": open_ids, "department": department, "overdue": overdue,
            "seconds": time.perf_counter() - started}


class Counter:
    """SQL statements sent by the engine while counting."""

    def __init__(self, engine: sa.Engine) -> None:
        self.count = 0
        sa.event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *args: object) -> None:
        self.count += 1


def _measure(client, counter: Counter, method: str, url: str, repeat: int, **kwargs) -> tuple[float, float, int, str]:
    """Median ms, p95 ms, statements and SQL ms of the last request (Server-Timing header, when there is one)."""
    getattr(client, method)(url, **kwargs)  # warm caches and templates
    times = []
    statements, sql_ms = 0, "—"
    for _ in range(repeat):
        counter.count = 0
        started = time.perf_counter()
        response = getattr(client, method)(url, **kwargs)
        times.append((time.perf_counter() - started) * 1000)
        statements = counter.count
        timing = SERVER_TIMING.match(response.headers.get("Server-Timing", ""))
        if timing:
            sql_ms, statements = f"{float(timing.group(1)):.0f}", int(timing.group(2))
        if response.status_code >= 400:
            raise SystemExit(f"{method.upper()} {url} answered {response.status_code}")
    times.sort()
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    return statistics.median(times), p95, statements, sql_ms


def _login(app, username: str):
    client = app.test_client()
    response = client.post("/login/", data={"username": username, "password": PASSWORD})
    if response.status_code != 302 or "/login" in response.headers["Location"]:
        raise SystemExit(f"login of {username} failed")
    return client


def _stock_rows(url: str, pages: int, repeat: int) -> list[str]:
    """Stock FAB's ModelView of cases (bench/stock.py), logged in as admin through FAB's own form."""
    from bench.stock import stock_app
    from extensions import db

    stock = stock_app(url, uuid.uuid4().hex)
    with stock.app_context():
        counter = Counter(db.engine)
    client = stock.test_client()
    response = client.post("/login/", data={"username": "admin", "password": PASSWORD})
    if response.status_code != 302 or "/login" in response.headers.get("Location", ""):
        raise SystemExit("login to stock FAB failed")
    rows = []
    for label, target in (("FAB 原生 ModelView：事项列表（首页，25 行）", "/stockcaseview/list/"),
                          (f"FAB 原生 ModelView：第 {pages} 页", f"/stockcaseview/list/?page_StockCaseView={pages}")):
        median, p95, statements, sql_ms = _measure(client, counter, "get", target, repeat)
        rows.append(f"| {label} | {median:.0f} | {p95:.0f} | {statements} | {sql_ms} |")
        print(rows[-1], flush=True)
    with stock.app_context():
        db.session.remove()
        db.engine.dispose()
    return rows


def _token(app, username: str) -> dict:
    client = app.test_client()
    response = client.post("/api/v1/security/login",
                           json={"username": username, "password": PASSWORD, "provider": "db"})
    return {"Authorization": f"Bearer {response.get_json()['access_token']}"}


HEAVY = ("/dashboard/", "/cases/export/")
"""Scenarios `--lists-only` leaves out (the dashboards and the export, which take seconds at 100 000 cases)."""


def run(cases: int, seed: int, repeat: int, keep: str | None = None, lists_only: bool = False,
        dashboards_only: bool = False) -> str:
    """Build the database, time every scenario, return the Markdown report."""
    from extensions import db

    with tempfile.TemporaryDirectory() as tmp:
        reuse = bool(keep) and Path(keep).exists()
        url, drop = _database(tmp, keep)
        app = None
        try:
            app = _app(url)
            facts = _prepare(app, cases, seed, reuse)
            with app.app_context():
                counter = Counter(db.engine)
            coordinator, handler, leader = (_login(app, u) for u in ("coordinator", "handler_tax", "leader"))
            token = _token(app, "coordinator")
            sample = facts["sample"]
            from bench.floor import floor_app

            floor = floor_app(url)
            floor_counter = Counter(floor.extensions["floor_engine"])
            pages = max(facts["total"] // 25 // 2, 1)  # the middle of the list
            baselines = [
                ("地板：裸 SQL 计数 + 当页 + 最简模板（首页，25 行）", floor.test_client(), "get", "/floor/cases/", {}),
                (f"地板：第 {pages} 页", floor.test_client(), "get", f"/floor/cases/?page={pages}", {}),
            ]
            rows: list[str] = []
            for label, client, method, target, kwargs in [] if dashboards_only else baselines:
                median, p95, statements, sql_ms = _measure(client, floor_counter, method, target, repeat, **kwargs)
                rows.append(f"| {label} | {median:.0f} | {p95:.0f} | {statements} | {sql_ms} |")
                print(rows[-1], flush=True)
            rows += [] if dashboards_only else _stock_rows(url, pages, repeat)
            scenarios = [
                ("协调专员：事项列表（首页，默认 25 行）", coordinator, "get", "/cases/list/", {}),
                (f"协调专员：事项列表第 {pages} 页", coordinator, "get", f"/cases/list/?page_CaseView={pages}", {}),
                ("协调专员：按标题查询一个字“税”", coordinator, "get", "/cases/list/?_flt_0_title=税", {}),
                ("协调专员：按诉求内容查询“社保”", coordinator, "get", "/cases/list/?_flt_0_description=社保", {}),
                ("协调专员：事项列表（100 行）", coordinator, "get", "/cases/list/?psize_CaseView=100", {}),
                ("协调专员：快捷筛选“已超期”", coordinator, "get", "/cases/list/?quick=overdue", {}),
                ("协调专员：按标题模糊查询", coordinator, "get", "/cases/list/?_flt_0_title=社保", {}),
                ("协调专员：按承办单位筛选并按受理时间排序", coordinator, "get",
                 f"/cases/list/?_flt_0_lead_department={facts['department']}"
                 "&_oc_CaseView=received_at&_od_CaseView=desc", {}),
                ("协调专员：事项详情（含办理记录）", coordinator, "get", f"/cases/show/{sample}", {}),
                ("协调专员：工作台", coordinator, "get", "/dashboard/", {}),
                ("承办人员：工作台", handler, "get", "/dashboard/", {}),
                ("领导：工作台（本月指标与图表）", leader, "get", "/dashboard/", {}),
                ("领导：工作台（本年指标与图表）", leader, "get", "/dashboard/?period=year", {}),
                ("领导：工作台（2021 年以来全部事项）", leader, "get",
                 f"/dashboard/?period=custom&from=2021-01-01&to={dt.date.today().isoformat()}", {}),
                ("承办人员：本单位事项列表", handler, "get", "/cases/list/", {}),
                ("领导：量化评价列表", leader, "get", "/evaluations/list/", {}),
                ("领导：操作日志列表", leader, "get", "/audit/list/", {}),
                ("接口：GET /api/v1/cases/（25 条）", app.test_client(), "get",
                 "/api/v1/cases/?q=(page:0,page_size:25)", {"headers": token}),
                ("接口：GET /api/v1/cases/<id>", app.test_client(), "get", f"/api/v1/cases/{sample}",
                 {"headers": token}),
                (f"导出：已超期事项 .xlsx（{facts['overdue']} 行）", coordinator, "get",
                 "/cases/export/xlsx?quick=overdue", {}),
            ]
            if lists_only:
                scenarios = [s for s in scenarios if not s[3].startswith(HEAVY)]
            if dashboards_only:
                scenarios = [s for s in scenarios if s[3].startswith("/dashboard/")]
            for label, client, method, target, kwargs in scenarios:
                median, p95, statements, sql_ms = _measure(client, counter, method, target, repeat, **kwargs)
                rows.append(f"| {label} | {median:.0f} | {p95:.0f} | {statements} | {sql_ms} |")
                print(rows[-1], flush=True)
            ids = [] if lists_only or dashboards_only else facts["assessing"]
            if ids:
                counter.count = 0
                started = time.perf_counter()
                response = coordinator.post("/cases/bulk/assign", data={
                    "rowid": [str(i) for i in ids], "confirm": "1", "lead_department_id": str(facts["department"])})
                bulk_ms = (time.perf_counter() - started) * 1000
                if response.status_code != 302:
                    raise SystemExit(f"bulk assign answered {response.status_code}")
                label = f"协调专员：批量交办 {len(ids)} 件（一次请求）"
                rows.append(f"| {label} | {bulk_ms:.0f} | — | {counter.count} | — |")
                print(rows[-1], flush=True)
        finally:
            if app is not None:
                if "floor" in locals():
                    floor.extensions["floor_engine"].dispose()
                with app.app_context():
                    db.session.remove()
                    db.engine.dispose()
            drop()
    engine = "PostgreSQL" if os.environ.get("BENCH_DATABASE_URL") else "SQLite"
    head = [
        f"{dt.datetime.now():%Y-%m-%d %H:%M}，{engine}，反映事项 {facts['total']} 件"
        f"（演示 + seed-bulk {cases} 件，种子 {seed}），准备数据 {facts['seconds']:.0f} 秒；每项请求 {repeat} 次。",
        "",
        "| 场景 | 中位数 ms | P95 ms | SQL 条数 | SQL ms |",
        "|---|---|---|---|---|",
    ]
    return "\n".join(head + rows) + "\n"


def main() -> None:
    """Command line entry."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--keep", metavar="FILE.db",
                        help="SQLite only: build the database into FILE.db and keep it; reuse it when it exists")
    parser.add_argument("--lists-only", action="store_true",
                        help="only list pages, detail and API (no dashboards, export or bulk assignment)")
    parser.add_argument("--dashboards-only", action="store_true", help="only the 工作台 of each role")
    args = parser.parse_args()
    os.chdir(ROOT)
    report = run(args.cases, args.seed, args.repeat, args.keep, args.lists_only, args.dashboards_only)
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    path = out / f"{dt.datetime.now():%Y%m%d-%H%M%S}.md"
    path.write_text(report, encoding="utf-8")
    print()
    print(report)
    print(f"written to {path}")


if __name__ == "__main__":
    main()
