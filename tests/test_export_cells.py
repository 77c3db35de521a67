"""A background export's cells for constructed cases, against values written out by hand.

The background export reads plain rows (console/export_rows.py) instead of model instances; these cells
are what a person reads on the list and the case page for the same records.
"""

from __future__ import annotations

import datetime as dt
import time

import pytest

from extensions import db
from models import Department
from tests.personal_data_support import xlsx_rows
from tests.workflow_support import act, new_case
from workdays import clock

T = dt.datetime
ASSESS = {"problem_type": "difficult", "track": "coordinate", "disposition": "escalate", "level": "back_office"}


@pytest.fixture(autouse=True)
def job_folder(app, monkeypatch, tmp_path):
    """Job files of a test go to its own folder; every export runs in the background."""
    monkeypatch.setitem(app.config, "JOB_FOLDER", str(tmp_path / "jobs"))
    monkeypatch.setitem(app.config, "EXPORT_BACKGROUND_ROWS", 1)


def _background_rows(client, url: str) -> list[dict[str, str]]:
    asked = client.get(url)
    assert asked.status_code == 302, asked.status_code
    job_id = int(client.get(asked.headers["Location"]).get_data(as_text=True)
                 .split('data-job-url="/jobs/')[1].split('"')[0])
    for _ in range(300):
        state = client.get(f"/jobs/{job_id}").get_json()
        if state["finished"]:
            break
        time.sleep(0.2)
    assert state["state"] == "done", state
    download = client.get(state["download_url"])
    rows = xlsx_rows(download.data)
    download.close()
    return rows


def test_background_export_cells_match_a_hand_reading(app_ctx, as_user):
    tax = db.session.query(Department).filter(Department.name.like("%税务%")).first()
    plain = new_case(T(2026, 3, 2, 9, 5), title="导出核对：普通")
    formula = new_case(T(2026, 3, 3, 14, 30), title="=1+1 导出核对")
    assigned = act(formula, "assess", ASSESS, T(2026, 3, 3, 15))
    act(assigned, "assign", {"lead_department_id": tax.id, "deadline_days": 5}, T(2026, 3, 3, 15))

    with clock.frozen_at(T(2026, 3, 20, 9)):
        rows = _background_rows(as_user("coordinator"), "/cases/export/xlsx?_flt_0_title=导出核对")
    by_title = {row["标题"]: row for row in rows}
    assert set(by_title) == {"导出核对：普通", "'=1+1 导出核对"}  # a formula is shown, never run
    first, second = by_title["导出核对：普通"], by_title["'=1+1 导出核对"]
    assert (first["事项编号"], second["事项编号"]) == (plain.number, formula.number)
    assert (first["受理时间"], second["受理时间"]) == ("2026-03-02 09:05", "2026-03-03 14:30")
    assert (first["反映渠道"], first["反映人类型"], first["状态"]) == ("现场窗口", "个人", "受理")
    # registered Mon 2 March: 研判 due the next working day, Tue 3 March; still open on the 20th, so overdue
    assert (first["挂起中"], first["不接收短信"]) == ("否", "否")
    assert (first["办结时限"], first["已超期"]) == ("2026-03-03", "是")
    assert first["主办单位"] is None and first["交办时间"] is None  # empty cells carry no value
    # handed over Tue 3 March for 5 working days: 4, 5, 6, 9, 10 March; open on the 20th, so overdue
    assert (second["状态"], second["主办单位"], second["办结时限"]) == ("交办", tax.name, "2026-03-10")
    assert (second["交办时间"], second["已超期"], second["重办次数"]) == ("2026-03-03 15:00", "是", "0")
    assert first["反映人"] == second["反映人"] == "测试人"  # the coordinator may read names in full
