"""Time `flask import-orders` end to end on a generated work-order file.

    DATABASE_URL=sqlite:////tmp/batch100k.db python bench/import_orders.py [--rows 5000] [--copy]

Writes an .xlsx of `--rows` 12345 work orders with openpyxl (distinct 工单号, the headers the 12345 platform
uses, some rows naming a catalogued 政务服务事项 and some an enterprise), then runs `flask import-orders FILE`
in a fresh process and prints the wall time. With `--copy` a SQLite database is copied first and the copy
imported into, so the run can be repeated on the same data (an import is all or nothing, and a second
import of the same file only skips).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOPICS = ["社保补缴", "不动产登记", "营业执照变更", "医保报销", "公积金提取", "户籍迁移", "税务发票", "住房补贴"]
SURNAMES = "王李张刘陈杨黄赵吴周"


def write_orders(path: Path, rows: int, seed: int = 11) -> None:
    """An .xlsx of `rows` work orders as the 12345 platform exports them."""
    from openpyxl import Workbook

    rng = random.Random(seed)
    start = dt.datetime(2026, 11, 2, 8, 30)
    stamp = f"{rng.randrange(10**6):06d}"
    book = Workbook(write_only=True)
    sheet = book.create_sheet("工单")
    sheet.append(["工单编号", "工单来源", "来电时间", "工单标题", "工单内容", "来电人", "来电号码", "企业名称",
                  "事项名称"])
    for n in range(rows):
        topic = rng.choice(TOPICS)
        enterprise = f"清城{topic[:2]}科技有限公司" if n % 7 == 0 else ""
        sheet.append([f"BENCH{stamp}{n:06d}", "12345热线", start + dt.timedelta(minutes=7 * n),
                      f"{topic}办理受阻（导入压测 {n}）", f"来电人反映{topic}在窗口多次往返仍未办成，第 {n} 件。",
                      f"{rng.choice(SURNAMES)}先生", f"13{rng.randrange(10**9):09d}", enterprise,
                      "" if n % 3 else topic])
    book.save(path)


def main() -> None:
    """Write the file, run the import, print the time."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--copy", action="store_true", help="import into a copy of the SQLite database")
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args()
    env = dict(os.environ)
    with tempfile.TemporaryDirectory() as tmp:
        if args.copy:
            source = env["DATABASE_URL"].removeprefix("sqlite:///")
            shutil.copy(source, f"{tmp}/copy.db")
            env["DATABASE_URL"] = f"sqlite:///{tmp}/copy.db"
        orders = Path(tmp) / "orders.xlsx"
        write_orders(orders, args.rows)
        command = [str(Path(sys.executable).with_name("flask")), "--app", "app", "import-orders", str(orders)]
        started = time.perf_counter()
        done = subprocess.run(command + (["--dry-run"] if args.dry_run else []), cwd=ROOT, env=env,
                              capture_output=True, text=True)
        seconds = time.perf_counter() - started
        last = (done.stdout.strip().splitlines() or [""])[-1][:120]
        print(f"import-orders {args.rows} rows: {seconds:.1f} s (exit {done.returncode}) {last}")
        if done.returncode:
            print(done.stderr[-2000:])


if __name__ == "__main__":
    main()
