"""Shared building blocks of the models: metadata naming, labelled enums, stamps.

All models derive from FAB's declarative `Model` so that foreign keys to
`ab_user` resolve and one metadata holds every table for migrations.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import enum
from collections.abc import Iterator
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import g, has_app_context
from flask_appbuilder.models.sqla import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from console.declare import field
from console.identity import request_user
from workdays.clock import now

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
# The metadata is FAB's and shared with its security tables; giving it a naming
# convention before those tables are declared makes every constraint name
# stable, so Alembic migrations are reproducible on SQLite and PostgreSQL.
Model.metadata.naming_convention = NAMING_CONVENTION

__all__ = ["Model", "LabeledEnum", "enum_type", "Stamped", "current_actor_id", "acting_as", "E"]

E = TypeVar("E", bound="LabeledEnum")


class LabeledEnum(str, enum.Enum):
    """An enum stored as a stable English code and shown by its Chinese label.

        class Channel(LabeledEnum):
            WINDOW = "window", _l("On-site window")
    """

    label: Any

    def __new__(cls, code: str, label: Any) -> LabeledEnum:
        obj = str.__new__(cls, code)
        obj._value_ = code
        obj.label = label
        return obj

    def __str__(self) -> str:
        return str(self.label)

    def __html__(self) -> str:
        from markupsafe import escape

        return str(escape(str(self.label)))

    @classmethod
    def choices(cls) -> list[tuple[str, Any]]:
        """(code, label) pairs for select boxes."""
        return [(m.value, m.label) for m in cls]

    @classmethod
    def codes(cls) -> list[str]:
        """Every stable code, in declaration order."""
        return [m.value for m in cls]

    @classmethod
    def parse(cls: type[E], value: Any) -> E | None:
        """The member for a code (or member), None for anything else."""
        if isinstance(value, cls):
            return value
        try:
            return cls(value)
        except (ValueError, TypeError):
            return None


def enum_type(enum_cls: type[LabeledEnum]) -> sa.Enum:
    """A portable column type storing the enum's codes as VARCHAR."""
    return sa.Enum(
        enum_cls,
        values_callable=lambda e: [m.value for m in e],
        native_enum=False,
        length=32,
        validate_strings=True,
        name=enum_cls.__name__.lower(),
    )


def current_actor_id() -> int | None:
    """The user on whose behalf the database is changed right now.

    In a request it is the logged-in user; CLI commands and seeds set
    `g.actor_id` to the system account before they write.
    """
    if not has_app_context():
        return None
    actor = g.get("actor_id")
    if actor is not None:
        return actor
    user = request_user()
    return user.id if user is not None else None


@contextlib.contextmanager
def acting_as(user_id: int) -> Iterator[None]:
    """Stamp every change inside the block with `user_id` (services pass their actor)."""
    previous = g.get("actor_id")
    g.actor_id = user_id
    try:
        yield
    finally:
        if previous is None:
            g.pop("actor_id", None)
        else:
            g.actor_id = previous


def _required_actor_id() -> int:
    actor = current_actor_id()
    if actor is None:
        raise RuntimeError("No acting user: log in, or run inside `as_system()`.")
    return actor


class Stamped:
    """Creation and change stamps: when and by whom (never NULL)."""

    created_at: Mapped[dt.datetime] = mapped_column(
        sa.DateTime, default=now, nullable=False,
        info=field(_l("Created at"), form=False, show=True),
    )
    updated_at: Mapped[dt.datetime] = mapped_column(
        sa.DateTime, default=now, onupdate=now, nullable=False,
        info=field(_l("Updated at"), form=False, show=True),
    )

    @declared_attr
    def created_by_id(cls) -> Mapped[int]:
        return mapped_column(
            sa.ForeignKey("ab_user.id"), default=_required_actor_id, nullable=False,
            info=field(_l("Created by"), form=False, show=False, api=False),
        )

    @declared_attr
    def updated_by_id(cls) -> Mapped[int]:
        return mapped_column(
            sa.ForeignKey("ab_user.id"), default=_required_actor_id,
            onupdate=_required_actor_id, nullable=False,
            info=field(_l("Updated by"), form=False, show=False, api=False),
        )
