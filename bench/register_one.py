"""Time single registrations at the window: POST /api/v1/cases/ as the window clerk, on a copy of a SQLite database.

    DATABASE_URL=sqlite:////tmp/batch100k.db python bench/register_one.py [--posts 20]

Each POST registers one case (受理), which runs the 疑似重复 check against the cases received within 30 days.
Prints the median and the slowest request. The database is copied first and the copy deleted afterwards.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOPICS = ["社保补缴", "不动产登记", "营业执照变更", "医保报销", "公积金提取", "户籍迁移", "税务发票", "住房补贴"]


def main() -> None:
    """Copy the database, post `--posts` cases, print the times."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=20)
    args = parser.parse_args()
    source = os.environ["DATABASE_URL"].removeprefix("sqlite:///")
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copy(source, f"{tmp}/copy.db")
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/copy.db"
        sys.path.insert(0, str(ROOT))
        import sqlalchemy as sa  # noqa: PLC0415
        from flask_jwt_extended import create_access_token  # noqa: PLC0415

        from app import create_app  # noqa: PLC0415
        from extensions import db  # noqa: PLC0415
        from models import StaffUser  # noqa: PLC0415

        app = create_app()
        with app.app_context():
            window = db.session.execute(sa.select(StaffUser).where(StaffUser.username == "window")).scalar_one()
            headers = {"Authorization": f"Bearer {create_access_token(identity=str(window.id), fresh=True)}"}
        client = app.test_client()
        times = []
        for n in range(args.posts):
            topic = TOPICS[n % len(TOPICS)]
            body = {"title": f"{topic}办理受阻（窗口压测 {n}）", "description": f"反映{topic}多次往返仍未办成",
                    "channel": "window", "applicant_kind": "person", "applicant_name": "张三",
                    "applicant_phone": f"1390000{n:04d}"}
            started = time.perf_counter()
            response = client.post("/api/v1/cases/", json=body, headers=headers)
            times.append(time.perf_counter() - started)
            if response.status_code >= 300:
                print(response.status_code, response.get_data(as_text=True)[:500])
                return
        print(f"POST /api/v1/cases/ ×{args.posts}: median {statistics.median(times) * 1000:.0f} ms, "
              f"slowest {max(times) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
