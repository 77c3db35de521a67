"""Every 4xx of the REST API has one body: {"message": "<Chinese>", "errors": {"<field>": ["<Chinese>"]}}.

The collections and actions swept are CONTRACT.md's lists (not read from the code), so a
collection or action that answers in another shape, or in English, fails here. Status rule
(README 「接口错误」): 400 malformed or against a documented rule, 401, 403, 404, 405, 409 stale
or wrong state, 413, 414, 422 a named record that does not exist, 429.
"""

from __future__ import annotations

import re

import pytest

from models.enums import CaseStatus
from tests.helpers import english_words
from tests.workflow_support import case_in

COLLECTIONS = ("cases", "departments", "coordinators", "evaluations", "criticisms", "supervisions")
"""CONTRACT.md's REST collections."""
ACTIONS = ("assess", "decline", "resolve_on_spot", "assign", "sign", "reply", "request_extension",
           "approve_extension", "supervise", "escalate", "reassign", "suspend", "resume", "resolve",
           "evaluate", "summarize", "archive", "criticize")
"""CONTRACT.md's workflow actions."""
CASE = {"title": "窗口办理不畅", "description": "多次往返仍未办成", "channel": "window",
        "applicant_kind": "person", "applicant_name": "张三"}
CJK = re.compile(r"[\u4e00-\u9fff]")


def assert_error(response, status: int, *fields: str) -> dict:
    """`response` is `status` with the one error shape, Chinese throughout, naming at least `fields`."""
    body = response.get_json()
    assert response.status_code == status, (response.status_code, body)
    assert isinstance(body, dict) and set(body) == {"message", "errors"}, body
    assert isinstance(body["message"], str) and CJK.search(body["message"]), body
    assert not english_words(body["message"]), body
    assert isinstance(body["errors"], dict), body
    for field, texts in body["errors"].items():
        assert isinstance(texts, list) and texts, (field, texts)
        for text in texts:
            assert isinstance(text, str) and CJK.search(text) and not english_words(text), (field, text)
    assert set(fields) <= set(body["errors"]), body
    return body


def test_every_collection_answers_every_refusal_in_one_shape(api, app, app_ctx):
    admin, leader, anonymous = api("admin"), api("leader"), app.test_client()
    for name in COLLECTIONS:
        url = f"/api/v1/{name}/"
        assert_error(anonymous.get(url), 401)
        assert_error(anonymous.get(url, headers={"Authorization": "Bearer not-a-token"}), 401)
        assert_error(admin.get(f"{url}?q=(page:"), 400)
        assert_error(admin.get(f"{url}?q=(order_column:nonsense)"), 400)
        assert_error(admin.get(f"{url}99999999"), 404)
        assert_error(admin.client.patch(f"{url}1", headers=admin.headers, json={}), 405)
        assert_error(admin.get(f"{url}?q=(filters:!((col:title,opr:ct,value:'{'x' * 9000}')))"), 414)
        posted = admin.post(url, json={"no_such_field": 1})
        if posted.status_code == 405:  # computed records (evaluations) are not created through the API
            assert_error(posted, 405)
            continue
        assert_error(posted, 400, "no_such_field")
        assert_error(admin.client.post(url, data="{not json", headers={**admin.headers,
                                                                       "Content-Type": "application/json"}), 400)
        assert_error(admin.client.post(url, data="title=x", headers=admin.headers), 400)
        assert_error(admin.put(f"{url}99999999", json={}), 404)
        if name != "cases":
            assert_error(leader.post(url, json={}), 403)


def test_field_errors_name_the_field_with_the_status_rule(api, app_ctx):
    window = api("window")
    assert_error(window.post("/api/v1/cases/", json={**CASE, "applicant_phone": "12"}), 400, "applicant_phone")
    assert_error(window.post("/api/v1/cases/", json={**CASE, "title": None}), 400, "title")
    assert_error(window.post("/api/v1/cases/", json={**CASE, "applicant_kind": "enterprise"}),
                 400, "enterprise_name")
    # A well-formed id that names no record: 422, the field named (one department is 1 … a few dozen).
    assert_error(window.post("/api/v1/cases/", json={**CASE, "service_item_id": 987654}), 422, "service_item_id")
    # Both kinds at once: the request breaks a documented rule, so 400 and both fields.
    assert_error(window.post("/api/v1/cases/", json={**CASE, "applicant_phone": "12", "service_item_id": 987654}),
                 400, "applicant_phone", "service_item_id")


def test_every_action_answers_every_refusal_in_one_shape(api, app_ctx):
    case = case_in(CaseStatus.RECEIVED)
    coordinator, leader = api("coordinator"), api("leader")
    for action in ACTIONS:
        url = f"/api/v1/cases/{case.id}/actions/{action}"
        assert_error(coordinator.post(url, json=["x"]), 400)
        assert_error(coordinator.client.post(url, data="{", headers={**coordinator.headers,
                                                                     "Content-Type": "application/json"}), 400)
        missing = coordinator.post(f"/api/v1/cases/99999999/actions/{action}", json={})
        assert missing.status_code in (403, 404), (action, missing.status_code)  # an action not theirs: 403 first
        assert_error(missing, missing.status_code)
        answer = coordinator.post(url, json={"version": case.version, "note": "a\x00b"})
        assert answer.status_code in (400, 403, 409), (action, answer.get_json())
        assert_error(answer, answer.status_code)
        as_leader = leader.post(url, json={})  # 403 for most; 督办 and 通报批评 are the leader's own
        assert as_leader.status_code in (400, 403, 409), (action, as_leader.get_json())
        assert_error(as_leader, as_leader.status_code)
    assert_error(coordinator.post(f"/api/v1/cases/{case.id}/actions/fly", json={}), 404)
    invalid = coordinator.post(f"/api/v1/cases/{case.id}/actions/assess",
                               json={"problem_type": 5, "track": "on_spot", "disposition": "on_spot",
                                     "level": "window"})
    assert_error(invalid, 400, "problem_type")
    stale = coordinator.post(f"/api/v1/cases/{case.id}/actions/escalate",
                             json={"level": "center", "version": case.version + 5})
    assert_error(stale, 409)
    unknown = coordinator.post(f"/api/v1/cases/{case.id}/actions/assess",
                               json={"problem_type": "afraid", "track": "on_spot", "disposition": "on_spot",
                                     "level": "window", "coordinator_id": 987654})
    assert_error(unknown, 422, "coordinator_id")


def test_the_token_endpoint_answers_in_the_same_shape(app):
    client = app.test_client()
    url = "/api/v1/security/login"
    assert_error(client.post(url, data="x"), 400)
    assert_error(client.post(url, json={"password": "x", "provider": "db"}), 400, "username")
    assert_error(client.post(url, json={"username": "window", "password": "wrong", "provider": "db"}), 401)
    assert_error(client.get(url), 405)


def test_too_large_and_too_many_answer_in_the_same_shape(api, app):
    window = api("window")
    big = "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    assert_error(window.client.post("/api/v1/cases/", data=big, headers={**window.headers,
                                                                         "Content-Type": "application/json"}), 413)
    client = app.test_client()
    answers = [client.post("/api/v1/security/login", json={"username": "window", "password": "wrong",
                                                           "provider": "db"}) for _ in range(25)]
    assert_error(answers[-1], 429)


@pytest.mark.parametrize("code", ["400", "401", "403", "404", "409", "413", "414", "422", "429"])
def test_the_document_declares_the_shape_on_every_operation(app, code):
    from views.openapi import api_document

    with app.test_request_context("/api/v1/_openapi"):
        spec = api_document("v1")
    shape = spec["components"]["schemas"]["Error"]
    assert shape["required"] == ["message", "errors"]
    assert spec["components"]["responses"][code]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"}
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            for status, answer in operation["responses"].items():
                if status.startswith("4"):
                    assert answer == {"$ref": f"#/components/responses/{status}"}, (method, path, status)
