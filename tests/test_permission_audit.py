"""Every permission change on record (等保 2.0 三级): accounts, roles of a user, permissions of a role.

Each change made on FAB's own user, role and password screens leaves an audit row
with an operation of its own, the old and the new value, read in Chinese on the
audit screen. Built-in roles are read-only in their form too.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from access.roles import ADMIN, LEADER, WINDOW
from extensions import db
from models import AuditLog, StaffUser
from models.audit import AuditOperation
from tests.conftest import login
from tests.helpers import english_words
from tests.workflow_support import user
from workdays import clock


def _rows(model: str, record_id: int, after: int = 0) -> list[AuditLog]:
    db.session.expire_all()
    return list(db.session.execute(sa.select(AuditLog).where(
        AuditLog.model == model, AuditLog.record_id == record_id, AuditLog.id > after).order_by(AuditLog.id)).scalars())


def _last_id() -> int:
    db.session.expire_all()
    return db.session.execute(sa.select(sa.func.max(AuditLog.id))).scalar_one() or 0


def _user_form(target: StaffUser, **changes: object) -> dict:
    """The user edit form as the admin submits it, with `changes` applied."""
    data = {"username": target.username, "first_name": target.first_name, "last_name": target.last_name,
            "email": target.email, "department": str(target.department_id or ""),
            "roles": [str(r.id) for r in target.roles]}
    if target.active:
        data["active"] = "y"
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def _role_id(app, name: str) -> int:
    return app.appbuilder.sm.find_role(name).id


def test_adding_and_removing_a_role_of_a_user_is_audited(app, as_user, app_ctx):
    """The issue's example: 系统管理员 added to `window` on /users/edit, then taken away again."""
    admin = as_user("admin")
    window = user("window")
    start = _last_id()
    added = admin.post(f"/users/edit/{window.id}", data=_user_form(
        window, roles=[str(_role_id(app, WINDOW)), str(_role_id(app, ADMIN))]))
    assert added.status_code == 302
    admin.post(f"/users/edit/{window.id}", data=_user_form(window, roles=[str(_role_id(app, WINDOW))]))
    rows = _rows("StaffUser", window.id, start)
    assert [r.operation for r in rows] == [AuditOperation.ROLES, AuditOperation.ROLES]
    assert rows[0].changes == {"roles": [[WINDOW], sorted([WINDOW, ADMIN])]}
    assert rows[1].changes == {"roles": [sorted([WINDOW, ADMIN]), [WINDOW]]}
    assert all(r.username == "admin" and r.channel == "ui" for r in rows)
    page = admin.get(f"/audit/show/{rows[0].id}").get_data(as_text=True)
    assert "变更角色" in page and "角色：" in page and "系统管理员" in page
    assert not english_words(page), english_words(page)


def test_permissions_of_a_role_are_audited_in_chinese(app, as_user, app_ctx):
    admin = as_user("admin")
    sm = app.appbuilder.sm
    pvs = {(pv.permission.name, pv.view_menu.name): pv.id for pv in db.session.query(sm.permissionview_model)}
    read = [pvs[("can_list", "CriticismView")]]
    start = _last_id()
    assert admin.post("/roles/add", data={"name": "纪检监察联络员", "permissions": [str(p) for p in read]}
                      ).status_code == 302
    role = sm.find_role("纪检监察联络员")
    both = read + [pvs[("can_show", "CriticismView")]]
    assert admin.post(f"/roles/edit/{role.id}", data={"name": "纪检监察联络员",
                                                      "permissions": [str(p) for p in both]}).status_code == 302
    admin.post(f"/roles/edit/{role.id}", data={"name": "纪检监察联络员", "permissions": [str(p) for p in read]})
    rows = _rows("Role", role.id, start)
    assert [r.operation for r in rows] == [AuditOperation.CREATE, AuditOperation.PERMISSIONS,
                                           AuditOperation.PERMISSIONS]
    assert rows[0].changes["permissions"] == [None, ["通报批评：查看列表"]]
    assert rows[1].changes == {"permissions": [["通报批评：查看列表"], ["通报批评：查看列表", "通报批评：查看详情"]]}
    assert rows[2].changes == {"permissions": [["通报批评：查看列表", "通报批评：查看详情"], ["通报批评：查看列表"]]}
    page = admin.get(f"/audit/show/{rows[1].id}").get_data(as_text=True)
    assert "变更权限" in page and "通报批评：查看详情" in page
    assert not english_words(page), english_words(page)


def test_a_user_created_deactivated_and_activated_is_audited(app, as_user, app_ctx):
    admin = as_user("admin")
    start = _last_id()
    admin.post("/users/add", data={
        "username": "jijian", "first_name": "清", "last_name": "廉", "email": "jj@example.cn", "active": "y",
        "roles": str(_role_id(app, LEADER)), "password": "Strong-Pass-77", "conf_password": "Strong-Pass-77"})
    created = db.session.execute(sa.select(StaffUser).where(StaffUser.username == "jijian")).scalar_one()
    admin.post(f"/users/edit/{created.id}", data=_user_form(created, active=None))
    db.session.expire_all()
    admin.post(f"/users/edit/{created.id}", data=_user_form(db.session.get(StaffUser, created.id), active="y"))
    rows = _rows("StaffUser", created.id, start)
    assert [r.operation for r in rows] == [AuditOperation.CREATE, AuditOperation.DEACTIVATE,
                                           AuditOperation.ACTIVATE]
    assert rows[0].changes["roles"] == [None, [LEADER]]
    assert rows[0].changes["username"] == [None, "jijian"]
    assert rows[0].changes["password"] == [None, "******"]
    assert rows[1].changes == {"active": [True, False]}
    assert rows[2].changes == {"active": [False, True]}
    listing = admin.get(f"/audit/list/?_flt_0_record_id={created.id}").get_data(as_text=True)
    assert "停用账号" in listing and "启用账号" in listing


def test_a_password_reset_by_an_admin_is_audited_without_the_password(app, as_user, app_ctx):
    target = user("handler_hrss")
    start = _last_id()
    answer = as_user("admin").post(f"/resetpassword/form?pk={target.id}",
                                   data={"password": "Reset-Pass-2026", "conf_password": "Reset-Pass-2026"})
    assert answer.status_code == 302
    rows = _rows("StaffUser", target.id, start)
    assert [r.operation for r in rows] == [AuditOperation.PASSWORD_RESET]
    assert rows[0].username == "admin"
    assert rows[0].changes["password"] == ["******", "******"]
    assert "Reset-Pass-2026" not in str(rows[0].changes)
    page = as_user("admin").get(f"/audit/show/{rows[0].id}").get_data(as_text=True)
    assert "管理员重设密码" in page


def test_the_admin_unlocks_a_locked_account_and_it_is_audited(app, as_user, client, app_ctx):
    start = clock.now()
    for _ in range(5):
        client.post("/login/", data={"username": "window", "password": "wrong-password"})
    window = user("window")
    assert window.locked_until is not None and window.locked_until > start
    admin = as_user("admin")
    shown = admin.get(f"/users/show/{window.id}").get_data(as_text=True)
    assert "解锁" in shown
    before = _last_id()
    answer = admin.post(f"/users/action/unlock/{window.id}")
    assert answer.status_code == 302
    db.session.expire_all()
    assert user("window").locked_until is None
    rows = _rows("StaffUser", window.id, before)
    assert [r.operation for r in rows] == [AuditOperation.UNLOCK]
    assert rows[0].username == "admin" and rows[0].changes["locked_until"][1] is None
    login(client, "window")
    assert "解锁账号" in admin.get(f"/audit/show/{rows[0].id}").get_data(as_text=True)


def test_only_the_user_screen_may_unlock(as_user, app_ctx):
    window = user("window")
    window.locked_until = clock.now() + dt.timedelta(minutes=10)
    db.session.commit()
    assert as_user("leader").post(f"/users/action/unlock/{window.id}").status_code in (302, 403)
    db.session.expire_all()
    assert user("window").locked_until is not None


def test_the_stamp_fab_sets_on_every_user_edit_is_not_a_change(app, as_user, app_ctx):
    """Saving the form unchanged writes no row (FAB's changed_by_fk alone is no change)."""
    leader = user("leader")
    start = _last_id()
    as_user("admin").post(f"/users/edit/{leader.id}", data=_user_form(leader))
    assert _rows("StaffUser", leader.id, start) == []


def test_built_in_roles_are_read_only_in_their_form(app, as_user, app_ctx):
    admin = as_user("admin")
    for name in (ADMIN, LEADER):
        page = admin.get(f"/roles/edit/{_role_id(app, name)}").get_data(as_text=True)
        assert 'type="submit"' not in page, name
        assert "系统内置角色" in page and "disabled" in page
        assert not english_words(page), english_words(page)
    admin.post("/roles/add", data={"name": "临时角色"})
    custom = admin.get(f"/roles/edit/{_role_id(app, '临时角色')}").get_data(as_text=True)
    assert 'type="submit"' in custom and "系统内置角色" not in custom
