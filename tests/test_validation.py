"""Bad input gets a clear Chinese message and changes nothing, in forms and in the API."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from console.validators import (
    CREDIT_ALPHABET,
    CREDIT_WEIGHTS,
    ID_CHECK,
    ID_WEIGHTS,
    credit_code_is_valid,
    id_number_is_valid,
)
from extensions import db
from models import Case


def make_id_number(body17: str) -> str:
    """A resident ID number with a correct GB 11643 check digit."""
    return body17 + ID_CHECK[sum(int(d) * w for d, w in zip(body17, ID_WEIGHTS, strict=True)) % 11]


def make_credit_code(body17: str) -> str:
    """A unified social credit code with a correct GB 32100 check character."""
    total = sum(CREDIT_ALPHABET.index(c) * w for c, w in zip(body17, CREDIT_WEIGHTS, strict=True))
    return body17 + CREDIT_ALPHABET[(31 - total % 31) % 31]


VALID_ID = make_id_number("44180219800101123")
VALID_CREDIT = make_credit_code("91441802MA4UL2BX7")


def case_form(**overrides: str) -> dict:
    data = {"title": "群众反映事项", "description": "诉求内容", "channel": "window", "applicant_kind": "person",
            "applicant_name": "李先生", "applicant_phone": "13812348000",
            "received_at": (dt.datetime.now() - dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")}
    data.update(overrides)
    return data


def count_cases() -> int:
    return db.session.execute(sa.select(sa.func.count()).select_from(Case)).scalar_one()


def test_check_digit_rules():
    assert id_number_is_valid(VALID_ID)
    assert not id_number_is_valid(VALID_ID[:-1] + ("0" if VALID_ID[-1] != "0" else "1"))
    assert not id_number_is_valid("441802198013011234"), "month 13"
    assert credit_code_is_valid(VALID_CREDIT)
    assert not credit_code_is_valid(VALID_CREDIT[:-1] + ("0" if VALID_CREDIT[-1] != "0" else "1"))
    assert not credit_code_is_valid("91441802MA4UL2BXIO"), "I and O are not in the alphabet"


def test_a_valid_case_form_registers_a_case(as_user, app_ctx):
    before = count_cases()
    response = as_user("window").post("/cases/add", data=case_form(applicant_id_number=VALID_ID))
    assert response.status_code == 302
    assert count_cases() == before + 1
    case = db.session.execute(sa.select(Case).order_by(Case.id.desc())).scalars().first()
    assert case.number.startswith(f"BBC-{dt.date.today().year}-")
    assert case.events[0].action.value == "receive"


@pytest.mark.parametrize("overrides,message", [
    ({"title": ""}, "此项为必填项"),
    ({"title": "长" * 201}, "最多 200 个字"),
    ({"title": "含\x00空字符"}, "无法保存的字符"),
    ({"applicant_phone": "12345abc"}, "手机号码或固定电话"),
    ({"applicant_id_number": "441802198001011230"}, "身份证号无效"),
    ({"credit_code": "91441802MA4UL2BX70"}, "统一社会信用代码无效"),
    ({"channel": "carrier_pigeon"}, "不是有效的选项"),
    ({"received_at": (dt.datetime.now() + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")}, "不能晚于当前时间"),
    ({"received_at": "2025-13-45T99:99"}, "时间"),
    ({"service_item": "999999"}, "所选记录不存在"),
    ({"service_item": "99999999999999999999"}, "所选记录不存在"),
    ({"applicant_kind": "enterprise"}, "反映人为企业时必填"),
])
def test_bad_form_input_is_refused_in_chinese_and_changes_nothing(as_user, app_ctx, overrides, message):
    client = as_user("window")
    before = count_cases()
    response = client.post("/cases/add", data=case_form(**overrides))
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert count_cases() == before


def test_a_valid_enterprise_case_with_credit_code(as_user, app_ctx):
    before = count_cases()
    response = as_user("window").post("/cases/add", data=case_form(
        applicant_kind="enterprise", enterprise_name="清远市某某有限公司", credit_code=VALID_CREDIT))
    assert response.status_code == 302 and count_cases() == before + 1


API_CASE = {"title": "接口登记", "description": "诉求", "channel": "online", "applicant_kind": "person",
            "applicant_name": "王女士"}


def test_api_registers_a_case(api, app_ctx):
    response = api("window").post("/api/v1/cases/", json=API_CASE)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()["result"]
    assert body["status"] == "received" and body["number"].startswith("BBC-")
    assert body["version"] == 1 and body["overdue"] is False


@pytest.mark.parametrize("overrides,field,status", [
    ({"title": None}, "title", 400),
    ({"title": "x" * 201}, "title", 400),
    ({"title": "a\x00b"}, "title", 400),
    ({"channel": "pigeon"}, "channel", 400),
    ({"applicant_phone": "not-a-phone"}, "applicant_phone", 400),
    ({"applicant_id_number": "441802198001011230"}, "applicant_id_number", 400),
    ({"service_item_id": 2**40}, "service_item_id", 400),  # beyond a 32-bit id: against the document
    ({"service_item_id": 987654}, "service_item_id", 422),  # a well-formed id of no record
    ({"received_at": "yesterday"}, "received_at", 400),
])
def test_bad_api_input_answers_with_chinese_field_messages(api, app_ctx, overrides, field, status):
    before = count_cases()
    payload = {**API_CASE, **overrides}
    response = api("window").post("/api/v1/cases/", json=payload)
    assert response.status_code == status, response.get_json()
    errors = response.get_json()["errors"]
    assert field in errors
    assert any("\u4e00" <= ch <= "\u9fff" for ch in str(errors[field]))
    assert count_cases() == before


def test_api_refuses_fields_the_workflow_owns(api, app_ctx):
    response = api("window").post("/api/v1/cases/", json={**API_CASE, "status": "archived", "version": 9})
    assert response.status_code == 400
    assert set(response.get_json()["errors"]) == {"status", "version"}


def test_api_rules_apply_beyond_the_schema(api, app_ctx):
    future = (dt.datetime.now() + dt.timedelta(days=2)).isoformat(timespec="seconds")
    response = api("window").post("/api/v1/cases/", json={**API_CASE, "received_at": future})
    assert response.status_code == 422  # the document cannot know the server's now
    assert response.get_json()["errors"]["received_at"] == ["不能晚于当前时间。"]


def test_api_body_must_be_json_object(api):
    client = api("window")
    assert client.post("/api/v1/cases/", json=[1, 2]).status_code == 400
    assert client.client.post("/api/v1/cases/", data="x", headers=client.headers).status_code == 400


@pytest.mark.parametrize("query", ["-8.766887770937607e%2B254", "1e%2B5", "(a:", "!x", "(keys:abc)", "5"])
def test_api_refuses_an_unreadable_query_with_400_in_chinese(api, query):
    for url in ("/api/v1/cases/", "/api/v1/evaluations/1", "/api/v1/cases/_info"):
        response = api("leader").get(f"{url}?q={query}")
        assert response.status_code == 400, (url, query)
        assert response.get_json()["message"].startswith("查询参数 q"), response.get_json()


def test_filters_with_wildcards_and_garbage_never_fail(as_user):
    client = as_user("coordinator")
    for query in ["_flt_0_title=%25", "_flt_0_title=_", "_flt_0_received_at=notadate",
                  "_flt_0_status=nonsense", "_flt_0_lead_department=abc", "_flt_0_lead_department=99999999999999",
                  "_flt_0_title=%00", "_oc_CaseView=nonexistent&_od_CaseView=asc",
                  "page_CaseView=-5", "page_CaseView=abc",
                  "psize_CaseView=x", "_od_CaseView=sideways&_oc_CaseView=title",
                  "psize_CaseView=100000", "quick=nonexistent"]:
        response = client.get(f"/cases/list/?{query}")
        assert response.status_code == 200, query
    literal = client.get("/cases/list/?_flt_0_title=%25").get_data(as_text=True)
    assert "没有记录" in literal, "% is matched literally, not as a wildcard"
