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


# Guessing the 4 digits of one number from many addresses: 5 wrong pairs lock the number (PROGRESS_NUMBER_LIMIT).

def _ask(app, number: str, phone: str, address: str):
    return app.test_client().get(f"/progress/?number={number}&phone={phone}", environ_base={"REMOTE_ADDR": address})


def _answer_text(response, number: str) -> str:
    return visible_text(response.get_data(as_text=True)).replace(number, "＊")


def test_five_wrong_pairs_from_many_addresses_lock_the_number_and_say_no_more_than_for_an_unknown_one(app, app_ctx):
    assert app.config["PROGRESS_NUMBER_LIMIT"] == "5 per hour"
    case, unknown = _assigned_case(), "BBC-2026-9999"
    for number in (case.number, unknown):
        for i in range(5):  # each from its own address: the per-address limit never trips
            wrong = _ask(app, number, f"{i:04d}", f"10.9.{i}.1")
            assert wrong.status_code == 200 and "未查到" in visible_text(wrong.get_data(as_text=True))
    # the applicant's own, right pair, from a fresh address: the number is locked, and says so as an unknown one
    locked = _ask(app, case.number, "1234", "10.9.9.1")
    locked_unknown = _ask(app, unknown, "1234", "10.9.9.2")
    assert locked.status_code == locked_unknown.status_code == 429
    text = _answer_text(locked, case.number)
    assert text == _answer_text(locked_unknown, unknown)
    assert "未查到" in text and "请稍后再试" in text, text
    assert "交办" not in text.split("未查到", 1)[1] and "2026-03-10" not in text, "no step of the case leaks"
    # another number is not affected, from the same address
    other = _assigned_case()
    assert _ask(app, other.number, "1234", "10.9.9.1").status_code == 200
    rows = _lookups()
    assert len(rows) == 10 + 2 + 1, "every lookup is logged, the locked ones too"
    assert [(r.changes["asked"][1], r.changes["found"][1], r.record_id, (r.changes.get("locked") or [0, 0])[1])
            for r in rows[10:]] == [(case.number, False, None, True), (unknown, False, None, True),
                                    (other.number, True, other.id, 0)]


def test_the_lock_ends_after_its_period_and_a_right_pair_is_answered_again(app, app_ctx, monkeypatch):
    import time

    monkeypatch.setitem(app.config, "PROGRESS_NUMBER_LIMIT", "5 per 2 seconds")
    case = _assigned_case()
    for i in range(5):
        _ask(app, case.number, f"{i:04d}", f"10.8.{i}.1")
    assert _ask(app, case.number, "1234", "10.8.9.1").status_code == 429
    time.sleep(2.2)
    found = _ask(app, case.number, "1234", "10.8.9.1")
    assert found.status_code == 200
    assert re.search(r"当前环节\s*[：:]?\s*交办", visible_text(found.get_data(as_text=True)))


def test_two_console_processes_count_one_numbers_wrong_pairs_together_through_redis(app, app_ctx, database):
    import uuid

    import pytest

    from app import create_app
    from tests.conftest import make_config

    redis = pytest.importorskip("redis")
    url = "redis://127.0.0.1:6379/0"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError:
        pytest.skip(f"no Redis at {url}")
    prefix = f"bcs-test-{uuid.uuid4().hex[:8]}"
    first, second = (create_app(make_config(database.url, CONSOLE_SYNC_AT_START=False, REDIS_URL=url,
                                            RATELIMIT_STORAGE_URI=url, RATELIMIT_KEY_PREFIX=prefix))
                     for _ in range(2))
    case = _assigned_case()
    try:
        for i in range(5):
            assert _ask(first if i % 2 else second, case.number, f"{i:04d}", f"10.7.{i}.1").status_code == 200
        assert _ask(second, case.number, "1234", "10.7.9.1").status_code == 429
        assert _ask(first, case.number, "1234", "10.7.9.2").status_code == 429
    finally:
        client = redis.Redis.from_url(url)
        for key in client.scan_iter(f"*{prefix}*"):
            client.delete(key)
        for made in (first, second):
            with made.app_context():
                db.session.remove()
                db.engine.dispose()  # the next test's restore drops the database under their connections
        app.extensions["celery"].set_current()  # each create_app made its own Celery app the current one
        app.extensions["celery"].set_default()


def test_a_merged_duplicate_points_to_its_main_case_and_its_step(client, app_ctx):
    main = _assigned_case()  # 王某某, 139…1234, at 交办 since 2026-03-03 with an internal note
    duplicate = new_case(ASSIGNED, title="李某某又来反映社保转移")
    with acting_as(user("window").id):
        duplicate.applicant_name, duplicate.applicant_phone = "李某某", "13800005678"
        db.session.commit()
    act(duplicate, "merge", {"main_case": main.number}, ASSIGNED)
    page = client.get(f"/progress/?number={duplicate.number}&phone=5678")
    html = page.get_data(as_text=True)
    text = visible_text(html)
    assert page.status_code == 200 and duplicate.number in text
    assert re.search(rf"已合并至\s*{main.number}", text), text
    assert re.search(r"主件当前环节\s*[：:]?\s*交办", text), text
    for secret in ("王某某", "李某某", PHONE, "13800005678", "内部：先电话核实", "社保转移", "清城区税务局"):
        assert secret not in html, secret
    assert english_words(html) == []
