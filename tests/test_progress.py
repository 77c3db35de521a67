"""办理进度查询: the applicant's own lookup, without a login, by case number and the phone's last 4 digits.

It shows where the case is on 受理→研判→交办→办结→评价→总结→归档, when each step was done, and the deadline;
never a name, a phone number or a department's note. A wrong pair answers exactly like an unknown number,
the lookups of one address are rate-limited, and each one is written to the audit log without the digits.
"""

from __future__ import annotations

import datetime as dt
import re

import sqlalchemy as sa

from extensions import db
from models import AuditLog
from models.base import acting_as
from models.enums import CaseStatus
from tests.helpers import english_words, visible_text
from tests.workflow_support import ASSESS, act, new_case, user

PHONE = "13926671234"
RECEIVED = dt.datetime(2026, 3, 2, 9, 0)   # Monday
ASSESSED = dt.datetime(2026, 3, 2, 15, 0)
ASSIGNED = dt.datetime(2026, 3, 3, 10, 0)  # Tuesday; 5 working days later (no holiday in March): Tuesday 10 March


def _assigned_case():
    case = new_case(RECEIVED, title="王某某反映社保转移难")
    with acting_as(user("window").id):
        case.applicant_name, case.applicant_phone = "王某某", PHONE
        db.session.commit()
    act(case, "assess", ASSESS, ASSESSED)
    return act(case, "assign", {"lead_department_id": "清城区税务局", "deadline_days": 5, "note": "内部：先电话核实"},
               ASSIGNED)


def _lookups() -> list[AuditLog]:
    db.session.expire_all()
    return list(db.session.execute(sa.select(AuditLog).where(AuditLog.operation == "progress_lookup")
                                   .order_by(AuditLog.id)).scalars())


def test_the_applicant_sees_the_step_its_dates_and_the_deadline_and_nothing_personal(client, app_ctx):
    case = _assigned_case()
    form = client.get("/progress/")
    assert form.status_code == 200, "no login needed"
    assert 'name="number"' in form.get_data(as_text=True) and 'name="phone"' in form.get_data(as_text=True)

    page = client.get(f"/progress/?number={case.number}&phone=1234")
    assert page.status_code == 200
    text = visible_text(page.get_data(as_text=True))
    assert case.number in text
    assert re.search(r"当前环节\s*[：:]?\s*交办", text), text
    for step, day in (("受理", "2026-03-02"), ("研判", "2026-03-02"), ("交办", "2026-03-03")):
        assert re.search(rf"{step}\s*{day}", text), (step, text)
    assert "办结时限" in text and "2026-03-10" in text
    html = page.get_data(as_text=True)
    for secret in ("王某某", PHONE, "139****1234", "内部：先电话核实", "社保转移难", "清城区税务局"):
        assert secret not in html, secret
    assert page.headers["Cache-Control"] == "no-store"
    assert english_words(html) == [] and english_words(form.get_data(as_text=True)) == []


def test_a_wrong_phone_answers_exactly_like_an_unknown_number(client, app_ctx):
    case = _assigned_case()
    unknown = "BBC-2026-9999"
    wrong = client.get(f"/progress/?number={case.number}&phone=4321")
    missing = client.get(f"/progress/?number={unknown}&phone=1234")
    assert wrong.status_code == missing.status_code == 200
    texts = [visible_text(r.get_data(as_text=True)).replace(n, "＊") for r, n in
             ((wrong, case.number), (missing, unknown))]
    assert texts[0] == texts[1]
    assert "未查到" in texts[0]
    assert "交办" not in texts[0].split("未查到", 1)[1], "no step of the case leaks"

    rows = _lookups()
    assert [(r.changes["asked"][1], r.changes["found"][1], r.record_id) for r in rows] == \
        [(case.number, False, None), (unknown, False, None)]
    client.get(f"/progress/?number={case.number}&phone=1234")
    found = _lookups()[-1]
    assert (found.changes["found"][1], found.record_id, found.channel, found.user_id) == (True, case.id, "public", None)
    for row in _lookups():
        assert "1234" not in str(row.changes) and "4321" not in str(row.changes), "the digits are never stored"
        assert row.ip


def test_lookups_are_rate_limited_per_address_with_a_chinese_page(client, app, app_ctx):
    limit = int(app.config["PROGRESS_RATE_LIMIT"].split()[0])
    assert limit == 10
    for i in range(limit):
        assert client.get(f"/progress/?number=BBC-2026-{i:04d}&phone=1234").status_code == 200
    refused = client.get("/progress/?number=BBC-2026-0001&phone=1234")
    assert refused.status_code == 429
    assert "请求过于频繁" in visible_text(refused.get_data(as_text=True)) or \
        "稍候" in visible_text(refused.get_data(as_text=True))
    assert len(_lookups()) == limit, "a refused request is not looked up"
    other = app.test_client()
    assert other.get("/progress/?number=BBC-2026-0001&phone=1234",
                     environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 200, "per address"
    assert client.get("/progress/").status_code == 200, "the empty form is not counted"


def test_bad_input_gets_a_chinese_message_and_no_lookup(client, app_ctx):
    for query, message in (("number=BBC-2026-0001&phone=12a4", "4位数字"),
                           ("number=&phone=1234", "事项编号"),
                           ("number=BBC%00-1&phone=1234", "事项编号")):
        page = client.get(f"/progress/?{query}")
        assert page.status_code == 200, query
        assert message in visible_text(page.get_data(as_text=True)), query
    assert _lookups() == []


def test_a_declined_case_shows_it_was_declined(client, app_ctx):
    case = new_case(RECEIVED)
    with acting_as(user("window").id):
        case.applicant_phone = PHONE
        db.session.commit()
    act(case, "decline", {"reason": "涉诉事项", "redirect_to": "清城区人民法院立案庭"}, ASSESSED, username="window")
    text = visible_text(client.get(f"/progress/?number={case.number}&phone=1234").get_data(as_text=True))
    assert str(CaseStatus.DECLINED.label) in text and "2026-03-02" in text
