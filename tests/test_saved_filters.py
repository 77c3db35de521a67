"""常用筛选: every role that has a list keeps its own filters; sharing with roles is for 领导 and 系统管理员."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from access.roles import COORDINATOR, ROLES
from extensions import db
from models import SavedFilter
from tests.helpers import english_words

USERS = {"window": "窗口人员", "coordinator": "协调专员", "handler_tax": "承办人员", "leader": "领导"}


def _saved(name: str) -> SavedFilter:
    db.session.expire_all()
    return db.session.execute(sa.select(SavedFilter).where(SavedFilter.name == name)).scalar_one()


@pytest.mark.parametrize("username", sorted(USERS))
def test_every_role_with_a_list_opens_its_saved_filters(as_user, username):
    client = as_user(username)
    assert "can_list" in {p for perms in ROLES[USERS[username]].values() for p in perms}
    answer = client.get("/saved-filters/list/")
    assert answer.status_code == 200, username
    assert not english_words(answer.get_data(as_text=True))


def test_a_coordinator_saves_renames_and_deletes_own_filters(as_user, app_ctx):
    coordinator = as_user("coordinator")
    coordinator.post("/cases/save-filter", data={"name": "本周超期", "query": "quick=overdue"})
    pk = _saved("本周超期").id
    assert "本周超期" in coordinator.get("/saved-filters/list/").get_data(as_text=True)
    assert coordinator.post(f"/saved-filters/edit/{pk}", data={"name": "超期事项"}).status_code == 302
    assert _saved("超期事项").query == "quick=overdue"
    assert coordinator.post(f"/saved-filters/delete/{pk}").status_code == 302
    db.session.expire_all()
    assert db.session.get(SavedFilter, pk) is None


def test_only_leaders_and_admins_share_filters_with_roles(app, as_user, app_ctx):
    coordinator_role = app.appbuilder.sm.find_role(COORDINATOR)
    coordinator = as_user("coordinator")
    form = coordinator.get("/cases/list/").get_data(as_text=True)
    assert 'name="shared_with"' not in form
    coordinator.post("/cases/save-filter", data={"name": "协调私藏", "query": "quick=overdue",
                                                 "shared_with": [str(coordinator_role.id)]})
    saved = _saved("协调私藏")
    assert saved.shared_with == []
    edit = coordinator.get(f"/saved-filters/edit/{saved.id}").get_data(as_text=True)
    assert 'name="shared_with"' not in edit
    coordinator.post(f"/saved-filters/edit/{saved.id}", data={"name": "协调私藏",
                                                              "shared_with": [str(coordinator_role.id)]})
    assert _saved("协调私藏").shared_with == []
    leader_form = as_user("leader").get("/cases/list/").get_data(as_text=True)
    assert 'name="shared_with"' in leader_form
