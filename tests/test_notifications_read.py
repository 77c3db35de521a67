"""消息提醒: the demo's replayed history arrives read, and 「全部标为已读」 clears the rest in one click."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from extensions import db
from models import AuditLog, Notification
from models.enums import CaseStatus
from tests.helpers import visible_text
from tests.workflow_support import case_in, user
from workflow import notify


def _unread(username: str) -> int:
    db.session.expire_all()
    return db.session.execute(sa.select(sa.func.count()).select_from(Notification).where(
        Notification.user_id == user(username).id, Notification.read_at.is_(None))).scalar_one()


def test_the_demo_seed_leaves_no_unread_notification_of_replayed_history(app_ctx):
    # The seed replays 2021–2025 through the workflow, which notifies the coordinator of replies, extensions and
    # reopened cases: those happened long before the seed ran, so none of them waits unread.
    coordinator = user("coordinator")
    history = db.session.execute(sa.select(Notification).where(Notification.user_id == coordinator.id)).scalars().all()
    assert history, "the replay still records what would have been sent"
    assert all(n.created_at.year <= 2025 for n in history)
    assert _unread("coordinator") == 0
    assert all(n.read_at == n.created_at for n in history), "read at the moment it was sent, in the replay"


def test_a_replay_keeps_notifications_of_the_last_day_unread(app_ctx):
    # The seed's rule, seen from notify: history older than the horizon arrives read, what is newer does not.
    horizon = dt.datetime(2026, 3, 1, 9, 0)
    with notify.replaying_history(until=horizon):
        old = case_in(CaseStatus.ASSIGNED, at=dt.datetime(2026, 2, 27, 9, 0))   # a Friday: before the horizon
        recent = case_in(CaseStatus.ASSIGNED, at=dt.datetime(2026, 3, 2, 9, 0))
    notes = {case.id: db.session.execute(sa.select(Notification).where(Notification.case_id == case.id))
             .scalars().all() for case in (old, recent)}
    assert notes[old.id] and all(n.read_at is not None for n in notes[old.id])
    assert notes[recent.id] and all(n.read_at is None for n in notes[recent.id])
    live = case_in(CaseStatus.ASSIGNED, at=dt.datetime(2020, 1, 6, 9, 0))
    live = db.session.execute(sa.select(Notification).where(Notification.case_id == live.id)).scalars().all()
    assert live and all(n.read_at is None for n in live), "outside a replay, nothing is read on arrival"


def test_mark_all_read_is_one_post_with_an_audited_count(as_user, app_ctx):
    for _ in range(3):
        case_in(CaseStatus.ASSIGNED)  # each 交办 notifies 清城区税务局's handler once
    assert _unread("handler_tax") == 3
    client = as_user("handler_tax")
    page = client.get("/notifications/list/").get_data(as_text=True)
    assert "全部标为已读" in visible_text(page) and "/notifications/read-all" in page

    assert client.get("/notifications/read-all").status_code == 405, "a GET changes nothing"
    assert _unread("handler_tax") == 3
    response = client.post("/notifications/read-all")
    assert response.status_code == 302
    assert "已将 3 条消息标为已读" in visible_text(client.get(response.headers["Location"]).get_data(as_text=True))
    assert _unread("handler_tax") == 0
    assert _unread("coordinator") == 0
    row = db.session.execute(sa.select(AuditLog).where(AuditLog.operation == "read_all")).scalar_one()
    assert (row.username, row.model, row.changes) == ("handler_tax", "Notification", {"count": [None, 3]})
    assert "全部标为已读" not in visible_text(client.get("/notifications/list/").get_data(as_text=True)), \
        "nothing left to mark"


def test_mark_all_read_needs_the_form_token(app, as_user, app_ctx):
    case_in(CaseStatus.ASSIGNED)
    client = as_user("handler_tax")
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post("/notifications/read-all").status_code == 400
    assert _unread("handler_tax") == 1
