"""The demo district reproduces the article's figures and the Yang timeline."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from extensions import db
from models import Case, CaseEvent, Department, StaffUser
from models.enums import CaseAction, CaseStatus, ProblemType
from seed import district


def _year_counts() -> dict[int, int]:
    rows = db.session.execute(sa.select(Case.received_at)).scalars()
    counts: dict[int, int] = {}
    for received in rows:
        counts[received.year] = counts.get(received.year, 0) + 1
    return counts


def test_sixty_cases_split_as_in_the_article(app_ctx):
    counts = _year_counts()
    assert sum(counts.values()) == 60
    assert counts[2021] == 30
    assert counts[2024] == 5
    assert counts[2025] == 3
    assert counts[2022] + counts[2023] == 22
    first = db.session.execute(sa.select(sa.func.min(Case.received_at))).scalar_one()
    assert first >= dt.datetime(2021, 5, 1), "the window opened in May 2021"


def test_every_demo_account_exists_with_its_role_and_department(app_ctx):
    for account in district.ACCOUNTS:
        user = db.session.execute(sa.select(StaffUser).where(StaffUser.username == account.username)).scalar_one()
        assert [r.name for r in user.roles] == [account.role]
        assert user.department.name == account.department


def test_district_units_include_the_towns_banks_and_regulator(app_ctx):
    names = set(db.session.execute(sa.select(Department.name)).scalars())
    for town in ["凤城街道", "东城街道", "洲心街道", "横荷街道", "源潭镇", "龙塘镇", "石角镇", "飞来峡镇"]:
        assert town in names
    assert {district.TAX, district.HRSS, district.SOCIAL, district.REGULATOR, district.CENTER, district.BUREAU} <= names
    assert {district.BANK_A, district.BANK_B} <= names


def test_yang_case_carries_its_timeline_with_real_dates(app_ctx):
    case = db.session.execute(sa.select(Case).where(Case.title.like("杨女士%"))).scalar_one()
    assert case.status == CaseStatus.ARCHIVED
    events = [(e.at.date(), e.action) for e in case.events]
    assert events[0] == (dt.date(2022, 12, 6), CaseAction.RECEIVE)
    assert (dt.date(2023, 3, 31), CaseAction.ASSIGN) in events
    assert (dt.date(2025, 1, 23), CaseAction.RESUME) in events, "resubmitted 2025-01-23"
    assert any(d.year == 2024 and d.month == 1 and a == CaseAction.RESUME for d, a in events), \
        "labour contract found early 2024"
    assert any(d.year == 2024 and d.month == 12 and a == CaseAction.RESUME for d, a in events), \
        "bank statements obtained December 2024"
    assert any(d.year == 2025 and d.month == 3 and a == CaseAction.SIGN for d, a in events), \
        "tax bureau formally accepted early March 2025"
    assert any(d.year == 2025 and d.month == 6 and a == CaseAction.RESOLVE for d, a in events), \
        "completed June 2025"
    assert len(events) >= 10
    assert [e.at for e in case.events] == sorted(e.at for e in case.events)
    assert "152" in case.description and "2009年4月10日" in case.description
    regulator_assigned = [a for a in case.assignments if a.department.name == district.REGULATOR]
    assert regulator_assigned, "the regulator's Qingyuan branch helped with the bank statements"


def test_recurring_injury_compensation_consultations(app_ctx):
    injury = db.session.execute(sa.select(Case).where(Case.title.like("%工伤追偿%"))).scalars().all()
    assert len(injury) >= 2
    assert all(c.problem_type in (None, ProblemType.CONSULT) for c in injury)


def test_seed_is_idempotent(app_ctx):
    from access.system import as_system
    from seed.demo import seed_all

    before = (db.session.scalar(sa.select(sa.func.count()).select_from(Case)),
              db.session.scalar(sa.select(sa.func.count()).select_from(CaseEvent)),
              db.session.scalar(sa.select(sa.func.count()).select_from(StaffUser)))
    with as_system():
        report = seed_all("Another-Passw0rd!")
    after = (db.session.scalar(sa.select(sa.func.count()).select_from(Case)),
             db.session.scalar(sa.select(sa.func.count()).select_from(CaseEvent)),
             db.session.scalar(sa.select(sa.func.count()).select_from(StaffUser)))
    assert report.cases_created == 0 and report.new_accounts == []
    assert before == after


def test_every_demo_case_happens_in_time_order(app_ctx):
    """No step precedes the one before it: nothing is assessed, assigned or resolved before it was received."""
    rows = db.session.execute(sa.select(Case.number, CaseEvent.at, CaseEvent.action).join(CaseEvent.case)
                              .order_by(Case.number, CaseEvent.id)).all()
    pairs = zip(rows[1:], rows, strict=False)
    backwards = [(number, action.value, at) for (number, at, action), (before, earlier, _a) in pairs
                 if number == before and at < earlier]
    assert backwards == []
