"""The jobs package: the beat schedule, scheduled and started jobs, and a failing job said in Chinese.

The test config has no broker, so Celery runs a task in the calling process (task_always_eager) and
`jobs.runner.start` uses a thread; the worker itself is exercised in tests/test_shared_state.py.
"""

from __future__ import annotations

import datetime as dt
import time
import zipfile

import pytest
import sqlalchemy as sa

from extensions import db
from jobs import runner, store
from jobs.tasks import daily_reminders, last_month, monthly_evaluation
from models import Evaluation, Job
from models.job import JobKind, JobState
from workdays import clock


def _latest(kind: JobKind) -> Job:
    db.session.remove()
    return db.session.execute(sa.select(Job).where(Job.kind == kind).order_by(Job.id.desc())).scalars().first()


def test_beat_schedules_the_daily_reminders_and_the_monthly_evaluation(app):
    celery = app.extensions["celery"]
    schedule = celery.conf.beat_schedule
    assert {entry["task"] for entry in schedule.values()} == {"jobs.daily_reminders", "jobs.monthly_evaluation",
                                                              "jobs.send_text_messages"}
    assert {"jobs.daily_reminders", "jobs.monthly_evaluation", "jobs.run_job",
            "jobs.send_text_messages"} <= set(celery.tasks)
    assert schedule["text-messages"]["schedule"] == 60.0
    monthly = schedule["monthly-evaluation"]["schedule"]
    assert monthly.day_of_month == {1} and monthly.hour == {2}
    assert schedule["daily-reminders"]["schedule"].day_of_month == set(range(1, 32))
    assert celery.conf.timezone == "Asia/Shanghai"


@pytest.mark.parametrize(("today", "period"), [
    (dt.date(2025, 7, 1), "2025-06"), (dt.date(2025, 7, 31), "2025-06"), (dt.date(2026, 1, 1), "2025-12")])
def test_the_monthly_evaluation_is_of_the_month_that_just_ended(today, period):
    assert last_month(today) == period


def test_the_monthly_evaluation_task_evaluates_the_past_month_as_a_recorded_job(app_ctx):
    with clock.frozen_at(dt.datetime(2025, 7, 1, 2, 0)):
        monthly_evaluation.delay()  # no broker in tests: runs here and now
    job = _latest(JobKind.EVALUATION)
    assert job.state == JobState.DONE and job.user_id is None and job.params == {"period": "2025-06"}
    computed = db.session.scalar(sa.select(sa.func.count()).select_from(Evaluation)
                                 .where(Evaluation.period == "2025-06"))
    assert computed > 0
    assert job.message == f"2025-06：已计算 {computed} 个单位的量化评价。"


def test_the_daily_reminders_task_is_a_recorded_job_that_also_clears_expired_jobs(app_ctx):
    old = store.create(JobKind.EXPORT, None, {})
    db.session.execute(sa.update(Job).where(Job.id == old).values(expires_at=dt.datetime(2000, 1, 1)))
    db.session.commit()
    daily_reminders.delay()
    job = _latest(JobKind.REMINDERS)
    assert job.state == JobState.DONE and job.message.startswith("即将超期提醒")
    assert db.session.get(Job, old) is None


def test_a_report_job_gives_the_word_and_excel_files_in_one_archive(app_ctx, tmp_path, monkeypatch):
    monkeypatch.setitem(app_ctx.config, "JOB_FOLDER", str(tmp_path))
    job_id = runner.run_scheduled(JobKind.REPORT, {"period": "2025"})
    job = store.get(job_id)
    assert job.state == JobState.DONE, job.message
    assert job.result_name == "办不成事反映窗口年报-2025.zip"
    with zipfile.ZipFile(job.result_path) as archive:
        assert sorted(archive.namelist()) == ["办不成事反映窗口年报-2025.docx", "办不成事反映窗口年报-2025.xlsx"]


def test_a_failing_job_says_so_in_chinese_and_stops(app_ctx):
    job_id = runner.run_scheduled(JobKind.EVALUATION, {"period": "not-a-period"})
    job = store.get(job_id)
    assert job.state == JobState.FAILED and job.finished_at is not None
    assert job.message == "任务失败，请稍后重试或联系系统管理员。"


def test_a_started_job_runs_beside_the_request_without_a_broker(app_ctx):
    job_id = runner.start(JobKind.EVALUATION, None, {"period": "2025Q2"})
    deadline = time.monotonic() + 60
    while store.get(job_id).state in (JobState.QUEUED, JobState.RUNNING) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert store.get(job_id).state == JobState.DONE
