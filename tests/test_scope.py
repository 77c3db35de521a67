"""A handler sees and acts on only their own department's cases — on every path."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from access.scope import scope_condition
from extensions import db
from models import Assignment, Case
from models.enums import CaseStatus
from tests.workflow_support import act, case_in, department, snapshot


def hrss_case() -> Case:
    case = case_in(CaseStatus.ASSESSING)
    return act(case, "assign", {"lead_department_id": "清城区人力资源和社会保障局"})


def tax_case() -> Case:
    return case_in(CaseStatus.ASSIGNED)


def test_handler_lists_only_own_department_cases(as_user, app_ctx):
    mine, other = tax_case(), hrss_case()
    html = as_user("handler_tax").get("/cases/list/?psize_CaseView=100").get_data(as_text=True)
    assert mine.number in html and other.number not in html
    tax = department("清城区税务局")
    visible = db.session.execute(sa.select(Case.id).where(sa.exists().where(
        Assignment.case_id == Case.id, Assignment.department_id == tax.id,
        Assignment.status != "withdrawn"))).scalars().all()
    count = as_user("handler_tax").get("/cases/list/").get_data(as_text=True)
    assert f'<span class="record-count">{len(visible)}</span>' in count


def test_other_departments_cases_answer_404_everywhere(as_user, api, app_ctx):
    other = hrss_case()
    before = snapshot(other.id)
    client = as_user("handler_tax")
    for url in (f"/cases/show/{other.id}", f"/cases/act/{other.id}/sign"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/cases/act/{other.id}/reply", data={"content": "x"}).status_code == 404
    token = api("handler_tax")
    assert token.get(f"/api/v1/cases/{other.id}").status_code == 404
    assert token.post(f"/api/v1/cases/{other.id}/actions/sign", json={}).status_code == 404
    ids = [c["id"] for c in token.get("/api/v1/cases/?q=(page_size:100)").get_json()["result"]]
    assert other.id not in ids
    assert snapshot(other.id) == before


def test_coordinator_edit_delete_paths_respect_scope_for_handlers(as_user, app_ctx):
    other = hrss_case()
    client = as_user("handler_tax")
    assert client.get(f"/cases/edit/{other.id}").status_code in (403, 404)
    assert client.post(f"/cases/delete/{other.id}").status_code in (403, 404)
    assert db.session.get(Case, other.id) is not None


def test_bulk_actions_never_load_other_departments_cases(as_user, app_ctx):
    other = hrss_case()
    before = snapshot(other.id)
    client = as_user("handler_tax")
    response = client.post("/cases/action_post", data={"action": "anything", "rowid": [str(other.id)]})
    assert response.status_code == 404
    page = client.post("/cases/bulk/assign", data={"rowid": [str(other.id)], "confirm": "1"})
    assert page.status_code == 403, "handlers hold no bulk action"
    assert snapshot(other.id) == before


def test_handler_cannot_act_for_another_department(app_ctx):
    import pytest

    from console.errors import ConsoleError
    from tests.workflow_support import user
    from workflow.service import Actor

    both = case_in(CaseStatus.ASSESSING)
    both = act(both, "assign", {"lead_department_id": "清城区税务局",
                                "co_department_ids": ["清城区人力资源和社会保障局"]})
    handler = user("handler_tax")
    actor = Actor(user=handler, can=lambda perm: True, department_id=handler.department_id, sees_all=False)
    before = snapshot(both.id)
    hrss = department("清城区人力资源和社会保障局")
    with pytest.raises(ConsoleError):
        act(both, "sign", {"department_id": hrss.id}, actor=actor)
    assert snapshot(both.id) == before
    assert act(both, "sign", {}, actor=actor).assignments[0].signed_by_id == handler.id


def test_exports_and_counts_respect_scope(as_user, app_ctx):
    mine, other = tax_case(), hrss_case()
    export = as_user("handler_tax").get("/cases/export/xlsx")
    numbers = [row[0] for row in load_workbook(io.BytesIO(export.data)).active.iter_rows(min_row=2, values_only=True)]
    assert mine.number in numbers and other.number not in numbers
    dashboard = as_user("handler_tax").get("/dashboard/").get_data(as_text=True)
    assert "反映事项" in dashboard


def test_related_lookups_respect_scope(as_user, app_ctx):
    other = hrss_case()
    results = as_user("handler_tax").get(f"/assignments/related/case?q={other.number}&for=search").get_json()
    assert results["results"] == []


def test_scope_needs_a_department(app, app_ctx):
    from models import StaffUser
    from models.base import acting_as
    from tests.conftest import login
    from tests.workflow_support import user

    handler = db.session.execute(sa.select(StaffUser).where(StaffUser.username == "handler_hrss")).scalar_one()
    with acting_as(user("admin").id):
        handler.department_id = None
        db.session.commit()
    client = login(app.test_client(), "handler_hrss")
    assert "没有记录" in client.get("/cases/list/").get_data(as_text=True)


def test_scope_condition_is_true_outside_requests(app_ctx):
    assert str(scope_condition(Case)) == str(sa.true())


# 回访记录 and 短信发件箱: rows of a case belong to the departments the case is assigned to.

def _follow_ups() -> dict:
    """A tax case and an HR & social security case, each with a missed 回访 and a text message; one reminder
    text belongs to no case."""
    from access.system import as_system
    from models import CallbackAttempt, SmsMessage
    from models.enums import SmsEvent

    missed = {"channel": "phone", "reached": False, "words": "无人接听"}
    tax = act(tax_case(), "resolve", {"result": "已办结", "solved": "yes"})
    hrss = act(hrss_case(), "resolve", {"result": "已办结", "solved": "yes"})
    rows = {}
    for name, case in (("tax", tax), ("hrss", hrss)):
        act(case, "callback", missed)
        rows[f"{name}_call"] = db.session.execute(sa.select(CallbackAttempt.id).where(
            CallbackAttempt.case_id == case.id)).scalar_one()
    with as_system():
        for name, case in (("tax", tax), ("hrss", hrss), ("none", None)):
            message = SmsMessage(event=SmsEvent.ASSIGNED, event_key=f"scope-test:{name}", phone="0763-3360000",
                                 text=f"短信-{name}", case_id=case.id if case else None)
            db.session.add(message)
            db.session.flush()
            rows[f"{name}_sms"] = message.id
        db.session.commit()
    rows["tax"], rows["hrss"] = tax.number, hrss.number
    return rows


def _chinese_refusal(response, code: int) -> None:
    from tests.helpers import english_words

    html = response.get_data(as_text=True)
    assert response.status_code == code, (response.request.path, response.status_code)
    assert ("无权访问" if code == 403 else "不存在") in html and english_words(html) == [], response.request.path


# user → {screen: (list and show, export)}: the built-in roles as access/roles.py declares them (README 权限矩阵).
ROLE_ANSWERS = {
    "admin": {"/callbacks": (200, 200), "/sms-outbox": (200, 200)},
    "window": {"/callbacks": (200, 403), "/sms-outbox": (403, 403)},
    "coordinator": {"/callbacks": (200, 200), "/sms-outbox": (403, 403)},
    "leader": {"/callbacks": (200, 200), "/sms-outbox": (403, 403)},
    "handler_tax": {"/callbacks": (403, 403), "/sms-outbox": (403, 403)},
}


@pytest.mark.parametrize("username", sorted(ROLE_ANSWERS))
def test_each_role_opens_follow_up_calls_and_text_messages_as_declared(as_user, app_ctx, username):
    rows = _follow_ups()
    client = as_user(username)
    for prefix, key in (("/callbacks", "hrss_call"), ("/sms-outbox", "hrss_sms")):
        read, export = ROLE_ANSWERS[username][prefix]
        for url, code in ((f"{prefix}/list/", read), (f"{prefix}/show/{rows[key]}", read),
                          (f"{prefix}/export/xlsx", export)):
            response = client.get(url)
            if code == 200:
                assert response.status_code == 200, url
            else:
                _chinese_refusal(response, code)
        _chinese_refusal(client.get(f"{prefix}/show/999999"), 404 if read == 200 else 403)
    if ROLE_ANSWERS[username]["/callbacks"][0] == 200:  # those who see every department see both departments' calls
        page = client.get("/callbacks/list/").get_data(as_text=True)
        assert rows["tax"] in page and rows["hrss"] in page


@pytest.fixture
def tax_reader(app, app_ctx):
    """税务局联络员: a custom role reading 回访记录 and 短信发件箱, bound to the tax bureau, without 全部部门."""
    from access.system import as_system
    from tests.conftest import login
    from tests.workflow_support import department

    sm = app.appbuilder.sm
    with as_system():
        role = sm.add_role("税务局联络员")
        for view in ("CallbackAttemptView", "SmsMessageView"):
            for permission in ("can_list", "can_show", "can_export"):
                sm.add_permission_role(role, sm.find_permission_view_menu(permission, view))
        reader = sm.add_user("tax_reader", "联络", "员", "reader@example.cn", role, "Strong-Pass-77")
        reader.department_id = department("清城区税务局").id
        db.session.commit()
    return login(app.test_client(), "tax_reader", "Strong-Pass-77")


def test_a_department_bound_role_sees_only_its_departments_calls_and_messages(tax_reader, app_ctx):
    rows = _follow_ups()
    calls = tax_reader.get("/callbacks/list/?psize_CallbackAttemptView=100").get_data(as_text=True)
    assert rows["tax"] in calls and rows["hrss"] not in calls
    assert tax_reader.get(f"/callbacks/show/{rows['tax_call']}").status_code == 200
    _chinese_refusal(tax_reader.get(f"/callbacks/show/{rows['hrss_call']}"), 404)
    texts = tax_reader.get("/sms-outbox/list/?psize_SmsMessageView=100").get_data(as_text=True)
    assert "短信-tax" in texts and "短信-hrss" not in texts and "短信-none" not in texts
    _chinese_refusal(tax_reader.get(f"/sms-outbox/show/{rows['hrss_sms']}"), 404)
    _chinese_refusal(tax_reader.get(f"/sms-outbox/show/{rows['none_sms']}"), 404)
    for url, mine, other in (("/callbacks/export/xlsx", rows["tax"], rows["hrss"]),
                             ("/sms-outbox/export/xlsx", "短信-tax", "短信-hrss")):
        cells = {str(c) for row in load_workbook(io.BytesIO(tax_reader.get(url).data)).active.iter_rows(
            min_row=2, values_only=True) for c in row}
        assert any(mine in c for c in cells) and not any(other in c for c in cells), url
