"""The optimistic lock on every channel: each action moves a case's version exactly once,
and an action sent with a version the case no longer has is refused and changes nothing.
"""

from __future__ import annotations

import pytest

from extensions import db
from models import Case
from models.enums import CaseStatus
from tests.workflow_support import act, case_in, department, sample_values, snapshot

# Where each action starts, and which demo account (role) takes it.
START = {
    "assess": (CaseStatus.RECEIVED, "coordinator"),
    "decline": (CaseStatus.RECEIVED, "window"),
    "resolve_on_spot": (CaseStatus.RECEIVED, "window"),
    "assign": (CaseStatus.ASSESSING, "coordinator"),
    "sign": (CaseStatus.ASSIGNED, "handler_tax"),
    "reply": (CaseStatus.ASSIGNED, "handler_tax"),
    "request_extension": (CaseStatus.ASSIGNED, "handler_tax"),
    "approve_extension": (CaseStatus.ASSIGNED, "coordinator"),
    "supervise": (CaseStatus.ASSIGNED, "leader"),
    "escalate": (CaseStatus.ASSIGNED, "coordinator"),
    "reassign": (CaseStatus.ASSIGNED, "coordinator"),
    "suspend": (CaseStatus.ASSIGNED, "window"),
    "resume": (CaseStatus.ASSIGNED, "coordinator"),
    "resolve": (CaseStatus.ASSIGNED, "coordinator"),
    "evaluate": (CaseStatus.RESOLVED, "window"),
    "summarize": (CaseStatus.EVALUATED, "coordinator"),
    "archive": (CaseStatus.SUMMARIZED, "coordinator"),
    "criticize": (CaseStatus.ASSIGNED, "leader"),
}


def _ready(action: str) -> Case:
    status, _role = START[action]
    case = case_in(status)
    if action == "approve_extension":
        case = act(case, "request_extension", sample_values("request_extension"), username="handler_tax")
    if action == "resume":
        case = act(case, "suspend", sample_values("suspend"))
    db.session.commit()
    return case


def _body(action: str) -> dict:
    values = dict(sample_values(action))
    for key in ("department_id", "lead_department_id"):
        if isinstance(values.get(key), str):
            values[key] = department(values[key]).id
    return values


@pytest.mark.parametrize("action", sorted(START))
def test_every_action_moves_the_version_exactly_once(api, app_ctx, action):
    case = _ready(action)
    before = case.version
    client = api(START[action][1])
    answer = client.post(f"/api/v1/cases/{case.id}/actions/{action}", json={**_body(action), "version": before})
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["result"]["version"] == before + 1
    db.session.expire_all()
    assert db.session.get(Case, case.id).version == before + 1


def test_a_stale_version_is_refused_on_the_case_page(as_user, app_ctx):
    case = _ready("supervise")
    before = snapshot(case.id)
    client = as_user("coordinator")
    body = {**_body("supervise"), "version": case.version - 1}
    page = client.post(f"/cases/act/{case.id}/supervise", data=body)
    assert page.status_code == 200 and "该事项已被他人更新，请刷新后重试" in page.get_data(as_text=True)
    assert snapshot(case.id) == before


def test_the_row_button_form_carries_the_version_it_showed(as_user, app_ctx):
    case = _ready("assign")
    form = as_user("coordinator").get(f"/cases/act/{case.id}/assign").get_data(as_text=True)
    assert f'name="version" value="{case.version}"' in form


@pytest.mark.parametrize("action", ["assign", "criticize"])
def test_bulk_actions_refuse_cases_changed_since_the_list_was_shown(as_user, app_ctx, action):
    fresh, changed = _ready(action), _ready(action)
    seen = {fresh.id: fresh.version, changed.id: changed.version}
    act(changed, "escalate", {"level": "district"})  # someone else acts on it meanwhile
    db.session.commit()
    before = snapshot(changed.id)
    client = as_user("coordinator")
    listed = client.get("/cases/list/?psize_CaseView=100").get_data(as_text=True)
    assert f'value="{fresh.id}" data-version="{fresh.version}"' in listed
    form = {"rowid": [fresh.id, changed.id], "confirm": "1", **{f"version_{pk}": v for pk, v in seen.items()},
            **_body(action)}
    if action == "criticize":
        form.update(reason="overdue", severity="general", rectify_days=5)
    done = client.post(f"/cases/bulk/{action}", data=form, follow_redirects=True).get_data(as_text=True)
    assert f"{changed.number} 未执行：该事项已被他人更新，请刷新后重试" in done
    assert snapshot(changed.id) == before
    db.session.expire_all()
    assert db.session.get(Case, fresh.id).version == seen[fresh.id] + 1
