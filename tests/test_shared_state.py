"""Two console processes on one PostgreSQL database and one Redis, as several gunicorn instances are deployed.

Nothing one instance must know may live in another's memory: a lockout triggered through one holds on
the other, the login rate limit is counted across both, a background job started on one is followed
and downloaded through the other, and forty clients spread over both acting on one case version give
exactly one success.
"""

from __future__ import annotations

import contextlib
import re
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.conftest import PASSWORD
from tests.live_support import start_gunicorn, start_worker, stop, wait_until_serving
from tests.test_concurrency import CLIENTS, _assigned_case, _exactly_one_went_through, _token

REDIS_URL = "redis://127.0.0.1:6379/0"


def _redis_and_postgres(database) -> None:
    if not database.postgres:
        pytest.skip("two console processes need a database server: set TEST_DATABASE_URL to PostgreSQL "
                    "(SQLite is one file of one machine, not a deployment of several instances)")
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError:
        pytest.skip(f"no Redis at {REDIS_URL}")


@contextlib.contextmanager
def _consoles(app, database, tmp_path, worker: bool = False) -> Iterator[tuple[str, str, Path | None]]:
    """Two gunicorn instances (two workers each) on the test's database and one Redis; with `worker`, a
    Celery worker too, and Redis as the broker. Yields both base URLs and the worker's log."""
    _redis_and_postgres(database)
    environment = {"REDIS_URL": REDIS_URL, "REDIS_KEY_PREFIX": f"bcs-test-{uuid.uuid4().hex[:8]}",
                   "EXPORT_BACKGROUND_ROWS": "10", "JOB_FOLDER": str(tmp_path / "jobs")}
    if worker:
        environment["CELERY_BROKER_URL"] = REDIS_URL
    started = []
    worker_log = tmp_path / "worker.log" if worker else None
    try:
        for name in ("one", "two"):
            log = tmp_path / f"{name}.log"
            process, base = start_gunicorn(app, database.url, log, workers=2, **environment)
            started.append((process, base, log))
        if worker_log is not None:
            started.append((start_worker(app, database.url, worker_log, **environment), None, worker_log))
        for process, base, log in started:
            if base is not None:
                wait_until_serving(process, base, log, seconds=120)
        yield started[0][1], started[1][1], worker_log
    finally:
        for process, _base, _log in started:
            stop(process)
        import redis

        server = redis.Redis.from_url(REDIS_URL)
        leftovers = list(server.scan_iter(f"{environment['REDIS_KEY_PREFIX']}*"))  # the broker's bindings
        if leftovers:
            server.delete(*leftovers)


@pytest.fixture
def two_consoles(app, database, tmp_path) -> Iterator[tuple[str, str]]:
    """Two gunicorn instances on the test's PostgreSQL database and one Redis; jobs run in their threads."""
    with _consoles(app, database, tmp_path) as (one, two, _log):
        yield one, two


def _api_login(base: str, username: str, password: str) -> requests.Response:
    return requests.post(f"{base}/api/v1/security/login", timeout=30,
                         json={"username": username, "password": password, "provider": "db"})


def _web_login(base: str, username: str) -> requests.Session:
    """A browser session logged in through the form (CSRF on, as in production)."""
    http = requests.Session()
    page = http.get(f"{base}/login/", timeout=30).text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    answer = http.post(f"{base}/login/", data={"csrf_token": token, "username": username, "password": PASSWORD},
                       timeout=30, allow_redirects=False)
    assert answer.status_code == 302 and "/login/" not in answer.headers["Location"], answer.text[:500]
    return http


def test_a_lockout_through_one_instance_holds_on_the_other(two_consoles):
    one, two = two_consoles
    assert _api_login(two, "window", PASSWORD).status_code == 200
    # Five wrong passwords (AUTH_MAX_FAILED_LOGINS), alternating between the instances.
    for attempt in range(5):
        assert _api_login((one, two)[attempt % 2], "window", "wrong-Passw0rd!").status_code == 401
    refused = _api_login(two, "window", PASSWORD)
    assert refused.status_code == 401, refused.text
    assert _api_login(one, "window", PASSWORD).status_code == 401


def test_the_login_rate_limit_is_counted_across_instances(two_consoles):
    one, two = two_consoles
    # AUTH_RATE_LIMIT is 20 per minute per address: ten attempts through each, then the 21st anywhere is refused.
    for attempt in range(20):
        answer = _api_login((one, two)[attempt % 2], f"nobody{attempt}", "wrong-Passw0rd!")
        assert answer.status_code == 401, (attempt, answer.status_code)
    assert _api_login(one, "nobody", "wrong-Passw0rd!").status_code == 429
    assert _api_login(two, "nobody", "wrong-Passw0rd!").status_code == 429


def _export_on_one_followed_on_the_other(one: str, two: str) -> None:
    first, second = _web_login(one, "coordinator"), _web_login(two, "coordinator")
    asked = first.get(f"{one}/cases/export/csv", timeout=60, allow_redirects=False)
    assert asked.status_code == 302, asked.status_code
    page = first.get(one + asked.headers["Location"], timeout=60).text
    job_id = int(re.findall(r'data-job-url="/jobs/(\d+)"', page)[0])
    deadline = time.monotonic() + 90
    while True:
        state = second.get(f"{two}/jobs/{job_id}", timeout=30)
        assert state.status_code == 200, state.text
        if state.json()["finished"] or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    state = state.json()
    assert state["state"] == "done", state
    # the browser that started it, sent to the other instance by the load balancer, sees the bar and the link there
    assert f"/jobs/{job_id}/download" in first.get(f"{two}/cases/list/", timeout=60).text
    download = second.get(f"{two}{state['download_url']}", timeout=60)
    assert download.status_code == 200
    lines = download.content.decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 1 + state["total"] and state["total"] > 10
    # Another user, on either instance, gets nothing.
    leader = _web_login(two, "leader")
    assert leader.get(f"{two}/jobs/{job_id}", timeout=30).status_code == 404
    assert leader.get(f"{one}{state['download_url']}", timeout=30).status_code == 404


def test_a_job_started_on_one_instance_is_followed_and_downloaded_on_the_other(two_consoles):
    _export_on_one_followed_on_the_other(*two_consoles)


def test_with_a_broker_the_worker_runs_the_job_and_both_instances_follow_it(app, database, tmp_path):
    with _consoles(app, database, tmp_path, worker=True) as (one, two, worker_log):
        _export_on_one_followed_on_the_other(one, two)
        assert re.search(r"Task jobs\.run_job\[[^]]+\] succeeded", worker_log.read_text(errors="replace"))


def test_forty_supervisions_spread_over_both_instances_give_exactly_one(app, two_consoles):
    one, two = two_consoles
    pk, version, tax = _assigned_case(app)
    token = _token(one, "coordinator")
    body = {"department_id": tax, "supervision_level": "general", "reason": "逾期未反馈", "version": version}
    barrier = threading.Barrier(CLIENTS)
    answers: list[requests.Response] = []
    lock = threading.Lock()

    def client(base: str) -> None:
        with requests.Session() as http:
            barrier.wait()
            answer = http.post(f"{base}/api/v1/cases/{pk}/actions/supervise", json=body, timeout=120,
                               headers={"Authorization": f"Bearer {token}"})
        with lock:
            answers.append(answer)

    threads = [threading.Thread(target=client, args=((one, two)[i % 2],)) for i in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert Counter(a.url.split("/api/")[0] for a in answers) == {one: CLIENTS // 2, two: CLIENTS // 2}
    _exactly_one_went_through(app, pk, version, answers)
