"""Time a background export of the case list (the 反映事项 screen) and its peak memory.

    DATABASE_URL=sqlite:////tmp/batch100k.db python bench/export.py [--fmt xlsx] [--user coordinator] [--query ""]

Uses a database built as bench/run.py builds it (migrations, demo district, `seed-bulk`). The job runs in
this process exactly as a worker runs it (jobs.runner.run): the list's filters are rebuilt, the keys read,
rows written a chunk at a time. Prints rows, seconds and the process's peak RSS (resource.getrusage), which
includes the application itself: the figure before the export is printed too.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    """Run one export job and print what it cost."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fmt", default="xlsx", choices=["xlsx", "csv"])
    parser.add_argument("--user", default="coordinator")
    parser.add_argument("--view", default="CaseView")
    parser.add_argument("--origin", default="/cases/list/")
    parser.add_argument("--query", default="")
    parser.add_argument("--out", help="keep the exported file here (to compare two versions' files)")
    args = parser.parse_args()

    from app import create_app
    from config import Config
    from extensions import db
    from jobs import runner, store
    from models.job import JobKind, JobState
    from models.user import StaffUser

    config = type("BenchConfig", (Config,), {"SQLALCHEMY_DATABASE_URI": os.environ["DATABASE_URL"],
                                             "JOB_FOLDER": os.environ.get("JOB_FOLDER", "/tmp/bench-export-jobs")})
    app = create_app(config)
    with app.app_context():
        user = db.session.query(StaffUser).filter_by(username=args.user).one()
        job_id = store.create(JobKind.EXPORT, user.id, {"view": args.view, "fmt": args.fmt, "query": args.query,
                                                         "ip": "127.0.0.1", "full": False}, args.origin)
        db.session.commit()
        before = _peak_mb()
        started = time.perf_counter()
        runner.run(job_id)
        seconds = time.perf_counter() - started
        job = store.get(job_id)
        assert job.state == JobState.DONE, (job.state, job.message)
        size = Path(job.result_path).stat().st_size / 1e6
        print(f"{args.fmt}: {job.done} rows in {seconds:.1f} s, file {size:.1f} MB, "
              f"peak RSS {_peak_mb():.0f} MB (before the export {before:.0f} MB)")
        if args.out:
            Path(job.result_path).replace(args.out)
        else:
            Path(job.result_path).unlink()


if __name__ == "__main__":
    main()
