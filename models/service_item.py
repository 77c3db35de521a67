"""The catalog of 政务服务事项 (事项库) a case can concern."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from console.declare import MenuGroup, Screen, field
from models.base import Model, Stamped
from models.department import Department


class ServiceItem(Stamped, Model):
    """A government service with its responsible department; problems are counted per item."""

    __tablename__ = "service_item"
    __screen__ = Screen(
        label=_l("Service items"), item_label=_l("Service item"), route="/service-items",
        menu=MenuGroup.BASIC, icon="fa-book", api="service-items", order=("code", "asc"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(
        sa.String(40), unique=True,
        info=field(_l("Item code"), _l("Code in the provincial service catalog"), list=True, search=True),
    )
    name: Mapped[str] = mapped_column(
        sa.String(200), index=True, info=field(_l("Item name"), list=True, search=True),
    )
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("department.id"), index=True)
    department: Mapped[Department] = relationship(
        info=field(_l("Responsible department"), list=True, search=True,
                   choices_filter=lambda: Department.is_active.is_(True)),
    )
    is_active: Mapped[bool] = mapped_column(
        default=True, info=field(_l("Active"), list=True, search=True),
    )
    description: Mapped[str | None] = mapped_column(sa.Text, info=field(_l("Remarks"), textarea=True))

    def __str__(self) -> str:
        return self.name
