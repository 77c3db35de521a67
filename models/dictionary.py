"""Dictionaries that admins edit without code: root-cause categories, decline reasons."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column

from console.declare import MenuGroup, Screen, field
from models.base import Model, Stamped, enum_type
from models.enums import DictionaryKind


class DictionaryEntry(Stamped, Model):
    """One entry of an admin-maintained list, e.g. 材料要求不清 (root cause)."""

    __tablename__ = "dictionary_entry"
    __table_args__ = (sa.UniqueConstraint("kind", "name"),)
    __screen__ = Screen(
        label=_l("Dictionaries"), item_label=_l("Dictionary entry"), route="/dictionaries",
        menu=MenuGroup.SYSTEM, icon="fa-list-ul", order=("sort_order", "asc"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[DictionaryKind] = mapped_column(
        enum_type(DictionaryKind), index=True, info=field(_l("Dictionary"), list=True, search=True),
    )
    name: Mapped[str] = mapped_column(sa.String(100), info=field(_l("Entry"), list=True, search=True))
    sort_order: Mapped[int] = mapped_column(default=100, info=field(_l("Sort order"), list=True))
    is_active: Mapped[bool] = mapped_column(default=True, info=field(_l("Active"), list=True, search=True))

    def __str__(self) -> str:
        return self.name
