"""`flask seed-demo`: the Qingcheng district and its 60 cases, idempotent."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import current_app

from access.sync import sync_permissions
from extensions import db
from seed import district
from workdays import clock

HISTORY_HORIZON = dt.timedelta(days=1)
"""Notifications of replayed steps older than this before the seed runs are written as read."""


@dataclass
class SeedReport:
    """What a seed run created."""

    new_accounts: list[str]
    cases_created: int


def seed_all(password: str) -> SeedReport:
    """Create whatever of the demo district is missing. Runs as the system account."""
    sync_permissions(current_app.appbuilder)
    from models import StaffUser

    before = {u.username for u in db.session.query(StaffUser.username)}
    departments = district.seed_departments()
    users = district.seed_accounts(departments, password)
    items = district.seed_catalog(departments)
    district.seed_guide_card(departments, items)
    today = clock.today()
    district.seed_duty_rota(today - dt.timedelta(days=14), today + dt.timedelta(days=45))
    db.session.commit()
    from seed.cases import seed_cases
    from workflow.notify import replaying_history

    # The stories happened long ago: what they notified is history, not work waiting (only the last day's is).
    with replaying_history(until=clock.now() - HISTORY_HORIZON):
        created = seed_cases(departments, users, items)
    db.session.commit()
    from seed.evaluations import seed_criticisms, seed_evaluations

    seed_criticisms()
    seed_evaluations()
    new_accounts = [a.username for a in district.ACCOUNTS if a.username not in before]
    return SeedReport(new_accounts, created)
