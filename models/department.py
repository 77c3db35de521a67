"""Departments and units (部门/单位): the hall windows, back offices, towns, banks …"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from console.declare import MenuGroup, QuickFilter, Screen, display, field
from models.base import Model, Stamped, enum_type
from models.enums import DepartmentKind


class Department(Stamped, Model):
    """A unit that cases are handed to, hierarchical through `parent`.

    A department is never deleted once it has history: it is deactivated,
    keeps its cases and is no longer offered for new assignments.
    """

    __tablename__ = "department"
    __screen__ = Screen(
        label=_l("Departments"), item_label=_l("Department"), route="/departments",
        menu=MenuGroup.BASIC, icon="fa-sitemap", api="departments", order=("sort_order", "asc"),
        quick_filters=(
            QuickFilter("active", _l("Active"), lambda: Department.is_active.is_(True)),
            QuickFilter("inactive", _l("Deactivated"), lambda: Department.is_active.is_(False)),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(
        sa.String(100), unique=True,
        info=field(_l("Name"), _l("Full official name, e.g. 清城区税务局"), list=True, search=True),
    )
    short_name: Mapped[str | None] = mapped_column(
        sa.String(30), info=field(_l("Short name"), _l("Used in tight tables and notices")),
    )
    kind: Mapped[DepartmentKind] = mapped_column(
        enum_type(DepartmentKind), index=True,
        info=field(_l("Kind"), list=True, search=True),
    )
    parent_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("department.id"), index=True,
    )
    parent: Mapped[Department | None] = relationship(
        remote_side=[id], back_populates="children",
        info=field(_l("Parent unit"), list=True, search=True,
                   choices_filter=lambda: Department.is_active.is_(True)),
    )
    children: Mapped[list[Department]] = relationship(back_populates="parent")
    contact_phone: Mapped[str | None] = mapped_column(
        sa.String(30), info=field(_l("Contact phone")),
    )
    sort_order: Mapped[int] = mapped_column(
        default=100, info=field(_l("Sort order"), _l("Smaller numbers come first")),
    )
    is_active: Mapped[bool] = mapped_column(
        default=True, index=True,
        info=field(_l("Active"), _l("Deactivated units keep their history but receive no new assignments"),
                   list=True, search=True),
    )
    description: Mapped[str | None] = mapped_column(
        sa.Text, info=field(_l("Remarks"), textarea=True),
    )

    @display(_l("Position in hierarchy"), list=False, show=True)
    def path(self) -> str:
        """The unit's place in the hierarchy: 清城区 / 清城区税务局."""
        names, node, seen = [], self, set()
        while node is not None and node.id not in seen:
            seen.add(node.id)
            names.append(node.name)
            node = node.parent
        return " / ".join(reversed(names))

    def __str__(self) -> str:
        if self.is_active is False:
            return gettext("%(name)s (deactivated)", name=self.name)
        return self.name
