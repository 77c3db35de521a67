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


def _add_user(app, username: str, role, department: str | None = None):
    """A second account made by the admin: `role` (a Role), bound to `department` when given; logged in."""
    from access.system import as_system
    from extensions import db
    from tests.conftest import login
    from tests.workflow_support import department as named

    with as_system():
        made = app.appbuilder.sm.add_user(username, "测", "试", f"{username}@example.cn", role, "Strong-Pass-77")
        if department:
            made.department_id = named(department).id
        db.session.commit()
    return login(app.test_client(), username, "Strong-Pass-77")


def _report_job(client, data: dict) -> int:
    asked = client.post("/dashboard/report", data=data)
    assert asked.status_code == 302, asked.status_code
    page = client.get(asked.headers["Location"]).get_data(as_text=True)
    [job_id] = [int(pk) for pk in re.findall(r'data-job-url="/jobs/(\d+)"', page)]
    return job_id


def test_a_report_job_is_seen_and_downloaded_only_by_the_leader_who_started_it(app, app_ctx, as_user):
    leader = as_user("leader")
    second = _add_user(app, "leader2", app.appbuilder.sm.find_role("领导"))
    job_id = _report_job(leader, {"period": "2025"})
    state = _until_finished(leader, job_id)
    assert state["state"] == "done"
    handler = as_user("handler_tax")
    assert handler.post("/dashboard/report", data={"period": "2025"}).status_code == 403
    for other in (second, handler):
        for url in (f"/jobs/{job_id}", state["download_url"]):
            answer = _fetch(other, url)
            assert answer.status_code == 404, url
            said = answer.get_json()["message"] if answer.is_json else answer.get_data(as_text=True)
            assert "不存在" in said, url
    assert "data-job-url" not in second.get("/dashboard/").get_data(as_text=True), "no bar of another's job"
    second_job = _report_job(second, {"period": "2024"})
    assert _fetch(leader, f"/jobs/{second_job}").status_code == 404
    assert _until_finished(second, second_job)["state"] == "done"


def _sheets(data: bytes) -> list[list[tuple]]:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data))
    return [list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets]


def test_a_report_job_keeps_the_data_scope_of_the_user_who_started_it(app, app_ctx, as_user):
    """A role holding 指标与图表 but not 全部部门 (a department's own leader) reports on its department only, in the
    background exactly as on the page's immediate download."""
    from access.system import as_system
    from extensions import db

    sm = app.appbuilder.sm
    with as_system():
        role = sm.add_role("税务局分管领导")
        sm.add_permission_role(role, sm.find_permission_view_menu("can_kpi", "DashboardView"))
        db.session.commit()
    tax_lead = _add_user(app, "tax_lead", role, "清城区税务局")
    span = {"period": "custom", "from": "2021-01-01", "to": "2025-12-31"}
    at_once = tax_lead.get("/dashboard/report.xlsx", query_string=span)
    assert at_once.status_code == 200
    everyone = as_user("leader").get("/dashboard/report.xlsx", query_string=span)
    assert _sheets(at_once.data) != _sheets(everyone.data), "the tax bureau's cases are a part of all"
    job_id = _report_job(tax_lead, span)
    state = _until_finished(tax_lead, job_id)
    assert state["state"] == "done", state
    with zipfile.ZipFile(io.BytesIO(_fetch(tax_lead, state["download_url"]).data)) as archive:
        [name] = [n for n in archive.namelist() if n.endswith(".xlsx")]
        assert _sheets(archive.read(name)) == _sheets(at_once.data)


def test_a_report_job_of_someone_without_the_kpi_permission_fails_and_writes_no_file(app_ctx):
    """The permission is checked again when the job runs (it may have been withdrawn since it was asked)."""
    from jobs import runner, store
    from models.job import JobKind, JobState
    from tests.workflow_support import user

    job_id = store.create(JobKind.REPORT, user("handler_tax").id, {"period": "2025"}, origin="/dashboard/")
    runner.run(job_id)
    job = store.get(job_id)
    assert (job.state, job.result_path) == (JobState.FAILED, None)
    assert job.message == "任务失败，请稍后重试或联系系统管理员。"
