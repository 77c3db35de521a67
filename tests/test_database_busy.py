"""When another writer holds the database past the busy timeout, a request answers 503 in Chinese and changes
nothing. It was a 500: bench/run.py at 1 000 000 cases on SQLite met it when a bulk assignment ran while a
background export was writing its progress ("database is locked")."""

from __future__ import annotations

import sqlite3

import pytest

from extensions import db
from models import Case
from models.enums import CaseStatus
from tests.helpers import english_words
from tests.workflow_support import case_in


@pytest.fixture
def locked(database):
    """Another connection holding SQLite's exclusive lock on the test's database file until released."""
    if not database.url.startswith("sqlite:///"):
        pytest.skip("the file lock is SQLite's")
    other = sqlite3.connect(database.work_file, isolation_level=None)

    class Lock:
        def take(self) -> None:
            other.execute("BEGIN EXCLUSIVE")

        def release(self) -> None:
            other.execute("ROLLBACK")

    yield Lock()
    if other.in_transaction:
        other.execute("ROLLBACK")
    other.close()


def test_an_action_on_a_locked_database_answers_busy_in_chinese_and_changes_nothing(app_ctx, as_user, locked):
    case = case_in(CaseStatus.ASSIGNED)
    pk, version = case.id, case.version
    handler = as_user("handler_tax")
    db.session.remove()
    locked.take()
    answer = handler.post(f"/cases/act/{pk}/sign", data={"version": version, "origin": "case"})
    locked.release()
    page = answer.get_data(as_text=True)
    assert answer.status_code == 503, page[:300]
    assert "繁忙" in page and not english_words(page), page[:300]
    case = db.session.get(Case, pk)
    assert (case.status, case.version) == (CaseStatus.ASSIGNED, version)
    # once the other writer is done, the same request goes through
    assert handler.post(f"/cases/act/{pk}/sign", data={"version": version, "origin": "case"}).status_code == 302
