"""The 工作台 read from the summary (models/case_summary.py) says what a scan of the cases says.

Real roles act through the API (登记, 研判, 交办, 签收, 办结, 评价, 督办, 不予受理, 作废, 合并重复件); then the
tiles, the trend and every KPI on /dashboard/ for the coordinator, the leader and the tax bureau's handler equal
counts this test makes itself from the raw rows (its own SQL, its own reading of the definitions), and the summary
kept commit by commit equals the one `flask summary-rebuild` counts from scratch. Concurrent actions on the live
server (threads released together) leave it exact too.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections import Counter

import requests
import sqlalchemy as sa

from extensions import db
from kpi import charts
from kpi.periods import named
from models import CaseSummary
from models.enums import CaseStatus
from tests.live_support import live  # noqa: F401  (fixture)
from tests.test_concurrency import CLIENTS, _release_together, _token
from tests.test_dashboard import charts_of, tiles
from tests.workflow_support import ASSESS, NOW, RESOLVE, case_in, department
from workdays import clock

LATER = dt.datetime(2026, 3, 20, 10)
"""When the dashboards are read: the tax bureau's 5 working days from 2026-03-02 have passed."""
OPEN = ("received", "assessing", "assigned")
UNCOUNTED = ("voided", "merged")
CASE = {"description": "多次往返仍未办成", "channel": "window", "applicant_kind": "person", "applicant_name": "张三"}


def _ok(response) -> dict:
    assert response.status_code in (200, 201), response.get_data(as_text=True)
    return response.get_json()


def _register(window, title: str) -> tuple[int, str]:
    body = _ok(window.post("/api/v1/cases/", json={**CASE, "title": title}))
    pk = body.get("id")
    number = db.session.execute(sa.text('SELECT number FROM "case" WHERE id = :pk'), {"pk": pk}).scalar_one()
    return pk, number


def _act(client, pk: int, action: str, body: dict) -> None:
    _ok(client.post(f"/api/v1/cases/{pk}/actions/{action}", json=body))


def _story(api) -> None:
    """A morning at the window and the weeks after, every step as the role that takes it (作废: the admin)."""
    window, coordinator, handler = api("window"), api("coordinator"), api("handler_tax")
    tax = department("清城区税务局").id
    with clock.frozen_at(NOW):
        ids = {name: _register(window, f"汇总测试{name}") for name in "ABCDEFGH"}
        pk = {name: value[0] for name, value in ids.items()}
        for name in "ABCDE":
            _act(coordinator, pk[name], "assess", ASSESS)
        for name in "ABC":
            _act(coordinator, pk[name], "assign", {"lead_department_id": tax, "deadline_days": 5})
        for name in "AB":
            _act(handler, pk[name], "sign", {"department_id": tax})
        _act(coordinator, pk["D"], "resolve_on_spot", RESOLVE)
        _act(coordinator, pk["E"], "decline", {"reason": "涉诉", "redirect_to": "区法院"})
        _act(api("admin"), pk["G"], "void", {"reason": "登记有误"})
        _act(coordinator, pk["H"], "merge", {"main_case": ids["C"][1]})
    with clock.frozen_at(NOW + dt.timedelta(days=3)):
        _act(coordinator, pk["A"], "resolve", RESOLVE)
        _act(coordinator, pk["A"], "evaluate", {"satisfaction": "satisfied", "channel": "phone"})
        _act(coordinator, pk["B"], "resolve", RESOLVE)
        _act(coordinator, pk["D"], "evaluate", {"satisfaction": "unsatisfied", "channel": "phone"})
    with clock.frozen_at(NOW + dt.timedelta(days=10)):
        _act(coordinator, pk["C"], "supervise", {"department_id": tax, "supervision_level": "general",
                                                 "reason": "逾期未反馈"})
    db.session.remove()


# ---- the test's own reading of the rows -------------------------------------------------------------------

def _cases() -> list[dict]:
    query = sa.text('SELECT id, status, received_at, responded_at, response_due, resolved_at, due_date, '
                    'decline_reason, suspended, reopen_count, unreachable FROM "case"').columns(
        received_at=sa.DateTime, responded_at=sa.DateTime, response_due=sa.Date, resolved_at=sa.DateTime,
        due_date=sa.Date, suspended=sa.Boolean, unreachable=sa.Boolean)
    return [dict(row._mapping) for row in db.session.execute(query)]


def _ids(sql: str) -> set[int]:
    return set(db.session.execute(sa.text(sql)).scalars())


def _expected_figures(start: dt.date, end: dt.date, today: dt.date) -> dict[str, tuple[int, int | None]]:
    """KPI → (numerator, denominator), counted here from the rows as README「工作台与指标」 defines them."""
    evaluated = _ids("SELECT case_id FROM satisfaction")
    satisfied = _ids("SELECT case_id FROM satisfaction WHERE level IN ('very_satisfied', 'satisfied', "
                     "'basically_satisfied')")
    supervised, criticized = _ids("SELECT case_id FROM supervision"), _ids("SELECT case_id FROM criticism_case")
    rows = [c for c in _cases() if c["status"] not in UNCOUNTED and start <= c["received_at"].date() <= end]
    n = Counter()
    for c in rows:
        on_time_answer = c["responded_at"] is not None and c["response_due"] is not None \
            and c["responded_at"].date() <= c["response_due"]
        answer_due = c["responded_at"] is not None or (c["response_due"] is not None and c["response_due"] < today)
        finished = c["resolved_at"] is not None
        overdue = c["status"] in OPEN and not c["suspended"] and c["due_date"] is not None and c["due_date"] < today
        doable_due = c["decline_reason"] is None and (finished or overdue)
        on_time = finished and c["due_date"] is not None and c["resolved_at"].date() <= c["due_date"]
        n["received"] += 1
        n["response_den"] += answer_due
        n["response_num"] += answer_due and on_time_answer
        n["completion_den"] += doable_due
        n["completion_num"] += doable_due and finished
        n["on_time_num"] += doable_due and on_time
        n["evaluated"] += c["id"] in evaluated
        n["satisfied"] += c["id"] in evaluated and c["id"] in satisfied
        n["reopened"] += c["id"] in evaluated and c["reopen_count"] > 0
        n["supervised"] += c["id"] in supervised
        n["criticized"] += c["id"] in criticized
    return {"received": (n["received"], None), "response": (n["response_num"], n["response_den"]),
            "completion": (n["completion_num"], n["completion_den"]),
            "on_time": (n["on_time_num"], n["completion_den"]), "satisfaction": (n["satisfied"], n["evaluated"]),
            "reopen": (n["reopened"], n["evaluated"]), "supervised": (n["supervised"], None),
            "criticized": (n["criticized"], None)}


def _shown_figures(page: str) -> dict[str, tuple[int, int | None]]:
    """KPI → (numerator, denominator) as the leader's cards print them."""
    found = {}
    for name, card in re.findall(r'data-kpi="(\w+)">(.*?)kpi-previous', page, re.S):
        parts = {part: int(re.findall(r"\d+", text)[-1])
                 for part, text in re.findall(r'data-part="(\w+)" href="[^"]*">([^<]*)</a>', card)}
        found[name] = (parts["numerator"], parts.get("denominator"))
    return found


def _trend(page: str) -> Counter:
    """(year, status label) → cases, as the trend chart draws them."""
    chart = charts_of(page)["trend"]
    return Counter({(year, s["name"]): p["value"] for s in chart["series"]
                    for year, p in zip(chart["categories"], s["data"], strict=True) if p["value"]})


def _expected_trend(where: str = "") -> Counter:
    rows = db.session.execute(sa.text(f'SELECT c.received_at, c.status FROM "case" c WHERE c.status NOT IN '
                                      f"('voided', 'merged') {where}").columns(received_at=sa.DateTime))
    return Counter((str(at.year), str(CaseStatus(status).label)) for at, status in rows)


def _summary_rows() -> Counter:
    columns = [c for c in CaseSummary.__table__.c if c.name != "id"]
    return Counter(tuple(row) for row in db.session.execute(sa.select(*columns)))


# ---- the tests ----------------------------------------------------------------------------------------------

def test_every_roles_dashboard_equals_a_scan_of_the_cases_and_a_rebuild(app, app_ctx, api, as_user):
    _story(api)
    today = LATER.date()
    with clock.frozen_at(LATER):
        leader, coordinator, handler = as_user("leader"), as_user("coordinator"), as_user("handler_tax")
        for period, (start, end) in {"2026-03": (dt.date(2026, 3, 1), dt.date(2026, 3, 31)),
                                     "2025": (dt.date(2025, 1, 1), dt.date(2025, 12, 31))}.items():
            shown = _shown_figures(leader.get(f"/dashboard/?period={period}").get_data(as_text=True))
            assert shown == _expected_figures(start, end, today), period
        march = _shown_figures(leader.get("/dashboard/?period=2026-03").get_data(as_text=True))
        # hand count of March: A–F counted (G voided, H merged) = 6; answered A–E, F due since 03-03 → 5 of 6;
        # finished A, B; D reopened by its 不满意 verdict, C and F past their deadlines, E declined → 2 of 5;
        # verdicts: A satisfied, D not (and reopened) → 1 of 2 each
        assert march["received"] == (6, None) and march["response"] == (5, 6)
        assert march["completion"] == (2, 5) and march["satisfaction"] == (1, 2) and march["reopen"] == (1, 2)
        assert march["supervised"] == (1, None)

        leader_page = leader.get("/dashboard/?period=2026-03").get_data(as_text=True)
        assert _trend(leader_page) == _expected_trend()
        # the charts as kpi.charts draws them by scanning the cases
        span = named("2026-03")
        scanned = {c.name: c for c in charts.period_charts(span, today)}
        for name, drawn in charts_of(leader_page).items():
            values = [[p["value"] for p in s["data"]] for s in drawn["series"]]
            assert values == [[p.value for p in s.points] for s in scanned[name].series], name
            assert drawn["categories"] == [str(c) for c in scanned[name].categories], name

        page = coordinator.get("/dashboard/").get_data(as_text=True)
        work = {label: count for label, (count, _url) in tiles(page, "今日工作").items()}
        rows = [c for c in _cases() if c["status"] not in UNCOUNTED]
        assert work["待研判"] == sum(c["status"] == "received" for c in rows)
        assert work["已超期"] == sum(c["status"] in OPEN and not c["suspended"] and c["due_date"] is not None
                                    and c["due_date"] < today for c in rows)
        assert work["待回访"] == sum(c["status"] == "resolved" and not c["unreachable"] for c in rows)
        assert _trend(page) == _expected_trend()

        page = handler.get("/dashboard/").get_data(as_text=True)
        tax = department("清城区税务局").id
        mine = {label: count for label, (count, _url) in
                (tiles(page, "本部门交办事项") | tiles(page, "本部门时限与整改")).items()}
        pending = db.session.execute(sa.text(
            "SELECT count(*) FROM assignment WHERE department_id = :d AND status = 'pending'"), {"d": tax}).scalar()
        assert mine["待签收"] == pending
        assert _trend(page) == _expected_trend(
            "AND EXISTS (SELECT 1 FROM assignment a WHERE a.case_id = c.id AND a.department_id = "
            f"{tax} AND a.status != 'withdrawn')")

    kept = _summary_rows()
    db.session.remove()
    result = app.test_cli_runner().invoke(args=["summary-rebuild"])
    assert result.exit_code == 0 and "重新计算" in result.output, result.output
    assert _summary_rows() == kept


def test_concurrent_actions_keep_the_summary_exact(app, live):
    with app.app_context(), clock.frozen_at(NOW):
        cases = [case_in(CaseStatus.ASSESSING) for _ in range(CLIENTS // 2)]
        db.session.commit()
        ids, tax = [c.id for c in cases], department("清城区税务局").id
        supervised = case_in(CaseStatus.ASSIGNED)
        db.session.commit()
        target, version = supervised.id, supervised.version
    token = _token(live, "coordinator")
    barrier = threading.Barrier(len(ids))
    codes: list[int] = []

    def assign(pk: int) -> None:
        with requests.Session() as http:
            barrier.wait()
            answer = http.post(f"{live}/api/v1/cases/{pk}/actions/assign",
                               json={"lead_department_id": tax, "deadline_days": 5},
                               headers={"Authorization": f"Bearer {token}"}, timeout=120)
        codes.append(answer.status_code)

    with clock.frozen_at(NOW):
        threads = [threading.Thread(target=assign, args=(pk,)) for pk in ids]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        answers = _release_together(live, f"/api/v1/cases/{target}/actions/supervise",
                                    {"department_id": tax, "supervision_level": "general", "reason": "逾期未反馈",
                                     "version": version}, token)
    assert Counter(codes) == {200: len(ids)}, Counter(codes)
    assert Counter(a.status_code for a in answers) == {200: 1, 409: CLIENTS - 1}
    with app.app_context():
        kept = _summary_rows()
        assigned = db.session.execute(sa.select(sa.func.sum(CaseSummary.cases)).where(
            CaseSummary.dimension == "status", CaseSummary.value == "assigned",
            CaseSummary.department_id == tax, CaseSummary.received_on == NOW.date())).scalar()
        # the day's cases assigned to the tax bureau: the 20 assigned at once and the supervised one
        assert assigned == len(ids) + 1
        db.session.remove()
        assert app.test_cli_runner().invoke(args=["summary-rebuild"]).exit_code == 0
        assert _summary_rows() == kept
