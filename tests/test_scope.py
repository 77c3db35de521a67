"""A handler sees and acts on only their own department's cases — on every path."""

from __future__ import annotations

import io

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
