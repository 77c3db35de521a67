"""Which published guide cards answer a 事项, and linking a card to the problem it answers.

    for_service_item(item_id)            # the cards to offer at intake
    link(card, service_item_id, None)    # 「关联已有卡片」 from a 溯源分析 group
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext

from console.errors import ConsoleError
from extensions import db
from models import Department, GuideCard, ServiceItem


def published() -> list[GuideCard]:
    """Every published card, by title (what a coordinator may link to a problem)."""
    return list(db.session.execute(sa.select(GuideCard).where(GuideCard.is_published.is_(True))
                                   .order_by(GuideCard.title, GuideCard.id)).scalars())


def for_service_item(service_item_id: int | None) -> list[GuideCard]:
    """The published cards of a 事项 (none when no 事项 is given)."""
    if service_item_id is None:
        return []
    return list(db.session.execute(sa.select(GuideCard).where(GuideCard.serving(service_item_id))
                                   .order_by(GuideCard.id)).scalars())


def link(card: GuideCard | None, service_item_id: int | None, department_id: int | None) -> GuideCard:
    """Make a published `card` answer a 事项 (it then follows that 事项), or, for a problem that names no 事项,
    concern its 卡点单位. Raise ConsoleError, changing nothing, when the card or the target is not valid."""
    if card is None or not card.is_published:
        raise ConsoleError(gettext("Choose a published guide card."), fields={"card": gettext("Not valid.")})
    item = db.session.get(ServiceItem, service_item_id) if service_item_id is not None else None
    department = db.session.get(Department, department_id) if department_id is not None else None
    if item is None and department is None:
        raise ConsoleError(gettext("This problem names neither a service item nor a department; "
                                   "a guide card cannot be linked to it."))
    if item is not None:
        card.service_item = item
    else:
        card.department = department
    db.session.commit()
    return card
