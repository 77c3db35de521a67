"""The system account: the actor of CLI commands, seeds and scheduled jobs, kept out of the user screens."""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from flask import flash, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from werkzeug.security import generate_password_hash

from console.cache import request_cache
from extensions import db
from models.base import acting_as
from models.user import SYSTEM_USERNAME as SYSTEM_USERNAME  # declared with the model, used from here
from models.user import StaffUser

SYSTEM_ACCOUNT_REFUSED = _l("The system account acts for commands and scheduled jobs; it cannot be opened, "
                            "changed, deleted or given a new password.")


def system_user() -> StaffUser:
    """The inactive `system` account (created on first use); it can never log in."""
    user = db.session.execute(sa.select(StaffUser).where(StaffUser.username == SYSTEM_USERNAME)).scalar_one_or_none()
    if user is None:
        user = StaffUser(
            username=SYSTEM_USERNAME, first_name="系统", last_name="", email="system@localhost",
            active=False, password=generate_password_hash(secrets.token_urlsafe(32)),
        )
        db.session.add(user)
        db.session.commit()
    return user


@contextlib.contextmanager
def as_system() -> Iterator[StaffUser]:
    """Attribute every change inside the block to the system account."""
    user = system_user()
    with acting_as(user.id):
        yield user


def is_system_account(pk: Any) -> bool:
    """Whether a raw id (from a route, a query string or a form) names the system account."""
    try:
        wanted = int(str(pk).strip())
    except ValueError:
        return False
    cache = request_cache()
    if "system_account_id" not in cache:
        cache["system_account_id"] = db.session.execute(
            sa.select(StaffUser.id).where(StaffUser.username == SYSTEM_USERNAME)).scalar_one_or_none()
    return wanted == cache["system_account_id"]


class GuardsSystemAccount:
    """Mixin for FAB's user views: a request naming the system account is refused in Chinese.

    FAB reaches a user by id in several places that skip the list's filters (the
    record actions, the reset-password form), so the check runs before every
    route of the view rather than in each of them.
    """

    def create_blueprint(self, appbuilder: Any, endpoint: str | None = None, static_folder: str | None = None) -> Any:
        """FAB's blueprint, with the guard in front of every route."""
        blueprint = super().create_blueprint(appbuilder, endpoint=endpoint, static_folder=static_folder)
        blueprint.before_request(self._refuse_system_account)
        return blueprint

    def _refuse_system_account(self) -> Any:
        users = self.appbuilder.sm.user_view
        if users is None or not self.appbuilder.sm.has_access("can_list", users.class_permission_name):
            return None  # FAB's own check answers those who may not manage users
        named = [(request.view_args or {}).get("pk"), request.args.get("pk"), *request.form.getlist("rowid")]
        if not any(is_system_account(pk) for pk in named if pk):
            return None
        flash(str(SYSTEM_ACCOUNT_REFUSED), "danger")
        return redirect(url_for(f"{users.__class__.__name__}.list"))
