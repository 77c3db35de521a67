"""The README's commands, run as a user runs them: in a shell, from the repository root.

`pip install -e . && flask demo` (the README's first line) and the production
block (`flask db upgrade`, then gunicorn) must each leave a console that
serves until stopped: /login/ answers, the login form lets a demo account in,
and /dashboard/ opens. Each runs on its own temporary database.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests import conftest
from tests.live_support import free_port, wait_until_serving

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
PASSWORD = "Readme-Check-2025!"


def first_command() -> str:
    """The README's first line of commands, without its comment."""
    block = re.search(r"```\n(.*?)```", README, re.S).group(1)
    return block.splitlines()[0].split("#")[0].strip()


def production_commands() -> list[str]:
    """The commands of the README's production section, in order."""
    section = README.split("## 生产部署", 1)[1]
    block = re.search(r"```\n(.*?)```", section, re.S).group(1)
    return [line.strip() for line in block.splitlines() if line.strip()]


@pytest.fixture
def environment(tmp_path: Path) -> Iterator[dict]:
    """The shell environment of a fresh deployment: its own database, secret and demo password."""
    database = conftest.TestDatabase(str(tmp_path))
    env = dict(os.environ)
    env.pop("TEST_DATABASE_URL", None)
    env.update(DATABASE_URL=database.url, SECRET_KEY="readme-check-" + "0123456789abcdef" * 3,
               DEMO_PASSWORD=PASSWORD, PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}")
    yield env
    database.drop()


def start(command: str, env: dict, log: Path) -> subprocess.Popen:
    """Run a README command in a shell of its own (a process group we can stop with Ctrl-C)."""
    with log.open("wb") as output:
        return subprocess.Popen(command, shell=True, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
                                start_new_session=True)


def log_in_and_open_dashboard(base: str, username: str) -> None:
    """What a user does first: the login form (with its CSRF token), then the dashboard."""
    browser = requests.Session()
    form = browser.get(f"{base}/login/", timeout=10).text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)
    answer = browser.post(f"{base}/login/", data={"username": username, "password": PASSWORD, "csrf_token": token},
                          timeout=30)
    assert answer.status_code == 200 and answer.url == f"{base}/dashboard/", (answer.status_code, answer.url)
    dashboard = browser.get(f"{base}/dashboard/", timeout=10)
    assert dashboard.status_code == 200 and "工作台" in dashboard.text


def stop(process: subprocess.Popen) -> int | None:
    """Ctrl-C the command's process group; its exit status, None if it did not end within 30 s."""
    os.killpg(process.pid, signal.SIGINT)
    try:
        return process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        return None


def test_the_first_line_installs_migrates_seeds_and_serves_until_stopped(environment, tmp_path):
    command = first_command()
    assert command == "pip install -e . && flask demo"
    port = free_port()
    # `flask demo --port P` is also FLASK_DEMO_PORT=P (click's environment prefix): the README line runs as written.
    environment["FLASK_DEMO_PORT"] = str(port)
    log = tmp_path / "demo.log"
    process = start(command, environment, log)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(process, base, log, seconds=240)
        log_in_and_open_dashboard(base, "coordinator")
        time.sleep(1)
        assert process.poll() is None, "the demo stopped serving after the first requests"
    finally:
        code = stop(process)
    output = log.read_text(errors="replace")
    assert "演示账号" in output and f"http://127.0.0.1:{port}/" in output
    assert "Ignoring a call to 'app.run()'" not in output
    assert code is not None, "Ctrl-C did not stop the demo"


def test_the_production_commands_migrate_and_gunicorn_serves(environment, tmp_path):
    *setup, serve = production_commands()
    assert serve.startswith("gunicorn "), serve
    for command in setup:
        done = subprocess.run(command, shell=True, cwd=ROOT, env=environment, capture_output=True, timeout=300)
        assert done.returncode == 0, (command, done.stdout[-2000:], done.stderr[-2000:])
    # An account to log in with (a real deployment makes its own with `flask fab create-admin`).
    seeded = subprocess.run("flask seed-demo", shell=True, cwd=ROOT, env=environment, capture_output=True,
                            timeout=300)
    assert seeded.returncode == 0, seeded.stderr[-2000:]
    port = free_port()
    environment["GUNICORN_CMD_ARGS"] = f"--bind 127.0.0.1:{port}"
    log = tmp_path / "gunicorn.log"
    process = start(serve, environment, log)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(process, base, log, seconds=120)
        log_in_and_open_dashboard(base, "leader")
    finally:
        stop(process)
