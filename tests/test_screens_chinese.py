"""The security and audit screens in Chinese, for every role, and the system account kept out of reach.

FAB's user-group screen (unused here) is gone; the user screens say nothing of
LDAP or OpenID and list roles as names; the audit screens name record types,
channels and changed fields in Chinese, in China time without microseconds;
logging in leaves the audit log alone. tests/test_crawl.py walks every menu;
these are the focused checks of those items.
"""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from access.system import SYSTEM_USERNAME, system_user
from extensions import db
from models import AuditLog, LoginLog, StaffUser
from tests.conftest import login
from tests.helpers import english_words, visible_text
from tests.workflow_support import new_case
from workdays import clock

ROLES = ["admin", "window", "coordinator", "handler_tax", "leader"]
MICROSECONDS = re.compile(r"\d{2}:\d{2}:\d{2}\.\d+|\d{4}-\d{2}-\d{2}T\d{2}")


def user_id(username: str) -> int:
    return db.session.execute(sa.select(StaffUser.id).where(StaffUser.username == username)).scalar_one()


def audit_count(**where: object) -> int:
    query = sa.select(sa.func.count()).select_from(AuditLog)
    for column, value in where.items():
        query = query.where(getattr(AuditLog, column) == value)
    return db.session.execute(query).scalar_one()


def assert_chinese(html: str, where: str) -> None:
    assert not english_words(html), f"{where}: {english_words(html)[:10]}"
    text = visible_text(html)
    assert not MICROSECONDS.search(text), f"{where}: {MICROSECONDS.search(text).group(0)}"
    assert not re.search(rf"\b{SYSTEM_USERNAME}\b", text), f"{where}: shows the system account's user name"


@pytest.fixture
def history(app, as_user, api, app_ctx) -> list[int]:
    """Audit rows of every channel and of the security tables: page, API, command line, import, users, roles."""
    first = db.session.execute(sa.select(sa.func.max(AuditLog.id))).scalar_one()
    admin = as_user("admin")
    case = new_case(clock.now(), "可以修改的事项")   # the demo's cases are all archived, so not editable
    db.session.commit()
    admin.post(f"/cases/edit/{case.id}", data={"title": "标题改过", "description": case.description,
                                                "channel": case.channel.value,
                                                "applicant_kind": case.applicant_kind.value,
                                                "applicant_name": case.applicant_name,
                                                "received_at": f"{case.received_at:%Y-%m-%dT%H:%M}",
                                                "version": case.version})
    api("admin").put(f"/api/v1/cases/{case.id}", json={"title": "接口改过"})
    window = db.session.get(StaffUser, user_id("window"))
    admin.post(f"/users/edit/{window.id}", data={
        "username": "window", "first_name": window.first_name, "last_name": window.last_name,
        "email": window.email, "active": "y", "roles": [r.id for r in window.roles]})
    admin.post("/roles/add", data={"name": "临时角色"})
    db.session.remove()
    runner = app.test_cli_runner()
    assert runner.invoke(args=["evaluate", "--period", "2023-05"]).exit_code == 0
    db.session.remove()
    rows = db.session.execute(sa.select(AuditLog.id, AuditLog.model, AuditLog.channel).where(
        AuditLog.id > (first or 0)).order_by(AuditLog.id)).all()
    seen, picked = set(), []
    for pk, model, channel in rows:
        if (model, channel) not in seen:
            seen.add((model, channel))
            picked.append(pk)
    assert {"ui", "api", "cli"} <= {c for _, _, c in rows}, rows[-5:]
    assert {"Case", "StaffUser", "Role", "Evaluation"} <= {m for _, m, _ in rows}
    return picked


# ---- every role, every screen of these items ------------------------------------------


@pytest.mark.parametrize("username", ROLES)
def test_security_and_audit_screens_are_chinese_for_every_role(as_user, username, history):
    client = as_user(username)
    login_entry = db.session.execute(sa.select(LoginLog).order_by(LoginLog.id.desc())).scalars().first()
    urls = ["/groups/list/", "/groups/add", "/users/list/", "/users/add", f"/users/show/{user_id('leader')}",
            f"/users/edit/{user_id('leader')}", "/roles/list/", "/audit/list/", "/login-log/list/",
            f"/login-log/show/{login_entry.id}", *[f"/audit/show/{pk}" for pk in history]]
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 403, 404), f"{url}: {response.status_code}"
        # The browser's own User-Agent string is data the client sent, not a label.
        html = response.get_data(as_text=True).replace(login_entry.user_agent or "\0", "")
        assert_chinese(html, f"{username} {url}")


def test_the_group_screen_its_menu_and_permissions_are_gone(as_user, app_ctx):
    admin = as_user("admin")
    assert admin.get("/groups/list/").status_code == 404
    assert admin.get("/groups/add").status_code == 404
    assert "/groups/" not in admin.get("/dashboard/").get_data(as_text=True)
    views = db.session.execute(sa.text(
        "SELECT v.name FROM ab_permission_view pv JOIN ab_view_menu v ON v.id = pv.view_menu_id")).scalars().all()
    assert not [v for v in views if "Group" in v], "no permission names a group screen"


def test_user_screens_speak_of_roles_not_ldap(as_user, app_ctx):
    admin = as_user("admin")
    listing = admin.get("/users/list/").get_data(as_text=True)
    assert "[系统管理员]" not in listing and "[]" not in visible_text(listing)
    assert "系统管理员" in visible_text(listing)
    for url in ("/users/add", f"/users/edit/{user_id('leader')}", f"/users/show/{user_id('leader')}"):
        text = visible_text(admin.get(url).get_data(as_text=True))
        assert "LDAP" not in text and "OID" not in text, url
        assert "?" not in text, f"{url}: an ASCII question mark in a label"


def test_audit_screens_name_types_channels_and_fields_in_chinese(as_user, history):
    admin = as_user("admin")
    listing = visible_text(admin.get("/audit/list/?psize_AuditLogView=100").get_data(as_text=True))
    assert "操作渠道" in listing and "反映渠道" not in listing
    for word in ("用户", "角色", "反映事项", "量化评价", "页面", "接口", "命令行"):
        assert word in listing, word
    shown = " ".join(visible_text(admin.get(f"/audit/show/{pk}").get_data(as_text=True)) for pk in history)
    assert "标题" in shown and "名称" in shown


# ---- logins leave the audit log alone ---------------------------------------------------------


def test_logins_write_no_audit_rows(app, app_ctx):
    before = audit_count(model="StaffUser")
    for _ in range(4):
        login(app.test_client(), "coordinator")
    app.test_client().post("/login/", data={"username": "coordinator", "password": "wrong"})
    db.session.remove()
    assert audit_count(model="StaffUser") == before, "修改 StaffUser on every login"
    assert db.session.execute(sa.select(sa.func.count()).select_from(LoginLog).where(
        LoginLog.username == "coordinator")).scalar_one() >= 5


# ---- the system account ----------------------------------------------------------------


def test_the_system_account_is_hidden_and_cannot_be_changed(as_user, app_ctx):
    system = system_user()
    pk, password, active = system.id, system.password, system.active
    admin = as_user("admin")
    assert f'href="/users/show/{pk}"' not in admin.get("/users/list/").get_data(as_text=True)
    attempts = [
        admin.get(f"/users/show/{pk}", follow_redirects=True),
        admin.get(f"/users/edit/{pk}", follow_redirects=True),
        admin.post(f"/users/edit/{pk}", data={"username": "system", "first_name": "改", "last_name": "名",
                                              "email": "x@example.com", "active": "y"}, follow_redirects=True),
        admin.post(f"/users/delete/{pk}", follow_redirects=True),
        admin.get(f"/users/action/resetpasswords/{pk}", follow_redirects=True),
        admin.get(f"/resetpassword/form?pk={pk}", follow_redirects=True),
        admin.post(f"/resetpassword/form?pk={pk}", data={"password": "Aa1!aaaaaaaa", "conf_password":
                                                         "Aa1!aaaaaaaa"}, follow_redirects=True),
    ]
    for response in attempts:
        assert response.status_code == 200, response.request.path
        assert "系统账号" in response.get_data(as_text=True), response.request.path
    with pytest.raises(ValueError, match="系统账号"):
        app_ctx.appbuilder.sm.reset_password(pk, "Aa1!aaaaaaaa")
    db.session.expire_all()
    system = db.session.get(StaffUser, pk)
    assert (system.username, system.password, system.active, system.first_name) == ("system", password, active, "系统")
