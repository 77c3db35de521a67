"""The system account: the actor of CLI commands, seeds and scheduled jobs."""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Iterator

import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from extensions import db
from models.base import acting_as
from models.user import StaffUser

SYSTEM_USERNAME = "system"


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
