"""Guide cards (办事指南卡片): printed answers to recurring questions."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from console.declare import MenuGroup, Screen, field
from models.base import Model, Stamped
from models.department import Department
from models.service_item import ServiceItem


class GuideCard(Stamped, Model):
    """A card at the help desk, born from 溯源分析 (e.g. 工伤追偿办理指南)."""

    __tablename__ = "guide_card"
    __screen__ = Screen(
        label=_l("Guide cards"), item_label=_l("Guide card"), route="/guide-cards",
        menu=MenuGroup.BASIC, icon="fa-id-card", order=("id", "desc"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(100), info=field(_l("Title"), list=True, search=True))
    question: Mapped[str] = mapped_column(
        sa.String(300), info=field(_l("Recurring question"), _l("What applicants keep asking"), list=True),
    )
    content: Mapped[str] = mapped_column(
        sa.Text, info=field(_l("Guide text"), _l("Steps, addresses and phone numbers of the units"),
                            textarea=True),
    )
    service_item_id: Mapped[int | None] = mapped_column(sa.ForeignKey("service_item.id"))
    service_item: Mapped[ServiceItem | None] = relationship(info=field(_l("Service item"), search=True))
    department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("department.id"))
    department: Mapped[Department | None] = relationship(
        info=field(_l("Department concerned"), list=True, search=True),
    )
    location: Mapped[str | None] = mapped_column(
        sa.String(100), info=field(_l("Where it is placed"), _l("e.g. 一楼导办台")),
    )
    is_published: Mapped[bool] = mapped_column(
        default=True, info=field(_l("Published"), list=True, search=True),
    )

    @classmethod
    def serving(cls, service_item_id: int | None, department_id: int | None = None) -> Any:
        """The published cards answering a matter: those of its 事项; when no 事项 is known, those of the
        department it concerns."""
        if service_item_id is not None:
            return sa.and_(cls.is_published.is_(True), cls.service_item_id == service_item_id)
        if department_id is not None:
            return sa.and_(cls.is_published.is_(True), cls.department_id == department_id)
        return sa.false()

    def __str__(self) -> str:
        return self.title
