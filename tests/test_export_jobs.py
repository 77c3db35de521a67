"""Large exports run as background jobs: progress on the list, the file for the asking user only, a day long.

EXPORT_BACKGROUND_ROWS is lowered for these tests so that the demo district's cases are "large"; the
job itself runs in a thread of the console process, as under `flask demo` (no broker configured).
"""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest
import sqlalchemy as sa

from extensions import db
from models import AuditLog, Case, Job
from models.enums import CaseStatus
from tests.personal_data_support import csv_rows, xlsx_rows


@pytest.fixture(autouse=True)
def job_folder(app, monkeypatch, tmp_path):
    """Job files of a test go to its own folder."""
    monkeypatch.setitem(app.config, "JOB_FOLDER", str(tmp_path / "jobs"))


@pytest.fixture
def small_threshold(app_ctx, monkeypatch):
    """Exports above 10 rows go to the background."""
    monkeypatch.setitem(app_ctx.config, "EXPORT_BACKGROUND_ROWS", 10)


def _fetch(client, url: str):
    """GET a file and close the response (send_file keeps the file open until then)."""
    response = client.get(url)
    response.get_data()
    response.close()
    return response


def _start(client, url: str) -> tuple[int, str]:
    """Ask for an export; return the job's id (read off the list's progress bar) and the list page."""
    asked = client.get(url)
    assert asked.status_code == 302, asked.status_code
    page = client.get(asked.headers["Location"]).get_data(as_text=True)
    found = re.findall(r'data-job-url="/jobs/(\d+)"', page)
    assert found, page[:2000]
    return int(found[0]), page


def _until_finished(client, job_id: int, seconds: float = 60) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        answer = client.get(f"/jobs/{job_id}")
        assert answer.status_code == 200, answer.get_data(as_text=True)
        state = answer.get_json()
        assert 0 <= state["percent"] <= 100
        if state["finished"]:
            return state
        time.sleep(0.2)
    pytest.fail(f"job {job_id} did not finish within {seconds} s")


def _visible_cases() -> int:
    # The coordinator's default list: every department, voided cases hidden (README 作废而不是删除).
    return db.session.scalar(sa.select(sa.func.count()).select_from(Case).where(Case.status != CaseStatus.VOIDED))


def test_a_large_export_runs_as_a_job_with_progress_and_gives_the_file_to_its_owner_only(
        app_ctx, as_user, small_threshold):
    coordinator = as_user("coordinator")
    job_id, page = _start(coordinator, "/cases/export/csv")
    assert "后台" in page  # the flash says the export runs in the background
    assert 'class="progress-bar' in page and "console/jobs.js" in page
    state = _until_finished(coordinator, job_id)
    assert state["state"] == "done", state
    assert state["percent"] == 100 and state["state_label"] == "已完成"
    expected = _visible_cases()
    assert expected > 10  # the demo's 60 cases: above the lowered threshold
    assert state["done"] == state["total"] == expected
    assert state["message"] == f"已导出 {expected} 行。"
    download = _fetch(coordinator, state["download_url"])
    assert download.status_code == 200 and download.mimetype == "text/csv"
    assert "attachment" in download.headers["Content-Disposition"]
    assert download.headers["Cache-Control"] == "no-store"
    rows = csv_rows(download.data)
    assert len(rows) == expected
    assert len({r["事项编号"] for r in rows}) == expected
    # The list page keeps showing the finished job, with its download link.
    again = coordinator.get("/cases/list/").get_data(as_text=True)
    assert f'/jobs/{job_id}/download' in again and "已完成" in again

    # Another user with the same export permission learns nothing of it.
    leader = as_user("leader")
    assert leader.get(f"/jobs/{job_id}").status_code == 404
    assert leader.get(f"/jobs/{job_id}").get_json()["message"] == "任务不存在或已过期。"
    assert _fetch(leader, f"/jobs/{job_id}/download").status_code == 404
    assert f"/jobs/{job_id}" not in leader.get("/cases/list/").get_data(as_text=True)


def test_the_background_file_equals_the_immediate_export_of_the_same_filters(app_ctx, as_user, monkeypatch):
    """Same conditions, same data scope, same order and formatting, whichever path writes the file."""
    handler = as_user("handler_tax")
    url = "/cases/export/xlsx?_flt_0_applicant_name=女士"
    immediate = handler.get(url)
    assert immediate.status_code == 200
    expected = xlsx_rows(immediate.data)
    assert len(expected) >= 2
    monkeypatch.setitem(app_ctx.config, "EXPORT_BACKGROUND_ROWS", 1)
    job_id, _page = _start(handler, url)
    state = _until_finished(handler, job_id)
    assert state["state"] == "done", state
    background = _fetch(handler, state["download_url"])
    assert background.headers["Content-Disposition"].endswith(".xlsx")
    assert xlsx_rows(background.data) == expected


def test_the_export_is_in_the_audit_log_and_the_file_expires_after_a_day(app_ctx, as_user, small_threshold):
    coordinator = as_user("coordinator")
    job_id, _page = _start(coordinator, "/cases/export/xlsx")
    state = _until_finished(coordinator, job_id)
    assert state["state"] == "done", state
    db.session.remove()
    logged = db.session.execute(sa.select(AuditLog).where(AuditLog.operation == "export")
                                .order_by(AuditLog.id.desc())).scalars().first()
    assert logged is not None and logged.username == "coordinator" and logged.model == "Case"
    assert logged.changes["row_count"] == [None, _visible_cases()]
    assert logged.changes["file_format"] == [None, "xlsx"]
    # A day later: neither the progress nor the file is offered any more.
    db.session.execute(sa.update(Job).where(Job.id == job_id).values(
        expires_at=dt.datetime(2000, 1, 1)))
    db.session.commit()
    assert coordinator.get(f"/jobs/{job_id}").status_code == 404
    assert _fetch(coordinator, f"/jobs/{job_id}/download").status_code == 404


def test_a_small_export_is_still_answered_at_once(as_user):
    response = as_user("coordinator").get("/cases/export/csv?_flt_0_title=工伤")
    assert response.status_code == 200 and response.mimetype == "text/csv"
