"""The permission matrix: README, declarations and the database agree."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from access.matrix import render
from access.roles import ADMIN, ROLES
from access.sync import role_permissions
from extensions import db

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_carries_the_matrix_rendered_from_the_declarations():
    text = README.read_text(encoding="utf-8")
    start = text.index("<!-- permission-matrix:start -->") + len("<!-- permission-matrix:start -->")
    end = text.index("<!-- permission-matrix:end -->")
    assert text[start:end].strip() == render().strip(), "run `python -m access.matrix --update-readme`"


@pytest.mark.parametrize("role", sorted(ROLES))
def test_database_roles_hold_exactly_their_declaration(app, app_ctx, role):
    sm = app.appbuilder.sm
    held = {(pv.permission.name, pv.view_menu.name) for pv in sm.find_role(role).permissions}
    assert held == role_permissions(app.appbuilder, role)


def test_admin_holds_every_permission_but_the_personal_data_export(app, app_ctx):
    sm = app.appbuilder.sm
    every = {(pv.permission.name, pv.view_menu.name): pv.id for pv in db.session.query(sm.permissionview_model)}
    withheld = {every[("can_export_personal", "PersonalInfo")]}
    assert {pv.id for pv in sm.find_role(ADMIN).permissions} == set(every.values()) - withheld


def test_exact_view_names_never_match_prefixes(app, app_ctx):
    """CaseView's permissions do not leak to CaseEventView (FAB_ROLES' regexes would)."""
    sm = app.appbuilder.sm
    handler = {(pv.permission.name, pv.view_menu.name) for pv in sm.find_role("承办人员").permissions}
    assert ("can_export", "CaseView") in handler and ("can_export", "CaseEventView") not in handler


def test_custom_roles_work_at_once(as_user, app, app_ctx):
    """An admin creates 纪检监察联络员 (read-only on 通报批评) in the UI; it works immediately."""
    from tests.conftest import login

    admin = as_user("admin")
    sm = app.appbuilder.sm
    wanted = [pv for pv in db.session.query(sm.permissionview_model).all()
              if pv.view_menu.name == "CriticismView" and pv.permission.name in ("can_list", "can_show")
              or (pv.view_menu.name in ("CriticismView", "EVALUATION") and pv.permission.name == "menu_access")]
    created = admin.post("/roles/add", data={"name": "纪检监察联络员", "permissions": [str(pv.id) for pv in wanted]})
    assert created.status_code == 302
    role_id = db.session.execute(sa.text("select id from ab_role where name = '纪检监察联络员'")).scalar_one()
    admin.post("/users/add", data={
        "username": "jijian", "first_name": "清", "last_name": "廉", "email": "jj@example.cn", "active": "y",
        "roles": str(role_id), "password": "Strong-Pass-77", "conf_password": "Strong-Pass-77"})
    liaison = login(app.test_client(), "jijian", "Strong-Pass-77")
    assert liaison.get("/criticisms/list/").status_code == 200
    assert liaison.get("/cases/list/").status_code == 403
    assert "通报批评" in liaison.get("/dashboard/").get_data(as_text=True)


def test_role_form_groups_permissions_in_chinese(as_user):
    html = as_user("admin").get("/roles/add").get_data(as_text=True)
    assert "反映事项" in html and "交办" in html and "查看列表" in html
    assert "can_list" not in html and "CaseView" not in html


def test_builtin_roles_are_read_only_in_the_ui(as_user, app, app_ctx):
    sm = app.appbuilder.sm
    role = sm.find_role("协调专员")
    before = {pv.id for pv in role.permissions}
    response = as_user("admin").post(f"/roles/edit/{role.id}", data={"name": "协调专员", "permissions": []},
                                     follow_redirects=True)
    assert "系统内置角色" in response.get_data(as_text=True)
    db.session.expire_all()
    assert {pv.id for pv in sm.find_role("协调专员").permissions} == before
