"""Accounts and sessions (等保 三级 / ASVS L2): lockout, rate limits, expiry, revocation,
password policy, headers, CSRF, open redirects."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from extensions import db
from models import StaffUser
from models.audit import LoginLog, LoginResult
from models.base import acting_as
from tests.conftest import PASSWORD, login
from tests.workflow_support import user
from workdays import clock


def _user(username: str) -> StaffUser:
    db.session.expire_all()
    return db.session.execute(sa.select(StaffUser).where(StaffUser.username == username)).scalar_one()


def _attempt(client, username: str, password: str):
    return client.post("/login/", data={"username": username, "password": password}, follow_redirects=True)


def test_five_failures_lock_the_account_for_fifteen_minutes(app, app_ctx):
    client = app.test_client()
    start = dt.datetime(2026, 3, 2, 9, 0)
    with clock.frozen_at(start):
        for _ in range(5):
            page = _attempt(client, "window", "wrong-password").get_data(as_text=True)
        assert "账号已锁定" in page or "登录失败次数过多" in page
        refused = _attempt(client, "window", PASSWORD).get_data(as_text=True)
        assert "账号已锁定" in refused and "15 分钟" in refused or "14 分钟" in refused
        assert _user("window").locked_until == start + dt.timedelta(minutes=15)
    with clock.frozen_at(start + dt.timedelta(minutes=16)):
        login(app.test_client(), "window")
    results = [r for r in db.session.execute(sa.select(LoginLog.result).where(
        LoginLog.username == "window").order_by(LoginLog.id)).scalars()]
    assert results[-7:] == [LoginResult.FAILURE] * 4 + [LoginResult.LOCKED, LoginResult.LOCKED,
                                                         LoginResult.SUCCESS]


def test_lockout_applies_to_the_api_login_too(client, app_ctx):
    for _ in range(5):
        client.post("/api/v1/security/login", json={"username": "leader", "password": "bad", "provider": "db"})
    locked = client.post("/api/v1/security/login", json={"username": "leader", "password": PASSWORD,
                                                        "provider": "db"})
    assert locked.status_code == 401


def test_login_log_records_time_user_ip_and_result(app, app_ctx):
    login(app.test_client(), "coordinator")
    row = db.session.execute(sa.select(LoginLog).order_by(LoginLog.id.desc())).scalars().first()
    assert (row.username, row.result, row.ip) == ("coordinator", LoginResult.SUCCESS, "127.0.0.1")
    assert row.user_id == user("coordinator").id


@pytest.mark.parametrize("url,payload", [
    ("/login/", None),
    ("/api/v1/security/login", {"username": "x", "password": "y", "provider": "db"}),
])
def test_login_endpoints_are_rate_limited(client, url, payload):
    statuses = []
    for _ in range(25):
        if payload:
            statuses.append(client.post(url, json=payload).status_code)
        else:
            statuses.append(client.post(url, data={"username": "x", "password": "y"}).status_code)
    assert 429 in statuses
    last = client.post(url, json=payload) if payload else client.post(url, data={"username": "x"})
    assert last.status_code == 429
    text = last.get_json()["message"] if payload else last.get_data(as_text=True)
    assert "请求过于频繁" in text or "尝试次数过多" in text


def test_idle_sessions_expire_after_thirty_minutes(app):
    start = dt.datetime(2026, 3, 2, 9, 0)
    with clock.frozen_at(start):
        client = login(app.test_client(), "coordinator")
    with clock.frozen_at(start + dt.timedelta(minutes=29)):
        assert client.get("/dashboard/").status_code == 200
    with clock.frozen_at(start + dt.timedelta(minutes=29 + 31)):
        expired = client.get("/dashboard/")
        assert expired.status_code == 302 and "/login/" in expired.headers["Location"]
        assert client.get("/dashboard/").status_code == 302


def test_sessions_end_twelve_hours_after_login_however_busy(app):
    start = dt.datetime(2026, 3, 2, 8, 0)
    with clock.frozen_at(start):
        client = login(app.test_client(), "coordinator")
    moment = start
    while moment < start + dt.timedelta(hours=11, minutes=50):
        moment += dt.timedelta(minutes=20)
        with clock.frozen_at(moment):
            assert client.get("/dashboard/").status_code == 200
    with clock.frozen_at(start + dt.timedelta(hours=12, minutes=5)):
        assert client.get("/dashboard/").status_code == 302


def test_a_copied_cookie_is_useless_after_logout(app):
    client = login(app.test_client(), "leader")
    cookie = client.get_cookie("session").value
    assert client.get("/logout/").status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    response = thief.get("/dashboard/")
    assert response.status_code == 302 and "/login/" in response.headers["Location"]


def test_deactivated_users_are_logged_out_at_their_next_request(app, app_ctx):
    client = login(app.test_client(), "window")
    with acting_as(user("admin").id):
        _user("window").active = False
        db.session.commit()
    assert client.get("/dashboard/").status_code == 302
    assert _attempt(app.test_client(), "window", PASSWORD).request.path == "/login/"


def test_password_change_revokes_other_sessions_and_tokens(app, api):
    other = login(app.test_client(), "handler_tax")
    token = api("handler_tax")
    assert token.get("/api/v1/cases/").status_code == 200
    me = login(app.test_client(), "handler_tax")
    changed = me.post("/profile/", data={"current": PASSWORD, "password": "New-Secret-2026",
                                         "confirm": "New-Secret-2026"})
    assert changed.status_code == 302
    assert me.get("/dashboard/").status_code == 200, "the session that changed it carries on"
    assert other.get("/dashboard/").status_code == 302
    assert token.get("/api/v1/cases/").status_code == 401


@pytest.mark.parametrize("password,fragment", [
    ("Short1!", "至少 10"),
    ("alllowercaseletters", "三类"),
    ("Window-2026-abc", "用户名"),
])
def test_password_policy_on_the_users_screen(as_user, app_ctx, password, fragment):
    page = as_user("admin").post("/users/add", data={
        "username": "window2", "first_name": "一", "last_name": "窗", "email": "w2@example.cn",
        "active": "y", "roles": "1", "password": password.replace("Window", "window2"),
        "conf_password": password.replace("Window", "window2")})
    assert page.status_code == 200 and fragment in page.get_data(as_text=True)
    assert db.session.execute(sa.select(StaffUser).where(StaffUser.username == "window2")).first() is None


def test_password_policy_on_fab_reset_and_cli(app, as_user, app_ctx):
    target = user("handler_hrss")
    page = as_user("admin").post(f"/resetpassword/form?pk={target.id}",
                                 data={"password": "weak", "conf_password": "weak"})
    assert "至少 10" in page.get_data(as_text=True)
    db.session.rollback()  # let the CLI's own transaction write (SQLite locks the file)
    from flask_appbuilder.cli import fab

    runner = app.test_cli_runner()
    admin = ["create-admin", "--username", "boss", "--firstname", "老", "--lastname", "板", "--email", "b@example.cn"]
    runner.invoke(fab, [*admin, "--password", "boss"])
    assert db.session.execute(sa.select(StaffUser).where(StaffUser.username == "boss")).first() is None
    db.session.rollback()
    runner.invoke(fab, [*admin, "--password", "Strong-Chief-2026"])
    assert db.session.execute(sa.select(StaffUser).where(StaffUser.username == "boss")).first() is not None
    db.session.rollback()
    refused = runner.invoke(fab, ["reset-password", "--username", "boss", "--password", "weak"])
    assert refused.exit_code != 0


def test_admin_can_force_a_password_change(app, as_user, app_ctx):
    target = user("leader")
    as_user("admin").post(f"/users/edit/{target.id}", data={
        "username": "leader", "first_name": target.first_name, "last_name": target.last_name,
        "email": target.email, "active": "y", "roles": [str(r.id) for r in target.roles],
        "department": str(target.department_id), "must_change_password": "y"})
    assert _user("leader").must_change_password
    client = app.test_client()
    first = client.post("/login/", data={"username": "leader", "password": PASSWORD})
    assert first.headers["Location"].endswith("/profile/")
    assert client.get("/evaluations/list/").headers["Location"].endswith("/profile/")
    client.post("/profile/", data={"current": PASSWORD, "password": "Chief-New-2077", "confirm": "Chief-New-2077"})
    assert client.get("/evaluations/list/").status_code == 200


def test_security_headers(as_user):
    response = as_user("coordinator").get("/cases/list/")
    headers = response.headers
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "http" not in csp, "no outside hosts"
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cache-Control"] == "no-store"
    nonce = csp.split("'nonce-")[1].split("'")[0]
    html = response.get_data(as_text=True)
    assert f'nonce="{nonce}"' in html
    assert "https://" not in html.split("<body")[0], "every asset is served by us"


def test_session_cookie_flags(app):
    client = app.test_client()
    response = client.post("/login/", data={"username": "window", "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    secure = app.test_client().post("/login/", data={"username": "window", "password": PASSWORD},
                                    base_url="https://localhost")
    assert "Secure" in secure.headers["Set-Cookie"]


def test_every_html_post_route_demands_a_csrf_token(app, as_user):
    client = as_user("admin")
    app.config["WTF_CSRF_ENABLED"] = True
    checked = 0
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods or rule.rule.startswith("/api/"):
            continue
        values = {arg: ("1" if arg in ("pk",) else "assess" if arg == "action" else "parent" if arg == "col"
                        else "xlsx" if arg == "fmt" else "x") for arg in rule.arguments}
        url = rule.rule
        for arg, value in values.items():
            url = url.replace(f"<{arg}>", value).replace(f"<string:{arg}>", value).replace(f"<int:{arg}>", value)
        response = client.post(url, data={"name": "x"})
        assert response.status_code == 400, url
        assert "表单已过期" in response.get_data(as_text=True), url
        checked += 1
    assert checked > 40


def test_the_api_does_not_accept_cookie_authenticated_writes(as_user):
    browser = as_user("coordinator")
    response = browser.post("/api/v1/cases/", json={"title": "x"})
    assert response.status_code == 401
    assert browser.get("/api/v1/cases/").status_code == 401


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example",
                                    "javascript:alert(1)"])
def test_next_never_leaves_the_site(client, target):
    response = client.post(f"/login/?next={target}", data={"username": "window", "password": PASSWORD})
    assert response.headers["Location"] == "/"


def test_case_action_next_never_leaves_the_site(as_user, app_ctx):
    from models.enums import CaseStatus
    from tests.workflow_support import case_in

    case = case_in(CaseStatus.RECEIVED)
    response = as_user("coordinator").post(f"/cases/act/{case.id}/decline?next=//evil.example/",
                                           data={"reason": "涉诉", "redirect_to": "法院", "version": case.version})
    assert response.status_code == 302 and "evil" not in response.headers["Location"]
