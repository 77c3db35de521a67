"""Behind nginx: the client's address comes from X-Forwarded-For only when TRUSTED_PROXIES says so.

The address is what the login log and the audit log record and what the login
rate limit counts by. Without trusted proxies a forged header changes nothing;
behind a trusted proxy each client behind it is counted on its own.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app import create_app
from extensions import db
from models.audit import LoginLog
from tests.conftest import PASSWORD, make_config

FORGED = {"X-Forwarded-For": "203.0.113.9"}


def _last_login_ip(app, username: str) -> str:
    with app.app_context():
        return db.session.execute(sa.select(LoginLog.ip).where(LoginLog.username == username)
                                  .order_by(LoginLog.id.desc())).scalars().first()


def _log_in(app, username: str, remote: str, forwarded: str | None = None, password: str = PASSWORD) -> int:
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    answer = app.test_client().post("/login/", data={"username": username, "password": password},
                                    headers=headers, environ_base={"REMOTE_ADDR": remote})
    return answer.status_code


@pytest.fixture
def behind(app, database):
    """`behind("1")` → the console configured with TRUSTED_PROXIES = "1" on the test database."""
    made = []

    def make(setting: str):
        made.append(create_app(make_config(database.url, TRUSTED_PROXIES=setting, CONSOLE_SYNC_AT_START=False)))
        return made[-1]

    yield make
    for other in made:
        with other.app_context():
            db.session.remove()


def test_without_trusted_proxies_a_forged_header_changes_nothing(app):
    assert _log_in(app, "coordinator", "192.0.2.10", FORGED["X-Forwarded-For"]) == 302
    assert _last_login_ip(app, "coordinator") == "192.0.2.10"
    # Twenty-five wrong passwords, each claiming another address: still one client, limited.
    codes = [_log_in(app, "nobody", "192.0.2.10", f"198.51.100.{n}", "wrong") for n in range(25)]
    assert 429 in codes


def test_one_trusted_proxy_gives_each_client_behind_it_its_own_address_and_limit(behind):
    proxied = behind("1")
    assert _log_in(proxied, "coordinator", "127.0.0.1", "203.0.113.9") == 302
    assert _last_login_ip(proxied, "coordinator") == "203.0.113.9"
    codes = [_log_in(proxied, "nobody", "127.0.0.1", "203.0.113.50", "wrong") for _ in range(25)]
    assert 429 in codes
    # Another client behind the same nginx is not locked out by the first one's attempts.
    assert _log_in(proxied, "leader", "127.0.0.1", "203.0.113.51") == 302


def test_listed_proxies_are_believed_and_nobody_else(behind):
    proxied = behind("10.0.0.0/8, 192.168.1.1")
    assert _log_in(proxied, "coordinator", "10.1.2.3", "198.51.100.7") == 302
    assert _last_login_ip(proxied, "coordinator") == "198.51.100.7"
    # Two proxies in a row (192.168.1.1 then 10.1.2.3): the client is the address before them.
    assert _log_in(proxied, "leader", "10.1.2.3", "198.51.100.8, 192.168.1.1") == 302
    assert _last_login_ip(proxied, "leader") == "198.51.100.8"
    # A client forging the header and coming from anywhere else keeps its own address.
    assert _log_in(proxied, "window", "192.0.2.77", "10.9.9.9") == 302
    assert _last_login_ip(proxied, "window") == "192.0.2.77"
