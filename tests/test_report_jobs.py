"""生成报告 from the leader's 工作台 runs as a background job with a progress bar; the files stay downloadable."""

from __future__ import annotations

import io
import re
import zipfile

import pytest

from tests.test_export_jobs import _fetch, _until_finished
from tests.test_kpi_report import docx_text


@pytest.fixture(autouse=True)
def job_folder(app, monkeypatch, tmp_path):
    """Job files of a test go to its own folder."""
    monkeypatch.setitem(app.config, "JOB_FOLDER", str(tmp_path / "jobs"))


def test_the_leader_generates_the_years_report_in_the_background_and_downloads_it(as_user):
    leader = as_user("leader")
    asked = leader.post("/dashboard/report", data={"period": "2025"})
    assert asked.status_code == 302 and "period=2025" in asked.headers["Location"]
    page = leader.get(asked.headers["Location"]).get_data(as_text=True)
    [job_id] = [int(pk) for pk in re.findall(r'data-job-url="/jobs/(\d+)"', page)]
    assert "console/jobs.js" in page
    state = _until_finished(leader, job_id)
    assert state["state"] == "done" and state["download_url"] == f"/jobs/{job_id}/download"
    files = _fetch(leader, state["download_url"])
    assert files.status_code == 200
    with zipfile.ZipFile(io.BytesIO(files.data)) as archive:
        text = docx_text(archive.read("办不成事反映窗口年报-2025.docx"))
    # The article: 2025 so far 3 cases, each responded to, finished and satisfied (the demo keeps to it).
    assert "2025年" in text and "100.0%" in text
    assert as_user("coordinator").get(state["download_url"]).status_code == 404, "only for the one who asked"


def test_a_custom_span_is_reported_as_asked(as_user):
    leader = as_user("leader")
    asked = leader.post("/dashboard/report", data={"period": "custom", "from": "2024-01-01", "to": "2024-06-30"})
    page = leader.get(asked.headers["Location"]).get_data(as_text=True)
    [job_id] = [int(pk) for pk in re.findall(r'data-job-url="/jobs/(\d+)"', page)]
    state = _until_finished(leader, job_id)
    assert state["state"] == "done" and "2024-01-01" in state["file"] and "2024-06-30" in state["file"]


@pytest.mark.parametrize("username", ["window", "coordinator", "handler_tax"])
def test_only_kpi_holders_may_generate_reports(as_user, username):
    assert as_user(username).post("/dashboard/report", data={"period": "2025"}).status_code == 403


def test_a_refused_period_is_explained_and_starts_nothing(as_user):
    leader = as_user("leader")
    asked = leader.post("/dashboard/report", data={"period": "custom", "from": "2025-13-01", "to": "x"},
                        follow_redirects=True)
    page = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "data-job-url" not in page
    assert "日期" in page
