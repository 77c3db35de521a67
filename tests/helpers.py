"""Small helpers shared by the tests."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import sqlalchemy as sa

from extensions import db
from models import Case


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        # <code> holds machine text shown verbatim (a browser's User-Agent), not words a person is meant to read.
        if tag in ("script", "style", "code"):
            self._skip += 1
        for name, value in attrs:
            if name in ("title", "placeholder", "data-text", "data-placeholder") and value:
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "code") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    """What a person reads on the page: text nodes plus titles and placeholders."""
    parser = _Text()
    parser.feed(html)
    return " ".join(p.strip() for p in parser.parts if p.strip())


ALLOWED_LATIN = {"Excel", "xlsx", "docx", "CSV", "BBC", "GD", "QY12345", "YSX", "JSON", "API", "ID"}


def english_words(html: str) -> list[str]:
    """Latin words of 4+ letters a Chinese user would see (codes, file types and the
    demo data's user names and e-mail addresses excepted)."""
    from seed.district import ACCOUNTS, EXTRA_COORDINATORS

    text = re.sub(r"\S+@\S+", " ", visible_text(html))
    for username in [a.username for a in ACCOUNTS + EXTRA_COORDINATORS] + ["system"]:
        text = re.sub(rf"\b{username}\b", " ", text)
    words = re.findall(r"[A-Za-z]{4,}", text)
    return [w for w in words if w not in ALLOWED_LATIN and not w.isupper()]


def case_where(*conditions: object) -> Case:
    """The first case matching the conditions (by id)."""
    return db.session.execute(sa.select(Case).where(*conditions).order_by(Case.id)).scalars().first()


def yang_case() -> Case:
    """The Yang case of the article."""
    return case_where(Case.title.like("杨女士%"))
