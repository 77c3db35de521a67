"""Personal data, minimum necessary (个人信息保护法, 等保 2.0 三级).

身份证号, 手机号 and 统一社会信用代码 are masked for every role on every channel: list and show
pages, edit forms, API list and show, every export, notifications and documents. Holders of
查看个人信息 reveal one field of one record (page button or `?reveal=`), and each reveal leaves one
audit row. A file with full values needs 导出个人信息 (no built-in role holds it) and a reason.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from extensions import db
from models import Case, Notification
from tests.conftest import login
from tests.helpers import english_words
from tests.personal_data_support import (
    CREDIT_CODE,
    FULL,
    HOLDERS,
    ID_NUMBER,
    MASKED,
    PHONE,
    ROLE_USERS,
    assert_no_full_value,
    audit_rows,
    csv_rows,
    documents_of,
    docx_text,
    export_routes,
    personal_case,
    xlsx_rows,
    xlsx_text,
)
from tests.workflow_support import user


@pytest.mark.parametrize("username", ROLE_USERS)
def test_every_channel_masks_personal_data_for_every_role(as_user, api, app_ctx, username):
    case = personal_case()
    client, rest = as_user(username), api(username)
    listed = client.get(f"/cases/list/?_flt_0_number={case.number}")
    assert listed.status_code == 200 and case.number in listed.get_data(as_text=True)
    assert_no_full_value(listed.get_data(as_text=True), "the list page")
    page = client.get(f"/cases/show/{case.id}").get_data(as_text=True)
    assert_no_full_value(page, "the show page")
    assert all(masked in page for masked in MASKED.values())
    assert ("reveal-pi" in page) == (username in HOLDERS)

    shown = rest.get(f"/api/v1/cases/{case.id}").get_json()["result"]
    assert {key: shown[key] for key in MASKED} == MASKED
    listing = rest.get("/api/v1/cases/?q=(page_size:100)").get_json()["result"]
    row = next(r for r in listing if r["id"] == case.id)
    assert {key: row[key] for key in MASKED} == MASKED
    assert_no_full_value(str(listing), "the API list")

    for route in export_routes(username):
        xlsx = client.get(f"{route}/export/xlsx")
        assert xlsx.status_code == 200, route
        assert_no_full_value(xlsx_text(xlsx.data), f"{route} .xlsx")
        csv = client.get(f"{route}/export/csv")
        assert_no_full_value(csv.get_data(as_text=True), f"{route} .csv")
    exported = xlsx_rows(client.get(f"/cases/export/xlsx?_flt_0_number={case.number}").data)
    assert [(r["联系电话"], r["身份证号"], r["统一社会信用代码"]) for r in exported] == [tuple(MASKED.values())]

    notes = db.session.execute(sa.select(Notification).where(Notification.user_id == user(username).id)
                               .order_by(Notification.id.desc()).limit(5)).scalars().all()
    assert_no_full_value(client.get("/notifications/list/").get_data(as_text=True), "notifications")
    for note in notes:
        assert_no_full_value(client.get(f"/notifications/show/{note.id}").get_data(as_text=True), "a notification")
    for url in documents_of(case):
        document = client.get(url)
        assert document.status_code in (200, 403), url
        if document.status_code == 200:
            assert_no_full_value(docx_text(document.data), url)


def test_edit_form_shows_masked_values_and_an_unchanged_mask_keeps_them(as_user, api, app_ctx):
    case = personal_case()
    window = as_user("window")
    form = window.get(f"/cases/edit/{case.id}").get_data(as_text=True)
    assert_no_full_value(form, "the edit form")
    assert f'value="{MASKED["applicant_phone"]}"' in form
    window.post(f"/cases/edit/{case.id}", data={
        "title": "标题改过", "description": case.description, "channel": "window", "applicant_kind": "enterprise",
        "applicant_name": case.applicant_name, "enterprise_name": case.enterprise_name,
        "received_at": case.received_at.strftime("%Y-%m-%dT%H:%M"), "_version": str(case.version),
        **MASKED, "applicant_phone": "13800138000"})
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    assert (case.title, case.applicant_phone, case.applicant_id_number, case.credit_code) == \
        ("标题改过", "13800138000", ID_NUMBER, CREDIT_CODE)

    rest = api("coordinator")
    shown = rest.get(f"/api/v1/cases/{case.id}").get_json()["result"]
    changed = rest.put(f"/api/v1/cases/{case.id}", json={
        "title": "接口改过", "applicant_phone": shown["applicant_phone"],
        "applicant_id_number": shown["applicant_id_number"], "credit_code": shown["credit_code"],
        "version": shown["version"]})
    assert changed.status_code == 200, changed.get_json()
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    assert (case.title, case.applicant_phone, case.applicant_id_number) == ("接口改过", "13800138000", ID_NUMBER)


@pytest.mark.parametrize("username", ROLE_USERS)
def test_reveal_on_the_page_and_through_the_api_is_for_holders_and_logged_each_time(
        as_user, api, app_ctx, username):
    case = personal_case()
    before = len(audit_rows("reveal"))
    page = as_user(username).post(f"/cases/reveal/{case.id}/applicant_id_number")
    answer = api(username).get(f"/api/v1/cases/{case.id}?reveal=applicant_phone")
    rows = audit_rows("reveal")[before:]
    if username not in HOLDERS:
        assert (page.status_code, answer.status_code, rows) == (403, 403, [])
        assert "权限" in answer.get_json()["message"]
        return
    assert page.get_json() == {"value": ID_NUMBER}
    result = answer.get_json()["result"]
    assert (result["applicant_phone"], result["applicant_id_number"], result["credit_code"]) == \
        (PHONE, MASKED["applicant_id_number"], MASKED["credit_code"])
    assert [(r.username, r.model, r.record_id, r.ip, list(r.changes)) for r in rows] == [
        (username, "Case", case.id, "127.0.0.1", ["applicant_id_number"]),
        (username, "Case", case.id, "127.0.0.1", ["applicant_phone"])]
    assert [r.channel for r in rows] == ["ui", "api"]
    assert_no_full_value(str([r.changes for r in rows]), "the audit rows")


def test_api_reveal_refuses_what_is_not_personal_data_in_chinese(api, app_ctx):
    case = personal_case()
    rest = api("coordinator")
    before = len(audit_rows("reveal"))
    for field in ("title", "nonexistent", "", "applicant_phone,credit_code"):
        answer = rest.get(f"/api/v1/cases/{case.id}?reveal={field}")
        assert answer.status_code == 400, field
        assert any("\u4e00" <= ch <= "\u9fff" for ch in answer.get_json()["message"])
    assert rest.get("/api/v1/cases/999999?reveal=applicant_phone").status_code == 404
    assert len(audit_rows("reveal")) == before


def test_openapi_documents_the_reveal_parameter(api):
    spec = api("admin").get("/api/v1/_openapi").get_json()
    parameters = spec["paths"]["/api/v1/cases/{pk}"]["get"]["parameters"]
    reveal = next(p for p in parameters if p["name"] == "reveal")
    assert reveal["in"] == "query" and sorted(reveal["schema"]["enum"]) == [
        "applicant_id_number", "applicant_phone", "credit_code"]


@pytest.mark.parametrize("username", ROLE_USERS)
def test_no_builtin_role_may_export_full_values(as_user, app_ctx, username):
    case = personal_case()
    client = as_user(username)
    assert client.get("/cases/export-personal").status_code == 403
    assert client.post("/cases/export-personal", data={"reason": "核对企业信息需要", "fmt": "xlsx"}).status_code == 403
    listed = client.get(f"/cases/list/?_flt_0_number={case.number}").get_data(as_text=True)
    assert "export-personal" not in listed
    assert audit_rows("export_personal") == []


def _exporter(app, as_user) -> object:
    """A user of a custom role made on the real role screen: 协调专员's permissions plus 导出个人信息."""
    sm = app.appbuilder.sm
    admin = as_user("admin")
    wanted = [pv.id for pv in sm.find_role("协调专员").permissions]
    export = next(pv for pv in db.session.query(sm.permissionview_model)
                  if (pv.permission.name, pv.view_menu.name) == ("can_export_personal", "PersonalInfo"))
    assert admin.post("/roles/add", data={"name": "信息核查员", "permissions": [str(i) for i in
                                                                            [*wanted, export.id]]}).status_code == 302
    role_id = db.session.execute(sa.text("select id from ab_role where name = '信息核查员'")).scalar_one()
    assert admin.post("/users/add", data={
        "username": "checker", "first_name": "核", "last_name": "查", "email": "checker@example.cn", "active": "y",
        "roles": str(role_id), "password": "Strong-Pass-77", "conf_password": "Strong-Pass-77"}).status_code == 302
    return login(app.test_client(), "checker", "Strong-Pass-77")


def test_export_with_full_values_asks_for_a_reason_and_logs_the_row_count(app, as_user, app_ctx):
    case = personal_case()
    checker = _exporter(app, as_user)
    query = f"?_flt_0_number={case.number}"
    assert "export-personal" in checker.get(f"/cases/list/{query}").get_data(as_text=True)
    form = checker.get(f"/cases/export-personal{query}")
    assert form.status_code == 200 and "导出原因" in form.get_data(as_text=True)
    assert english_words(form.get_data(as_text=True)) == []
    for reason in ("", "核对", "核对企业\x01信息"):
        refused = checker.post(f"/cases/export-personal{query}", data={"reason": reason, "fmt": "xlsx"})
        assert refused.status_code == 200 and refused.mimetype == "text/html", reason
    assert audit_rows("export_personal") == []

    xlsx = checker.post(f"/cases/export-personal{query}", data={"reason": "税务局核对企业登记信息", "fmt": "xlsx"})
    rows = xlsx_rows(xlsx.data)
    assert [(r["联系电话"], r["身份证号"], r["统一社会信用代码"]) for r in rows] == [FULL]
    csv = checker.post("/cases/export-personal", data={"reason": "逐件电话回访", "fmt": "csv"})
    assert csv.mimetype.startswith("text/csv")
    count = len(csv_rows(csv.data))
    assert count > 1 and PHONE in csv.get_data(as_text=True)

    logged = audit_rows("export_personal")
    assert [(r.username, r.model, r.changes["reason"][1], r.changes["row_count"][1]) for r in logged] == [
        ("checker", "Case", "税务局核对企业登记信息", 1), ("checker", "Case", "逐件电话回访", count)]
    assert_no_full_value(str([r.changes for r in logged]), "the audit rows")
    entry = as_user("admin").get(f"/audit/show/{logged[0].id}").get_data(as_text=True)
    assert "税务局核对企业登记信息" in entry and english_words(entry.replace("checker", "")) == []
    plain = xlsx_rows(checker.get(f"/cases/export/xlsx{query}").data)
    assert [(r["联系电话"], r["身份证号"], r["统一社会信用代码"]) for r in plain] == [tuple(MASKED.values())]


def test_receipt_and_progress_query_get_no_personal_data_at_all(app_ctx):
    from console.privacy import for_the_public

    values = {"number": "BBC-2026-0001", "title": "营业执照变更", "applicant_name": "张先生",
              "applicant_phone": PHONE, "applicant_id_number": ID_NUMBER, "credit_code": CREDIT_CODE}
    public = for_the_public(Case, values)
    assert public == {"number": "BBC-2026-0001", "title": "营业执照变更", "applicant_name": "张先生"}
    assert_no_full_value(str(public), "the public values")
    assert all(masked not in str(public) for masked in MASKED.values())
