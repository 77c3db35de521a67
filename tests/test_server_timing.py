"""SERVER_TIMING=1: every response says how many SQL statements it sent and how long they took."""

from __future__ import annotations

import re

import pytest

from tests.test_queries import counted

HEADER = re.compile(r'^sql;dur=(\d+(?:\.\d+)?);desc="(\d+)"$')


@pytest.fixture
def timing_on(app):
    app.config["SERVER_TIMING"] = True
    yield
    app.config["SERVER_TIMING"] = False


def test_a_list_page_reports_the_statements_it_sent(app, as_user, timing_on):
    client = as_user("coordinator")
    client.get("/cases/list/")
    with counted(app) as seen:  # the test's own listener: an independent count
        response = client.get("/cases/list/")
    match = HEADER.match(response.headers.get("Server-Timing", ""))
    assert match, response.headers.get("Server-Timing")
    assert int(match.group(2)) == len(seen) > 0
    assert float(match.group(1)) > 0


def test_every_kind_of_response_carries_it(app, as_user, client, timing_on):
    assert HEADER.match(client.get("/login/").headers["Server-Timing"])  # anonymous page
    assert HEADER.match(client.get("/cases/list/").headers["Server-Timing"])  # a redirect to the login
    coordinator = as_user("coordinator")
    assert HEADER.match(coordinator.get("/cases/show/999999").headers["Server-Timing"])  # a 404
    assert HEADER.match(coordinator.get("/api/v1/cases/").headers["Server-Timing"])  # an API answer


def test_a_page_without_sql_says_zero(app, client, timing_on):
    response = client.get("/static/console/console.css")
    response.close()
    assert response.status_code == 200
    assert response.headers.get("Server-Timing") == 'sql;dur=0.00;desc="0"'


def test_no_header_unless_asked(app, as_user):
    assert app.config["SERVER_TIMING"] is False
    assert "Server-Timing" not in as_user("coordinator").get("/cases/list/").headers
