"""Control characters and NUL bytes in text, on every channel: refused in Chinese, nothing stored,
and what was stored before the rule existed cannot take an export down.

HTML forms of every screen, the REST API's POST and PUT, workflow action fields, the work-order
import, the users and roles screens, the login form, saved filters — on SQLite and (with
TEST_DATABASE_URL) PostgreSQL, which refuses NUL outright.
"""

from __future__ import annotations

import io

import docx
import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from wtforms import PasswordField, StringField, TextAreaField

from access.roles import ADMIN, ROLES
from extensions import db
from models import AuditLog, Case, CaseEvent, SavedFilter, StaffUser
from models.enums import CaseStatus
from seed.district import ACCOUNTS
from tests.conftest import login
from tests.helpers import english_words
from tests.test_hostile_input import messages
from tests.workflow_support import case_in

REFUSED = "含有控制字符"
"""The start of both Chinese messages (single-line and multi-line text)."""
EVERYWHERE = ["a\x00b", "a\x01b", "a\x0bb", "a\x1fb", "a\x7fb", "a\x85b", "a\x9fb"]
"""Refused in any text."""
SINGLE_LINE_ONLY = ["a\nb", "a\tb", "a\rb"]
"""Refused in single-line text, allowed in multi-line text."""
ROLE_OF = {a.username: a.role for a in ACCOUNTS}
CHECKED_AS = ("coordinator", "window", "handler_tax", "leader", "admin")


def account_for(view: str, permission: str) -> str:
    """The first real account whose role holds `permission` on `view`."""
    for username in CHECKED_AS:
        role = ROLE_OF[username]
        if role == ADMIN or permission in ROLES[role].get(view, ()):
            return username
    raise AssertionError(view)


def text_fields(form_class) -> dict[str, bool]:
    """{name: multi-line?} of every text field a person types into."""
    form = form_class(meta={"csrf": False})
    return {f.name: isinstance(f, TextAreaField) for f in form
            if isinstance(f, StringField) and not isinstance(f, PasswordField) and f.type != "HiddenField"}


def row_count(model) -> int:
    db.session.remove()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def hostile_values(multiline: bool) -> list[str]:
    return EVERYWHERE + ([] if multiline else SINGLE_LINE_ONLY)


def view_named(app, name: str):
    return next(v for v in app.appbuilder.baseviews if type(v).__name__ == name)


def add_views(app) -> list[str]:
    from console.modelview import ConsoleModelView

    return sorted(type(v).__name__ for v in app.appbuilder.baseviews
                  if isinstance(v, ConsoleModelView) and "can_add" in v.base_permissions)


def test_every_add_form_refuses_control_characters(app, app_ctx):
    for name in add_views(app):
        view = view_named(app, name)
        fields = text_fields(view.add_form)
        client = login(app.test_client(), account_for(name, "can_add"))
        before = row_count(view.model)
        for field, multiline in fields.items():
            for value in hostile_values(multiline):
                response = client.post(f"{view.route_base}/add", data={field: value})
                assert response.status_code == 200, f"{name}.{field}={value!r} → {response.status_code}"
                assert REFUSED in response.get_data(as_text=True), f"{name}.{field}={value!r} accepted"
        assert row_count(view.model) == before, name


def test_multi_line_fields_keep_their_line_breaks(as_user, app_ctx):
    case = case_in(CaseStatus.RECEIVED)
    page = as_user("admin").post(f"/cases/edit/{case.id}", data={
        "title": case.title, "description": "第一行\r\n第二行\t缩进", "channel": case.channel.value,
        "applicant_kind": case.applicant_kind.value, "applicant_name": case.applicant_name,
        "received_at": case.received_at.strftime("%Y-%m-%dT%H:%M"), "_version": str(case.version)})
    assert page.status_code == 302, page.get_data(as_text=True)[:2000]
    db.session.expire_all()
    assert db.session.get(Case, case.id).description.replace("\r\n", "\n") == "第一行\n第二行\t缩进"


def test_every_edit_form_refuses_control_characters_and_changes_nothing(app, app_ctx):
    from console.modelview import ConsoleModelView

    for view in [v for v in app.appbuilder.baseviews
                 if isinstance(v, ConsoleModelView) and "can_edit" in v.base_permissions]:
        name = type(view).__name__
        item = db.session.execute(sa.select(view.model).order_by(view.model.id)).scalars().first()
        if item is None:
            continue
        client = login(app.test_client(), account_for(name, "can_edit"))
        for field, multiline in text_fields(view.edit_form).items():
            stored = getattr(item, field)
            extra = {"_version": str(item.version)} if view.is_versioned else {}
            for value in hostile_values(multiline)[:4]:
                response = client.post(f"{view.route_base}/edit/{item.id}", data={field: value, **extra})
                assert response.status_code in (200, 409), f"{name}.{field} → {response.status_code}"
                if response.status_code == 200:
                    assert REFUSED in response.get_data(as_text=True), f"{name}.{field}={value!r} accepted"
            db.session.expire_all()
            assert getattr(db.session.get(view.model, item.id), field) == stored, f"{name}.{field} changed"


def api_resources(app) -> list:
    from console.api import ConsoleApi

    return [v for v in app.appbuilder.baseviews if isinstance(v, ConsoleApi) and "post" in v.include_route_methods]


def test_api_post_and_put_refuse_control_characters(app, api, app_ctx):
    for resource in api_resources(app):
        view_name = resource.class_permission_name
        client = api(account_for(view_name, "can_add"))
        columns = resource.model.__mapper__.columns
        strings = [c for c in resource.add_columns if c in columns
                   and isinstance(columns[c].type, sa.String) and not isinstance(columns[c].type, sa.Enum)]
        before = row_count(resource.model)
        item = db.session.execute(sa.select(resource.model).order_by(resource.model.id)).scalars().first()
        for column in strings:
            multiline = isinstance(columns[column].type, sa.Text)
            for value in hostile_values(multiline)[:5]:
                created = client.post(f"/api/v1/{resource.resource_name}/", json={column: value})
                assert created.status_code in (400, 422), f"{resource.resource_name}.{column}: {created.status_code}"
                assert any(REFUSED in text for text in messages(created.get_json())), created.get_json()
                if item is not None and column in resource.edit_columns:
                    changed = client.put(f"/api/v1/{resource.resource_name}/{item.id}", json={column: value})
                    assert changed.status_code in (400, 403, 404, 409, 422), changed.get_json()
        assert row_count(resource.model) == before
        if item is not None:
            db.session.expire_all()
            for column in strings:
                assert REFUSED not in str(getattr(db.session.get(resource.model, item.id), column))


def test_workflow_action_fields_refuse_control_characters(as_user, api, app_ctx):
    case = case_in(CaseStatus.RECEIVED)
    pk, version = case.id, case.version
    events = row_count(CaseEvent)
    answer = api("coordinator").post(f"/api/v1/cases/{pk}/actions/decline",
                                     json={"reason": "a\x01b", "redirect_to": "区税务局", "version": version})
    assert answer.status_code == 400
    assert REFUSED in answer.get_json()["errors"]["reason"][0]
    note = api("coordinator").post(f"/api/v1/cases/{pk}/actions/assess", json={
        "problem_type": "difficult", "track": "coordinate", "disposition": "escalate", "level": "center",
        "note": "a\x00b", "version": version})
    assert note.status_code == 400 and REFUSED in note.get_json()["errors"]["note"][0]
    page = as_user("coordinator").post(f"/cases/act/{pk}/decline", data={
        "reason": "不属本中心\x0b职责", "redirect_to": "区税务局", "version": version})
    assert page.status_code == 200 and REFUSED in page.get_data(as_text=True)
    assert row_count(CaseEvent) == events
    assert db.session.get(Case, pk).status == CaseStatus.RECEIVED


USER = {"username": "newbie", "first_name": "敏", "last_name": "孙", "email": "sun@example.cn", "active": "y",
        "password": "Strong-Pass-99", "conf_password": "Strong-Pass-99"}


def role_id(name: str) -> str:
    return str(db.session.execute(sa.text("select id from ab_role where name = :n"), {"n": name}).scalar_one())


@pytest.mark.parametrize("change", [
    {"roles": ""}, {"roles": str(2**70)}, {"roles": "abc"}, {"roles": "-1"},
    {"username": "a\x00b"}, {"email": "a\x00b@example.cn"}, {"username": "new\x01bie"},
    {"first_name": "敏\x0b"}, {"last_name": "孙\n"},
], ids=repr)
def test_users_screen_refuses_bad_roles_and_control_characters(as_user, app_ctx, change):
    admin = as_user("admin")
    data = {**USER, "roles": role_id(ROLE_OF["window"]), **change}
    before = row_count(StaffUser)
    page = admin.post("/users/add", data=data)
    assert page.status_code == 200, page.status_code
    html = page.get_data(as_text=True)
    assert not english_words(html), english_words(html)
    assert row_count(StaffUser) == before
    target = db.session.execute(sa.select(StaffUser).where(StaffUser.username == "window")).scalar_one()
    edit = admin.post(f"/users/edit/{target.id}", data={**data, "username": data["username"]})
    assert edit.status_code == 200, edit.status_code
    db.session.expire_all()
    assert db.session.get(StaffUser, target.id).username == "window"


def test_a_user_needs_a_role(as_user):
    page = as_user("admin").post("/users/add", data=USER)
    assert page.status_code == 200 and "请至少选择一个角色" in page.get_data(as_text=True)


@pytest.mark.parametrize("name", ["纪检\x00联络员", "纪检\x01联络员", "纪检\n联络员"], ids=repr)
def test_roles_screen_refuses_control_characters(as_user, app_ctx, name):
    count = db.session.execute(sa.text("select count(*) from ab_role")).scalar_one()
    page = as_user("admin").post("/roles/add", data={"name": name})
    assert page.status_code == 200 and REFUSED in page.get_data(as_text=True)
    db.session.remove()
    assert db.session.execute(sa.text("select count(*) from ab_role")).scalar_one() == count


def test_groups_screen_is_absent_not_broken(as_user):
    assert as_user("admin").post("/groups/add", data={"name": "a\x00b"}).status_code == 404


@pytest.mark.parametrize("username", ["a\x00b", "window\x00", "win\x01dow"], ids=repr)
def test_login_with_control_characters_is_a_failed_login(client, username):
    page = client.post("/login/", data={"username": username, "password": "x"}, follow_redirects=True)
    assert page.status_code == 200
    assert not english_words(page.get_data(as_text=True))


def test_own_details_refuse_control_characters(as_user, app_ctx):
    page = as_user("admin").post("/userinfoeditview/form", data={"first_name": "a\x00b", "last_name": "管"})
    assert page.status_code == 200 and REFUSED in page.get_data(as_text=True)


def test_saved_filters_refuse_control_characters(as_user, app_ctx):
    client = as_user("coordinator")
    before = row_count(SavedFilter)
    for data in ({"name": "我的\x00筛选", "query": ""}, {"name": "我的筛选", "query": "_flt_0_title=a\x01\r\nb"}):
        response = client.post("/cases/save-filter", data=data, follow_redirects=True)
        assert response.status_code == 200 and REFUSED in response.get_data(as_text=True)
    assert row_count(SavedFilter) == before


def test_work_order_import_refuses_control_characters(app, app_ctx, tmp_path):
    from tests.test_import_orders import GOOD, csv_bytes

    path = tmp_path / "orders.csv"
    path.write_bytes(csv_bytes(GOOD[0].replace("社保补缴无法办理", "社保补缴\x01无法办理")))
    before = row_count(Case)
    result = app.test_cli_runner().invoke(args=["import-orders", str(path)])
    assert result.exit_code != 0 and REFUSED in result.output, result.output
    assert row_count(Case) == before


def test_department_answers_refuse_control_characters(app_ctx):
    from evaluation.answers import record_answer
    from models import Supervision

    item = db.session.execute(sa.select(Supervision)).scalars().first()
    admin = db.session.execute(sa.select(StaffUser).where(StaffUser.username == "admin")).scalar_one()
    assert not record_answer(item, "已整改\x01完毕", admin.id, text_attr="feedback", at_attr="feedback_at", at=None)


STORED = "旧数据\x01含\x0b控制\x1f字符\x7f与\x85"


@pytest.mark.parametrize("url", ["/cases/export/xlsx", "/case-events/export/xlsx", "/audit/export/xlsx",
                                 "/cases/export/csv", "/case-events/export/csv", "/audit/export/csv"])
def test_exports_survive_control_characters_already_stored(as_user, app_ctx, url):
    from access.system import as_system

    with as_system():  # as if saved before the rule existed; the audit log records the title too
        case_in(CaseStatus.RECEIVED).title = STORED
        db.session.commit()
    first_event = sa.select(sa.func.min(CaseEvent.id)).scalar_subquery()
    db.session.execute(CaseEvent.__table__.update().where(CaseEvent.id == first_event).values(note=STORED))
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog)) > 0
    response = as_user("admin").get(url)
    assert response.status_code == 200, response.status_code
    if url.endswith("xlsx"):
        book = load_workbook(io.BytesIO(response.data), read_only=True)
        text = "".join(str(c) for row in book.active.iter_rows(values_only=True) for c in row if c is not None)
    else:
        text = response.data.decode("utf-8")
    assert "旧数据\ufffd含\ufffd控制" in text


def test_documents_survive_control_characters_already_stored(as_user, app_ctx):
    from access.system import as_system
    from models import Supervision

    supervision = db.session.execute(sa.select(Supervision).order_by(Supervision.id)).scalars().first()
    with as_system():  # as if saved before the rule existed
        supervision.reason = STORED
        supervision.case.title = STORED
        db.session.commit()
    response = as_user("leader").get(f"/supervisions/notice/{supervision.id}")
    assert response.status_code == 200 and response.data[:2] == b"PK"
    text = docx.Document(io.BytesIO(response.data)).paragraphs
    assert any("旧数据\ufffd含\ufffd控制" in p.text for p in text)
