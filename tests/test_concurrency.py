"""Concurrent actions on one case against a live server: the optimistic lock holds.

Forty clients that all read the same version of a case act on it at the same
moment (threads released together by a barrier). Exactly one wins; the other
39 are told in Chinese that the case changed (409); the version moves by
exactly one and exactly one 督办单 and one event are written. Served by the
threaded development server and by gunicorn with four worker processes.
"""

from __future__ import annotations

import threading
from collections import Counter

import requests
import sqlalchemy as sa

from extensions import db
from models import Case, CaseEvent, Supervision
from models.enums import CaseStatus
from tests.conftest import PASSWORD
from tests.live_support import gunicorn_server, live  # noqa: F401  (fixtures)
from tests.workflow_support import NOW, case_in, department
from workdays import clock

CLIENTS = 40


def _assigned_case(app) -> tuple[int, int, int]:
    """A case in 交办, its version and the tax bureau's id."""
    with app.app_context():
        case = case_in(CaseStatus.ASSIGNED)
        db.session.commit()
        return case.id, case.version, department("清城区税务局").id


def _token(base: str, username: str) -> str:
    answer = requests.post(f"{base}/api/v1/security/login",
                           json={"username": username, "password": PASSWORD, "provider": "db"}, timeout=30)
    assert answer.status_code == 200, answer.text
    return answer.json()["access_token"]


def _release_together(base: str, path: str, body: dict, token: str) -> list[requests.Response]:
    """POST the same body from CLIENTS threads released at the same instant."""
    barrier = threading.Barrier(CLIENTS)
    answers: list[requests.Response] = []
    lock = threading.Lock()

    def client() -> None:
        with requests.Session() as http:
            barrier.wait()
            answer = http.post(base + path, json=body, headers={"Authorization": f"Bearer {token}"}, timeout=120)
        with lock:
            answers.append(answer)

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return answers


def _after(app, pk: int) -> tuple[int, int, int]:
    with app.app_context():
        version = db.session.get(Case, pk).version
        supervisions = db.session.scalar(sa.select(sa.func.count()).where(Supervision.case_id == pk))
        events = db.session.scalar(sa.select(sa.func.count()).where(
            CaseEvent.case_id == pk, CaseEvent.action == "supervise"))
        return version, supervisions, events


def _supervise_forty_times(app, base: str) -> tuple[int, int, list[requests.Response]]:
    pk, version, tax = _assigned_case(app)
    token = _token(base, "coordinator")
    body = {"department_id": tax, "supervision_level": "general", "reason": "逾期未反馈", "version": version}
    return pk, version, _release_together(base, f"/api/v1/cases/{pk}/actions/supervise", body, token)


def _exactly_one_went_through(app, pk: int, version: int, answers: list[requests.Response]) -> None:
    codes = Counter(a.status_code for a in answers)
    assert codes == {200: 1, 409: CLIENTS - 1}, codes
    refused = [a.json()["message"] for a in answers if a.status_code == 409]
    assert set(refused) == {"该事项已被他人更新，请刷新后重试"}, set(refused)
    # Before: version v, no supervision; after: exactly one action went through.
    assert _after(app, pk) == (version + 1, 1, 1)


def test_forty_supervisions_with_one_version_give_exactly_one_on_the_threaded_server(app, live):
    # The clock stands still, as within one second: 督办 then changes no column of the case itself.
    with clock.frozen_at(NOW):
        pk, version, answers = _supervise_forty_times(app, live)
    _exactly_one_went_through(app, pk, version, answers)


def test_forty_supervisions_with_one_version_give_exactly_one_on_gunicorn(app, gunicorn_server):
    pk, version, answers = _supervise_forty_times(app, gunicorn_server)
    _exactly_one_went_through(app, pk, version, answers)


def test_parallel_corrections_of_different_cases_each_change_their_own(app, live):
    """Each PUT changes the case it names, even when many arrive at once on a threaded server."""
    with app.app_context():
        cases = [case_in(CaseStatus.RECEIVED) for _ in range(CLIENTS // 2)]
        db.session.commit()
        ids = [c.id for c in cases]
    token = _token(live, "coordinator")
    barrier = threading.Barrier(len(ids))
    codes: list[int] = []

    def correct(pk: int) -> None:
        with requests.Session() as http:
            barrier.wait()
            answer = http.put(f"{live}/api/v1/cases/{pk}", json={"title": f"更正标题 {pk}"},
                              headers={"Authorization": f"Bearer {token}"}, timeout=120)
        codes.append(answer.status_code)

    threads = [threading.Thread(target=correct, args=(pk,)) for pk in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert Counter(codes) == {200: len(ids)}, Counter(codes)
    with app.app_context():
        titles = {pk: db.session.get(Case, pk).title for pk in ids}
    assert titles == {pk: f"更正标题 {pk}" for pk in ids}
