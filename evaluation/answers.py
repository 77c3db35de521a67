"""A department's written answer to a record addressed to it: 整改反馈 to a 通报批评, 反馈 to a 督办单."""

from __future__ import annotations

from typing import Any

from console.validators import printable
from extensions import db
from models.base import acting_as

MAX_LENGTH = 5000


def record_answer(item: Any, raw: str | None, user_id: int, *, text_attr: str, at_attr: str, at: Any) -> bool:
    """Store the answer on `item` (text in `text_attr`, `at` in `at_attr`) as user `user_id` and commit.

    False, and nothing stored, when the text is empty, longer than MAX_LENGTH or holds control characters
    (console.validators.printable).
    """
    text = (raw or "").strip()
    if not text or printable(text) or len(text) > MAX_LENGTH:
        return False
    with acting_as(user_id):
        setattr(item, text_attr, text)
        setattr(item, at_attr, at)
        db.session.commit()
    return True
