"""What a process keeps in memory (permission sets, the holiday calendar) follows changes made anywhere.

The admin changes a role through the 角色 screen of one instance; the next request, on this instance or
on a gunicorn started separately on the same database (4 worker processes), already obeys it.
"""

from __future__ import annotations

import re

import requests
import sqlalchemy as sa

from extensions import db
from models.cache_stamp import CacheStamp
from tests.live_support import gunicorn_server  # noqa: F401  (fixture)

PASSWORD = "Strong-Pass-77"


def _permission_ids(app, view: str, names: tuple[str, ...]) -> list[str]:
    sm = app.appbuilder.sm
    with app.app_context():
        return [str(pv.id) for pv in db.session.query(sm.permissionview_model).all()
                if pv.view_menu.name == view and pv.permission.name in names]


def _make_liaison(app, admin) -> int:
    """A custom role that may list 通报批评, and a user holding it; the role's id."""
    granted = _permission_ids(app, "CriticismView", ("can_list", "can_show"))
    assert admin.post("/roles/add", data={"name": "纪检监察联络员", "permissions": granted}).status_code == 302
    with app.app_context():
        role_id = db.session.execute(sa.text("select id from ab_role where name = '纪检监察联络员'")).scalar_one()
    added = admin.post("/users/add", data={
        "username": "jijian", "first_name": "清", "last_name": "廉", "email": "jj@example.cn", "active": "y",
        "roles": str(role_id), "password": PASSWORD, "conf_password": PASSWORD})
    assert added.status_code == 302
    return role_id


def _edit_role(app, admin, role_id: int, permissions: tuple[str, ...]) -> None:
    granted = _permission_ids(app, "CriticismView", permissions)
    response = admin.post(f"/roles/edit/{role_id}", data={"name": "纪检监察联络员", "permissions": granted})
    assert response.status_code == 302


def _stamp(app, name: str) -> str:
    with app.app_context():
        return db.session.get(CacheStamp, name).token


def test_a_role_change_in_the_admin_screen_holds_from_the_next_request(app, as_user):
    from tests.conftest import login

    admin = as_user("admin")
    role_id = _make_liaison(app, admin)
    liaison = login(app.test_client(), "jijian", PASSWORD)
    assert liaison.get("/criticisms/list/").status_code == 200  # the role's permissions are now kept in memory
    before = _stamp(app, "permissions")
    _edit_role(app, admin, role_id, ("can_show",))
    assert _stamp(app, "permissions") != before
    assert liaison.get("/criticisms/list/").status_code == 403
    _edit_role(app, admin, role_id, ("can_list", "can_show"))
    assert liaison.get("/criticisms/list/").status_code == 200


def test_taking_a_role_from_a_user_holds_from_the_next_request(app, as_user):
    from tests.conftest import login

    admin = as_user("admin")
    _make_liaison(app, admin)
    liaison = login(app.test_client(), "jijian", PASSWORD)
    assert liaison.get("/criticisms/list/").status_code == 200
    with app.app_context():
        user_id = db.session.execute(sa.text("select id from ab_user where username = 'jijian'")).scalar_one()
        window = db.session.execute(sa.text("select id from ab_role where name = '窗口人员'")).scalar_one()
    response = admin.post(f"/users/edit/{user_id}", data={
        "username": "jijian", "first_name": "清", "last_name": "廉", "email": "jj@example.cn", "active": "y",
        "roles": str(window)})
    assert response.status_code == 302
    assert liaison.get("/criticisms/list/").status_code == 403  # 窗口人员 do not see 通报批评


def _browser_login(base: str, username: str) -> requests.Session:
    browser = requests.Session()
    page = browser.get(f"{base}/login/", timeout=10).text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = browser.post(f"{base}/login/", data={"username": username, "password": PASSWORD,
                                                     "csrf_token": token}, allow_redirects=False, timeout=10)
    assert response.status_code == 302 and "/login" not in response.headers["Location"]
    return browser


def _statuses(browser: requests.Session, url: str, times: int = 12) -> set[int]:
    """Status codes of `times` requests (spread over gunicorn's workers)."""
    return {browser.get(url, allow_redirects=False, timeout=10).status_code for _ in range(times)}


def test_another_instance_on_the_same_database_sees_the_change_at_once(app, as_user, gunicorn_server):
    admin = as_user("admin")
    role_id = _make_liaison(app, admin)
    browser = _browser_login(gunicorn_server, "jijian")
    url = f"{gunicorn_server}/criticisms/list/"
    assert _statuses(browser, url) == {200}  # every worker that served it keeps the role's permissions
    _edit_role(app, admin, role_id, ("can_show",))  # on this instance, not on gunicorn
    assert _statuses(browser, url) == {403}
    _edit_role(app, admin, role_id, ("can_list", "can_show"))
    assert _statuses(browser, url) == {200}


def test_a_holiday_saved_in_the_admin_screen_moves_the_calendar_of_every_process(app, as_user, app_ctx):
    import datetime as dt

    from workdays.store import work_calendar

    monday = dt.date(2031, 3, 3)
    with app.test_request_context():
        assert work_calendar().is_workday(monday)  # kept by the process from now on
    before = _stamp(app, "holidays")
    response = as_user("admin").post("/holidays/add", data={"day": monday.isoformat(), "kind": "day_off",
                                                           "name": "临时停办"})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    assert _stamp(app, "holidays") != before  # what every other process compares with
    with app.test_request_context():
        assert not work_calendar().is_workday(monday)
