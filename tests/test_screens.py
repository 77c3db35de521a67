"""Every screen of CONTRACT.md answers 200 to the roles that may see it, 403 to others,
and is Chinese throughout."""

from __future__ import annotations

import pytest

from access.roles import ADMIN, ROLES
from seed.district import ACCOUNTS
from tests.helpers import english_words

SCREENS = {
    "/cases/list/": "CaseView",
    "/assignments/list/": "AssignmentView",
    "/supervisions/list/": "SupervisionView",
    "/satisfactions/list/": "SatisfactionView",
    "/evaluations/list/": "EvaluationView",
    "/criticisms/list/": "CriticismView",
    "/departments/list/": "DepartmentView",
    "/coordinators/list/": "CoordinatorView",
    "/holidays/list/": "HolidayOverrideView",
    "/service-items/list/": "ServiceItemView",
    "/duty/list/": "DutyRotaView",
    "/guide-cards/list/": "GuideCardView",
    "/notifications/list/": "NotificationView",
}
USERS = {a.username: a.role for a in ACCOUNTS}


def may_list(role: str, view: str) -> bool:
    """What access/roles.py declares (the admin holds everything)."""
    return role == ADMIN or "can_list" in ROLES[role].get(view, ())


@pytest.mark.parametrize("username", sorted(USERS))
def test_screen_matrix_follows_the_role_declarations(as_user, username):
    client = as_user(username)
    role = USERS[username]
    for url, view in SCREENS.items():
        response = client.get(url)
        expected = 200 if may_list(role, view) else 403
        assert response.status_code == expected, f"{username} {url}"
        if expected == 403:
            assert "无权访问" in response.get_data(as_text=True)


@pytest.mark.parametrize("username", sorted(USERS))
def test_every_visible_page_is_chinese(as_user, username):
    client = as_user(username)
    role = USERS[username]
    pages = ["/dashboard/", "/profile/"] + [u for u, v in SCREENS.items() if may_list(role, v)]
    if role == ADMIN:
        pages += ["/users/list/", "/roles/list/", "/users/add", "/roles/add", "/cases/add",
                  "/departments/add", "/departments/edit/1", "/departments/show/1"]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        assert not english_words(html), f"{url}: {english_words(html)[:10]}"


def test_anonymous_visitors_are_sent_to_login(client):
    for url in ["/dashboard/", *SCREENS]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/login/" in response.headers["Location"]


def test_login_page_and_failed_login_are_chinese(client):
    page = client.get("/login/").get_data(as_text=True)
    assert "登录" in page and not english_words(page)
    failed = client.post("/login/", data={"username": "coordinator", "password": "wrong"}, follow_redirects=True)
    assert not english_words(failed.get_data(as_text=True))


def test_dashboard_links_counts_to_filtered_lists(as_user):
    client = as_user("coordinator")
    html = client.get("/dashboard/").get_data(as_text=True)
    for quick in ("to_assess", "overdue", "to_follow_up", "received_today"):
        assert f"/cases/list/?quick={quick}" in html
    assert "今日坐窗" in html


def test_handler_dashboard_shows_own_assignments(as_user):
    html = as_user("handler_tax").get("/dashboard/").get_data(as_text=True)
    assert "本部门交办事项" in html and "待签收" in html


def test_empty_list_says_no_records_in_chinese(as_user):
    html = as_user("admin").get("/saved-filters/list/").get_data(as_text=True)
    assert "没有记录" in html
