"""The console served over real HTTP for tests that need a live server.

`live` serves the test app (threaded werkzeug, CSRF on as in production) on a
free port; `gunicorn_server` starts the production server on the test
database. Import the fixtures into a test module to use them.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def live(app) -> Iterator[str]:
    """The app served over HTTP on a free port, with CSRF checked as in production."""
    app.config["WTF_CSRF_ENABLED"] = True
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_serving(process: subprocess.Popen, base: str, log: Path, seconds: float) -> None:
    """Wait for `base`/login/ to answer 200 while `process` keeps running; fail with its log otherwise."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, f"exited with {process.returncode}:\n{log.read_text(errors='replace')[-2000:]}"
        try:
            if requests.get(f"{base}/login/", timeout=2).status_code == 200:
                return
        except requests.RequestException:  # refused, or not answering yet under load
            pass
        time.sleep(0.3)
    pytest.fail(f"{base}/login/ did not answer within {seconds} s:\n{log.read_text(errors='replace')[-2000:]}")


def start_gunicorn(app, database_url: str, log: Path, workers: int = 4,
                   **environment: str) -> tuple[subprocess.Popen, str]:
    """`gunicorn 'app:create_app()'` on `database_url` with the test app's key and `environment` added;
    the process and its base URL (not yet serving: see wait_until_serving)."""
    port = free_port()
    env = dict(os.environ, DATABASE_URL=database_url, SECRET_KEY=app.config["SECRET_KEY"],
               PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}", **environment)
    env.pop("TEST_DATABASE_URL", None)
    with log.open("wb") as output:
        process = subprocess.Popen(
            ["gunicorn", "-w", str(workers), "--bind", f"127.0.0.1:{port}", "app:create_app()"], cwd=ROOT,
            env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
    return process, f"http://127.0.0.1:{port}"


def start_worker(app, database_url: str, log: Path, **environment: str) -> subprocess.Popen:
    """`celery -A jobs.worker worker` (one process) on `database_url` with `environment` added."""
    # celery puts the working directory after the installed packages: this checkout's code comes first.
    env = dict(os.environ, DATABASE_URL=database_url, SECRET_KEY=app.config["SECRET_KEY"], PYTHONPATH=str(ROOT),
               **environment)
    env.pop("TEST_DATABASE_URL", None)
    with log.open("wb") as output:
        return subprocess.Popen(
            [str(Path(sys.executable).parent / "celery"), "-A", "jobs.worker", "worker", "--pool=solo",
             "--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat"], cwd=ROOT, env=env,
            stdout=output, stderr=subprocess.STDOUT, start_new_session=True)


def stop(process: subprocess.Popen) -> None:
    """Stop a server started by start_gunicorn (with its workers) or a worker started by start_worker."""
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


@pytest.fixture
def gunicorn_server(app, database, tmp_path) -> Iterator[str]:
    """`gunicorn 'app:create_app()'` with 4 workers on the test's database (as deployed)."""
    log = tmp_path / "gunicorn.log"
    process, base = start_gunicorn(app, database.url, log)
    try:
        wait_until_serving(process, base, log, seconds=60)
        yield base
    finally:
        stop(process)
