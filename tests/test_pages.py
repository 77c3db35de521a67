"""Error pages, the profile page, departments' deactivation, AJAX lookups, exports, migrations."""

from __future__ import annotations

import io

import sqlalchemy as sa
from openpyxl import load_workbook

from extensions import db
from models import Department, StaffUser
from tests.conftest import PASSWORD, login
from tests.helpers import english_words


def test_403_is_a_chinese_page_in_the_layout(as_user):
    response = as_user("handler_tax").get("/departments/add")
    assert response.status_code == 403
    html = response.get_data(as_text=True)
    assert "无权访问" in html and "navbar" in html and not english_words(html)


def test_404_and_405_are_chinese(as_user):
    client = as_user("coordinator")
    missing = client.get("/cases/show/999999")
    assert missing.status_code == 404 and "不存在" in missing.get_data(as_text=True)
    assert client.get("/no/such/page").status_code == 404
    wrong_method = client.put("/cases/list/")
    assert wrong_method.status_code == 405 and "不支持的请求方式" in wrong_method.get_data(as_text=True)


def test_api_errors_are_chinese_json(api, client):
    assert client.get("/api/v1/cases/999999").status_code == 401
    coordinator = api("coordinator")
    missing = coordinator.get("/api/v1/cases/999999")
    assert missing.status_code == 404 and missing.get_json()["message"] == "记录不存在。"
    forbidden = api("handler_tax").get("/api/v1/coordinators/")
    assert forbidden.status_code == 403 and "权限" in forbidden.get_json()["message"]


def test_csrf_failure_is_a_chinese_page(app, as_user):
    client = as_user("admin")
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post("/departments/add", data={"name": "新单位", "kind": "town"})
    assert response.status_code == 400
    assert "表单已过期" in response.get_data(as_text=True)


def test_every_role_has_a_profile_and_can_change_password(as_user, app):
    for username in ("window", "handler_hrss", "leader"):
        client = as_user(username)
        page = client.get("/profile/")
        assert page.status_code == 200 and username in page.get_data(as_text=True)
        weak = client.post("/profile/", data={"current": PASSWORD, "password": "short", "confirm": "short"})
        assert "至少 10 位" in weak.get_data(as_text=True) or "至少 10 个字符" in weak.get_data(as_text=True)
        wrong = client.post("/profile/", data={"current": "nope", "password": "Better-Pass-123",
                                                "confirm": "Better-Pass-123"})
        assert "当前密码不正确" in wrong.get_data(as_text=True)
        done = client.post("/profile/", data={"current": PASSWORD, "password": "Better-Pass-123",
                                               "confirm": "Better-Pass-123"})
        assert done.status_code == 302
        login(app.test_client(), username, "Better-Pass-123")


def test_navbar_profile_link_is_ours_not_fabs_admin_only_page(as_user):
    html = as_user("handler_tax").get("/dashboard/").get_data(as_text=True)
    assert "/profile/" in html and "/users/userinfo/" not in html


def test_department_deactivation_keeps_history_and_hides_it_from_new_choices(as_user, app_ctx):
    client = as_user("admin")
    market = db.session.execute(sa.select(Department).where(Department.name == "清城区市场监督管理局")).scalar_one()
    assert client.get("/departments/related/parent?q=市场监督").get_json()["results"]
    deleting = client.post(f"/departments/delete/{market.id}", follow_redirects=True)
    assert "已被其他记录引用" in deleting.get_data(as_text=True), "a unit with history cannot be deleted"
    edit = client.post(f"/departments/edit/{market.id}", data={
        "name": market.name, "kind": market.kind.value, "sort_order": "23", "is_active": ""})
    assert edit.status_code == 302
    db.session.expire_all()
    assert db.session.get(Department, market.id).is_active is False
    assert not client.get("/departments/related/parent?q=市场监督").get_json()["results"]
    assert client.get("/departments/related/parent?q=市场监督&for=search").get_json()["results"], \
        "searching old records still finds it"
    listed = client.get("/departments/list/?quick=inactive").get_data(as_text=True)
    assert "清城区市场监督管理局" in listed


def test_department_list_shows_the_parent(as_user):
    html = as_user("admin").get("/departments/list/").get_data(as_text=True)
    assert "上级单位" in html and "清城区人民政府" in html


def test_lookup_is_paged_and_never_returns_the_whole_table(as_user):
    page = as_user("admin").get("/departments/related/parent").get_json()
    assert len(page["results"]) == 20 and page["pagination"]["more"] is True
    second = as_user("admin").get("/departments/related/parent?page=2").get_json()
    assert {r["id"] for r in second["results"]}.isdisjoint({r["id"] for r in page["results"]})


def test_excel_export_of_the_filtered_list(as_user):
    response = as_user("coordinator").get("/cases/export/xlsx?_flt_0_title=工伤")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "事项编号"
    assert len(rows) > 1 and all("工伤" in row[1] for row in rows[1:])
    assert sheet.title == "反映事项" and sheet.freeze_panes == "A2"


def test_dates_read_as_yyyy_mm_dd(as_user):
    html = as_user("coordinator").get("/cases/list/").get_data(as_text=True)
    assert "2025-06-11" in html or "2025-" in html
    assert "00:00:00" not in html


def test_migrations_build_exactly_the_models_schema(app_ctx):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from models.case_search import modelled

    with db.engine.connect() as connection:  # the n-gram index tables are made by hand in 0010
        diff = compare_metadata(MigrationContext.configure(connection, opts={"include_name": modelled}), db.metadata)
    assert diff == []


def test_users_screen_sets_the_department(as_user, app_ctx):
    client = as_user("admin")
    tax = db.session.execute(sa.select(Department).where(Department.name == "清城区税务局")).scalar_one()
    from access.roles import HANDLER

    role = db.session.execute(sa.text("select id from ab_role where name = :n"), {"n": HANDLER}).scalar_one()
    response = client.post("/users/add", data={
        "username": "handler_tax2", "first_name": "敏", "last_name": "孙", "email": "sun@example.cn",
        "department": str(tax.id), "active": "y", "roles": str(role),
        "password": "Strong-Pass-99", "conf_password": "Strong-Pass-99"})
    assert response.status_code == 302
    user = db.session.execute(sa.select(StaffUser).where(StaffUser.username == "handler_tax2")).scalar_one()
    assert user.department_id == tax.id


def test_api_token_problems_answer_401_in_chinese(client):
    for headers in ({}, {"Authorization": "Bearer not.a.jwt"}, {"Authorization": "Bearer"},
                    {"Authorization": "Basic abc"}):
        response = client.get("/api/v1/cases/", headers=headers)
        assert response.status_code == 401, headers
        assert any("\u4e00" <= ch <= "\u9fff" for ch in response.get_json()["message"])
