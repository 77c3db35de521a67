"""The rows of a list and what a list page keeps between requests (issues 11 and 13).

Row buttons are compact icons whose Chinese names sit in title and aria-label; a long
title carries its whole text in a tooltip (the text as shown, so masked cells stay masked). The menu and
the empty search panel are rendered once and kept: a permission change reaches the
menu at once, and a search value never reaches another request's panel.
"""

from __future__ import annotations

import re

import sqlalchemy as sa

from extensions import db
from models.enums import CaseStatus
from tests.conftest import login
from tests.workflow_support import case_in, new_case

BUTTON = re.compile(r'<(?:a|button) class="btn [^"]*"[^>]*>')


def _row(html: str, pk: int) -> str:
    start = html.index(f'<tr data-pk="{pk}"')
    return html[start:html.index("</tr>", start)]


def test_row_buttons_are_icons_named_in_chinese(as_user, app_ctx):
    pk = case_in(CaseStatus.ASSESSING).id
    db.session.commit()
    row = _row(as_user("coordinator").get("/cases/list/").get_data(as_text=True), pk)
    buttons = BUTTON.findall(row)
    # 查看 (show), 编辑 (edit: the case is not archived) and the next step of 研判中: 交办 (assign)
    assert len(buttons) == 3, buttons
    names = [re.search(r'aria-label="([^"]*)"', b).group(1) for b in buttons]
    titles = [re.search(r'title="([^"]*)"', b).group(1) for b in buttons]
    assert names == titles == ["查看记录", "编辑记录", "交办"], names
    assert 'data-action="assign"' in row and '<i class="fa fa-share" aria-hidden="true"></i>' in row
    assert 'btn-group btn-group-xs' in row
    assert f'href="/cases/act/{pk}/assign?next=' in row and f'href="/cases/show/{pk}"' in row


def test_handler_row_buttons_point_at_each_own_row(as_user, app_ctx):
    ids = [case_in(CaseStatus.ASSIGNED).id for _ in range(2)]  # assigned to 清城区税务局 (workflow_support.PATH)
    db.session.commit()
    html = as_user("handler_tax").get("/cases/list/").get_data(as_text=True)
    for pk in ids:
        row = _row(html, pk)
        assert f'href="/cases/act/{pk}/sign?next=' in row and 'aria-label="签收"' in row, row
        assert '__pk__' not in row


def test_a_long_title_keeps_its_whole_text_in_a_tooltip(as_user, app_ctx):
    title = "企业开办涉及的营业执照、印章刻制与银行开户三件事在窗口多次往返仍未办成"  # 36 characters
    long, short = new_case(title=title), new_case(title="社保补缴")
    db.session.commit()
    html = as_user("coordinator").get("/cases/list/").get_data(as_text=True)
    assert f'<td class="col-title" data-label="标题" title="{title}">{title}</td>' in _row(html, long.id)
    assert '<td class="col-title" data-label="标题">社保补缴</td>' in _row(html, short.id)


def _panel(html: str) -> str:
    return html.split('class="search-panel"', 1)[1].split("</details>", 1)[0]


def test_search_values_stay_in_their_own_request(as_user):
    client = as_user("coordinator")
    assert 'value="社保补缴"' in _panel(client.get("/cases/list/?_flt_0_title=社保补缴").get_data(as_text=True))
    assert "社保补缴" not in _panel(client.get("/cases/list/").get_data(as_text=True))
    quick = _panel(client.get("/cases/list/?quick=overdue").get_data(as_text=True))
    assert '<input type="hidden" name="quick" value="overdue">' in quick
    assert 'name="quick"' not in _panel(client.get("/cases/list/").get_data(as_text=True))


def test_the_kept_menu_follows_a_permission_change_at_once(as_user, app, app_ctx):
    admin = as_user("admin")
    sm = app.appbuilder.sm
    wanted = [pv for pv in db.session.query(sm.permissionview_model).all()
              if pv.view_menu.name == "CriticismView" and pv.permission.name in ("can_list", "can_show")
              or (pv.view_menu.name in ("CriticismView", "EVALUATION") and pv.permission.name == "menu_access")]
    assert admin.post("/roles/add", data={"name": "纪检监察联络员",
                                          "permissions": [str(pv.id) for pv in wanted]}).status_code == 302
    role_id = db.session.execute(sa.text("select id from ab_role where name = '纪检监察联络员'")).scalar_one()
    admin.post("/users/add", data={
        "username": "jijian", "first_name": "清", "last_name": "廉", "email": "jj@example.cn", "active": "y",
        "roles": str(role_id), "password": "Strong-Pass-77", "conf_password": "Strong-Pass-77"})
    liaison = login(app.test_client(), "jijian", "Strong-Pass-77")

    def menu() -> str:
        html = liaison.get("/criticisms/list/").get_data(as_text=True)
        return html.split('<ul class="nav navbar-nav">', 1)[1].split("</ul>\n", 1)[0]

    assert "通报批评" in menu() and "通报批评" in menu()  # the second from the kept menu
    kept = [str(pv.id) for pv in wanted if pv.view_menu.name != "CriticismView" or pv.permission.name != "menu_access"]
    assert admin.post(f"/roles/edit/{role_id}", data={"name": "纪检监察联络员", "permissions": kept}).status_code == 302
    assert "通报批评" not in menu()


def test_made_up_quick_filters_do_not_fill_the_kept_search_panels(as_user, app, monkeypatch):
    """`?quick=` comes from the URL: the process keeps at most SEARCH_PANELS_KEPT panels, then renders them."""
    import console.widgets

    monkeypatch.setattr(console.widgets, "SEARCH_PANELS_KEPT", 3)
    app.extensions.pop("console_search_panels", None)
    client = as_user("coordinator")
    for n in range(6):
        page = client.get(f"/cases/list/?quick=made-up-{n}")
        assert page.status_code == 200 and "查询" in page.get_data(as_text=True)
    assert len(app.extensions["console_search_panels"]) == 3
