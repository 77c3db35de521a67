"""Hostile query arguments on every list screen and every API collection: never a 5xx, never English.

Page numbers beyond any integer the database holds, negative offsets (PostgreSQL refuses them),
unknown sort columns, garbage filters, and the REST API's `q` in all its shapes — on SQLite and
(with TEST_DATABASE_URL) PostgreSQL alike. Text and form input is in tests/test_hostile_text.py.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import pytest

from access.roles import ADMIN, ROLES
from seed.district import ACCOUNTS
from tests.conftest import login
from tests.helpers import english_words

HUGE = str(2**70)
NUMBERS = [HUGE, "-1", "-5", "0", "abc", "1e309", "", "99999999999999999999999999999999999999999999999"]
GARBAGE = ["abc", HUGE, "-1", "1e309", "\x00", "%_%", "' OR 1=1 --", "2025-13-45", "长" * 300]
ROLE_OF = {a.username: a.role for a in ACCOUNTS}
CHECKED_AS = ("coordinator", "handler_tax", "leader", "window", "admin")
"""Each screen is swept as the first of these accounts that may open it (the admin last)."""

LIST_VIEWS = {
    "CaseView": "/cases", "AssignmentView": "/assignments", "SupervisionView": "/supervisions",
    "CaseEventView": "/case-events", "SatisfactionView": "/satisfactions", "EvaluationView": "/evaluations",
    "CriticismView": "/criticisms", "SavedFilterView": "/saved-filters", "DepartmentView": "/departments",
    "CoordinatorView": "/coordinators", "ServiceItemView": "/service-items", "DutyRotaView": "/duty",
    "GuideCardView": "/guide-cards", "AuditLogView": "/audit", "LoginLogView": "/login-log",
    "HolidayOverrideView": "/holidays", "DictionaryEntryView": "/dictionaries",
    "StaffUserView": "/users", "ConsoleRoleView": "/roles", "ConsoleGroupView": "/groups",
}
APIS = ["cases", "supervisions", "evaluations", "criticisms", "departments", "coordinators", "service-items"]


def account_for(view: str) -> str:
    """The first real account whose role may list `view`."""
    for username in CHECKED_AS:
        role = ROLE_OF[username]
        if role == ADMIN or "can_list" in ROLES[role].get(view, ()):
            return username
    raise AssertionError(view)


def strings(value: Any) -> list[str]:
    """Every string inside a JSON value."""
    if isinstance(value, dict):
        return [text for item in value.values() for text in strings(item)]
    if isinstance(value, list):
        return [text for item in value for text in strings(item)]
    return [value] if isinstance(value, str) else []


def messages(body: dict) -> list[str]:
    """What a client shows from an error body: the message and the per-field errors."""
    return [text for key in ("message", "errors") for text in strings(body.get(key))]


def assert_page_ok(response: Any, url: str) -> None:
    """No server error, and no English on an HTML answer."""
    assert response.status_code < 500, f"{url} → {response.status_code}"
    if response.mimetype == "text/html":
        words = english_words(response.get_data(as_text=True))
        assert not words, f"{url}: {words[:10]}"


def assert_api_ok(response: Any, url: str) -> None:
    """No server error; an error answer's message is Chinese."""
    assert response.status_code < 500, f"{url} → {response.status_code}: {response.get_data(as_text=True)[:300]}"
    if response.status_code >= 400:
        body = response.get_json()
        assert body and body.get("message"), f"{url}: {response.get_data(as_text=True)[:300]}"
        words = [w for text in messages(body) for w in english_words(text)]
        assert not words, f"{url} → {response.status_code}: {messages(body)}"


@pytest.mark.parametrize("view", sorted(LIST_VIEWS))
def test_list_arguments_never_break_a_screen(app, view):
    client = login(app.test_client(), account_for(view))
    base = f"{LIST_VIEWS[view]}/list/"
    urls = [f"{base}?page_{view}={quote(v)}" for v in NUMBERS]
    urls += [f"{base}?psize_{view}={quote(v)}" for v in NUMBERS]
    urls += [f"{base}?page_{view}={quote(p)}&psize_{view}={quote(s)}" for p, s in ((HUGE, HUGE), ("-1", "-5"))]
    urls += [f"{base}?_oc_{view}={quote(c)}&_od_{view}={d}"
             for c in ("nope", "id; drop table x", "__class__", "roles.name", "department.name", "")
             for d in ("asc", "desc")]
    urls += [f"{base}?_oc_{view}=id&_od_{view}=sideways"]
    instance = next(v for v in app.appbuilder.baseviews if type(v).__name__ == view)
    columns = list(instance.search_columns or []) + ["nope"]
    urls += [f"{base}?_flt_{i}_{column}={quote(value)}"
             for column in columns for i in (0, 1, 9) for value in GARBAGE]
    urls += [f"{base}?_flt_x_title=1", f"{base}?_flt_99_title=1", f"{base}?_flt_0_=1"]
    for url in urls:
        assert_page_ok(client.get(url), url)


def rison_queries(api: Any) -> list[str]:
    """Hostile `q` values for one API collection."""
    column = (api.search_columns or ["id"])[0]
    return [
        f"(page:{HUGE})", "(page:-1)", f"(page_size:{HUGE})", "(page_size:-5)", "(page:0,page_size:0)",
        f"(page:{HUGE},page_size:100)", "(page:-1,page_size:-5)", "(page:1e309)", "(page:abc)", "(page:1.5)",
        "(order_column:nope)", "(order_column:nope,order_direction:asc)", "(order_column:id,order_direction:up)",
        "(order_column:'')", "(filters:!((col:nope,opr:eq,value:1)))", f"(filters:!((col:{column},opr:nope,value:1)))",
        f"(filters:!((col:{column},opr:'',value:1)))", f"(filters:!((col:{column},opr:eq,value:{HUGE})))",
        "(filters:!((col:id)))", "(filters:!(1,2))", "(filters:x)",
        "(columns:!(id),select_columns:!(id))", "(columns:!(nope))", "(select_columns:!(nope))",
        "(keys:!(nope))", "(keys:!(list_columns),columns:!(nope))", "(keys:!(none),select_columns:!(id,nope))",
        "(keys:x)", "garbage", "(", "!(1,2)", "'text'", "42", json.dumps({"page": 2**70}),
        json.dumps({"page": -1}), '{"page": 1e309}', '{"order_column": "nope"}', "(nope:1)",
    ]


@pytest.mark.parametrize("resource", APIS)
@pytest.mark.parametrize("username", ["coordinator", "handler_tax"])
def test_api_query_arguments_never_break_a_collection(app, api, resource, username):
    client = api(username)
    instance = next(v for v in app.appbuilder.baseviews if getattr(v, "resource_name", None) == resource)
    for q in rison_queries(instance):
        for url in (f"/api/v1/{resource}/?q={quote(q)}", f"/api/v1/{resource}/1?q={quote(q)}",
                    f"/api/v1/{resource}/_info?q={quote(q)}"):
            assert_api_ok(client.get(url), url)
    for q in (f"(add_columns:(x:(page:{HUGE},page_size:{HUGE})))", "(add_columns:(x:(page:-1,page_size:-5)))"):
        url = f"/api/v1/{resource}/_info?q={quote(q)}"
        assert_api_ok(client.get(url), url)


def test_a_huge_page_is_refused_in_chinese_not_emptied_silently(api):
    answer = api("coordinator").get(f"/api/v1/cases/?q={quote(f'(page:{HUGE})')}")
    assert answer.status_code == 400
    assert "页" in answer.get_json()["message"]
    negative = api("coordinator").get(f"/api/v1/cases/?q={quote('(page:-1)')}")
    assert negative.status_code == 400


def test_an_unknown_sort_column_on_the_users_screen_falls_back_to_the_default_order(as_user):
    page = as_user("admin").get("/users/list/?_oc_StaffUserView=nope&_od_StaffUserView=asc")
    assert page.status_code == 200
    assert "coordinator" in page.get_data(as_text=True)


@pytest.mark.parametrize("page", ["/users/show/{user}", "/users/edit/{user}", "/roles/show/{role}",
                                  "/roles/edit/{role}"])
def test_paging_arguments_on_fabs_own_show_and_edit_pages(as_user, app_ctx, page):
    """FAB's show and edit read every page_*/psize_* argument with int() (related lists of a role's users)."""
    import sqlalchemy as sa

    from extensions import db

    user = db.session.execute(sa.text("select id from ab_user where username = 'window'")).scalar_one()
    role = db.session.execute(sa.text("select min(id) from ab_role")).scalar_one()
    client = as_user("admin")
    base = page.format(user=user, role=role)
    for view in ("StaffUserView", "ConsoleRoleView", "x"):
        for value in NUMBERS:
            for prefix in ("page", "psize"):
                url = f"{base}?{prefix}_{view}={quote(value)}"
                assert_page_ok(client.get(url), url)


LONG = "x" * (9 * 1024)


def test_a_url_longer_than_the_limit_gets_a_chinese_414(client, as_user, api):
    for browser in (client, as_user("coordinator")):
        page = browser.get(f"/cases/list/?_flt_0_title={LONG}")
        assert page.status_code == 414
        assert "网址过长" in page.get_data(as_text=True) and not english_words(page.get_data(as_text=True))
    answer = api("coordinator").get(f"/api/v1/cases/?q={LONG}")
    assert answer.status_code == 414 and "网址过长" in answer.get_json()["message"]
    assert as_user("coordinator").get(f"/cases/list/?_flt_0_title={'x' * 7000}").status_code == 200


def test_gunicorn_reads_the_shipped_config_and_leaves_long_urls_to_the_console(app, database, tmp_path):
    """Started from the repository root as the README says, gunicorn picks gunicorn.conf.py up by itself:
    a 100 kB URL and a long Referer reach the console, which answers in Chinese."""
    import os
    import signal
    import subprocess
    import sys
    from pathlib import Path

    import requests

    from tests.live_support import free_port, wait_until_serving

    root = Path(__file__).resolve().parent.parent
    printed = subprocess.run([Path(sys.executable).parent / "gunicorn", "--print-config", "app:create_app()"],
                             cwd=root, capture_output=True, text=True, timeout=60).stdout
    assert "limit_request_line                 = 0" in printed and "timeout                            = 120" in printed
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database.url, "SECRET_KEY": "hostile-" + "0123456789abcdef" * 3,
           "GUNICORN_CMD_ARGS": f"--bind 127.0.0.1:{port} --workers 1"}
    env.pop("TEST_DATABASE_URL", None)
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as output:
        server = subprocess.Popen([Path(sys.executable).parent / "gunicorn", "app:create_app()"], cwd=root, env=env,
                                  stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(server, base, log, seconds=60)
        long_url = requests.get(f"{base}/login/?next={'x' * 100_000}", timeout=30)
        assert long_url.status_code == 414 and "网址过长" in long_url.text, long_url.text[:300]
        referer = requests.get(f"{base}/login/", headers={"Referer": f"{base}/cases/list/?{'x' * 8000}"}, timeout=30)
        assert referer.status_code == 200
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
