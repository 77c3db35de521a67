"""Saved filters: a named list query, kept by a user and shared with roles."""

from __future__ import annotations

import sqlalchemy as sa
from flask_appbuilder.security.sqla.models import Role
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from console.declare import MenuGroup, Screen, field
from models.base import Model, Stamped
from models.user import StaffUser

saved_filter_role = sa.Table(
    "saved_filter_role",
    Model.metadata,
    sa.Column("saved_filter_id", sa.ForeignKey("saved_filter.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("role_id", sa.ForeignKey("ab_role.id", ondelete="CASCADE"), primary_key=True),
)


class SavedFilter(Stamped, Model):
    """A list's filters and order saved under a name; visible to its owner and the roles it is shared with."""

    __tablename__ = "saved_filter"
    __owner__ = "owner_id"
    __screen__ = Screen(
        label=_l("Saved filters"), item_label=_l("Saved filter"), route="/saved-filters",
        menu=MenuGroup.EVALUATION, icon="fa-filter", order=("id", "desc"), can_add=False, export=False,
        menu_order=90,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(60), info=field(_l("Name"), list=True, search=True))
    view: Mapped[str] = mapped_column(sa.String(60), info=field(_l("Screen"), form=False, list=True))
    query: Mapped[str] = mapped_column(sa.String(2000), info=field(_l("Conditions"), form=False))
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("ab_user.id", ondelete="CASCADE"), index=True)
    owner: Mapped[StaffUser] = relationship(foreign_keys=[owner_id])
    shared_with: Mapped[list[Role]] = relationship(
        secondary=saved_filter_role, info=field(_l("Shared with roles"), list=True),
    )

    def __str__(self) -> str:
        return self.name
