"""N-gram search: text cut into one- and two-character tokens, so that a substring query is an index lookup.

`LIKE '%社保%'` reads every row; a word index cannot find 2-character Chinese
words (there are no spaces), and pg_trgm needs 3 characters. Here every text is
stored beside its row as the set of its characters and of its adjacent
character pairs (`text_tokens`), both databases index that same token text
(FTS5 on SQLite, a GIN-indexed tsvector on PostgreSQL; models/case_search.py),
and a query becomes the AND of its tokens (`query_tokens`):

- 1 or 2 characters: one token, which the text holds exactly when it holds the
  query — the index answers alone (`answers_exactly`), unless the query has a
  letter with upper and lower case, where the databases' ILIKE rules differ
  (SQLite folds only A–Z);
- 3 or more: the AND of its pairs finds every text holding the query and a
  few more (「社保卡」 and 「卡社保」 both hold 社保 and 保卡), so LIKE then checks
  only the rows the index found.

Tokens are the characters themselves, folded to lower case; an ASCII space or
punctuation mark, which tokenizers would drop, is moved to the Private Use
Area (U+E000 + its code), so a token is always one unbroken word.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_PRIVATE = 0xE000


def _fold(char: str) -> str:
    lower = char.lower()
    if len(lower) != 1:  # İ → i̇: keep the character as it is
        lower = char
    if lower.isascii() and not lower.isalnum():
        return chr(_PRIVATE + ord(lower))
    return lower


def fold(text: str) -> str:
    """`text` as the index stores it: lower case, ASCII spaces and marks moved out of a tokenizer's way."""
    return "".join(_fold(c) for c in text)


def text_tokens(text: str | None) -> str:
    """The distinct characters and adjacent pairs of `text`, space-separated (what the index holds)."""
    folded = fold(text or "")
    tokens = set(folded)
    tokens.update(folded[i:i + 2] for i in range(len(folded) - 1))
    return " ".join(sorted(tokens))


def query_tokens(query: str) -> list[str]:
    """The tokens a text must hold to contain `query`: the query itself up to 2 characters, else its pairs."""
    folded = fold(query)
    if len(folded) <= 2:
        return [folded] if folded else []
    return sorted({folded[i:i + 2] for i in range(len(folded) - 1)})


def answers_exactly(query: str) -> bool:
    """Whether the index alone gives exactly what ILIKE would, on both databases."""
    return 0 < len(query) <= 2 and all(c.lower() == c.upper() and not _PRIVATE <= ord(c) < _PRIVATE + 128
                                       for c in query)


SearchCondition = Callable[[str], Any]
"""Given a query, the WHERE clause that finds the rows whose column contains it (index lookup, maybe + LIKE)."""

_INDEXED: dict[tuple[type, str], SearchCondition] = {}


def register_index(model: type, column: str, condition: SearchCondition) -> None:
    """Declare that `model.column`'s contains-search goes through an n-gram index (models call this)."""
    _INDEXED[(model, column)] = condition


def indexed_search(model: type, column: str) -> SearchCondition | None:
    """The index-backed condition builder of `model.column`, if it has one."""
    return _INDEXED.get((model, column))
