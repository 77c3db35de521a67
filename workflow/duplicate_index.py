"""The candidates of the 疑似重复 check, held in memory so a new case is compared with few of them.

    index = CandidateIndex(rows)               # counted cases: id, title, applicant keys, received_at
    chosen = index.likeliest(case, keys, received, limit)

`workflow/duplicates.py` scores a pair of cases (`_reasons`) and orders the matches by
(more reasons, nearer in time, smaller id). Comparing a new case with every case received
within 30 days meant ~4 000 difflib comparisons per case on 100 000 cases. This index finds
exactly the same matches, in the same order, while scoring only the cases that can match:

- Phone, ID number, credit code: a reason only when the normalized values are equal, so the
  cases sharing one are looked up by value (`by_key`) and scored in full.
- Title (`titles_alike`): Jaccard of the key's bigram sets ≥ 0.6, or difflib ratio ≥ 0.8.
  Jaccard ≥ 0.6 > 0 needs a shared bigram (a key of one character has that character as its
  only "bigram", and a 1-char "bigram" never equals a 2-char one). Without a shared bigram,
  difflib's matching blocks all have length 1 (a block of 2 would be a shared bigram), and two
  consecutive blocks (i, j), (i', j') with i < i', j < j' cannot have both i' = i + 1 and
  j' = j + 1 (again a shared bigram), so M blocks need a gap in at least one key between each
  pair: a + b ≥ 2M + (M − 1) = 3M − 1. Then 0.8 ≤ 2M/(a + b) ≤ 2M/(3M − 1) gives M ≤ 2
  (M = 1: 1, M = 2: 0.8, M = 3: 0.75, falling). M = 1: a + b ≤ 2/0.8 = 2.5, both keys one
  character. M = 2: a + b ≤ 4/0.8 = 5 with a, b ≥ 2, so both have at most 3 characters.
  Equal keys (`titles_alike`'s first test) share every bigram, or are one shared character.
  So a case can have the title reason only if its key shares a bigram with the new key, or
  both keys have length ≤ 3: every other case is skipped without difflib. The cases that pass
  this filter are still decided by `titles_alike` itself, unless its Jaccard (computed the same way)
  is below 0.6 and difflib's ratio is bounded below 0.8 by the lengths or the common characters
  (`_unlike`: the bounds difflib's real_quick_ratio and quick_ratio use).
- Order: a case sharing no applicant key has at most the one reason `title`, so once `limit`
  of those are found walking outward from the new case's time, every farther one ranks lower:
  the walk stops there (ties in time are all taken, then ordered by id).

An import builds one index over all the cases received within 30 days of any of its rows and
`add`s each registered row, so later rows see earlier ones exactly when the database would
(the row is flushed, i.e. has its id). A single registration builds one over its own window.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

SHORT = 3
"""Keys this long or shorter may read alike with no bigram in common (see above)."""


def bigrams(key: str) -> frozenset[str]:
    """The bigrams of a title key as `titles_alike` counts them (a 1-character key: the character)."""
    return frozenset(key[i:i + 2] for i in range(len(key) - 1)) if len(key) > 1 else frozenset({key})


@dataclass
class Entry:
    """One candidate case: what `_reasons` reads of it, and its title key's bigrams."""

    id: int
    title: str | None
    applicant_phone: str | None
    applicant_id_number: str | None
    credit_code: str | None
    received_at: dt.datetime
    key: str | None = None
    """The title key, computed when the walk first reaches the case."""
    grams: frozenset[str] = field(default_factory=frozenset)
    chars: Counter[str] | None = None


class CandidateIndex:
    """Counted cases by time, by normalized applicant key and by title bigram."""

    def __init__(self, rows: Iterable[Any], scoring: Any, keyed: bool = True) -> None:
        """`rows` carry the columns of Entry; `scoring` is workflow.duplicates (title_key, _applicant_keys,
        _reasons, titles_alike, WINDOW: the rules stay there, this only chooses whom they are applied to).
        Unless `keyed`, the applicant keys are not indexed: `likeliest` is then told which cases may share one."""
        self._scoring, self._keyed = scoring, keyed
        self._by_id: dict[int, Entry] = {}
        self._title_key, self._applicant_keys = scoring.title_key, scoring._applicant_keys
        self._entries: list[Entry] = []
        self._times: list[dt.datetime] = []
        self._ids: set[int] = set()
        self._by_key: dict[tuple[str, str], list[Entry]] = {}
        self._pending: list[Any] = []
        for row in sorted(rows, key=lambda r: (r.received_at, r.id)):
            self._insert(row)

    def _insert(self, row: Any) -> None:
        entry = Entry(row.id, row.title, row.applicant_phone, row.applicant_id_number, row.credit_code,
                      row.received_at)
        at = bisect.bisect_right(self._times, entry.received_at)
        self._times.insert(at, entry.received_at)
        self._entries.insert(at, entry)
        self._ids.add(entry.id)
        self._by_id[entry.id] = entry
        if self._keyed:
            for name, value in self._applicant_keys(row).items():
                self._by_key.setdefault((name, value), []).append(entry)

    def _title_of(self, entry: Entry) -> str:
        if entry.key is None:
            entry.key = self._title_key(entry.title)
            entry.grams = bigrams(entry.key) if entry.key else frozenset()
        return entry.key

    def add(self, case: Any) -> None:
        """A case just registered: a candidate for the next ones once it is in the database (has its id)."""
        self._pending.append(case)

    def _settle(self) -> None:
        waiting = []
        for case in self._pending:
            if case.id is None:
                waiting.append(case)
            elif case.id not in self._ids:
                self._insert(case)
        self._pending = waiting

    def likeliest(self, case: Any, keys: dict[str, str], received: dt.datetime, limit: int,
                  sharing: Iterable[int] | None = None) -> list[tuple[int, dt.timedelta, int, tuple[str, ...]]]:
        """The `limit` best (−reasons, distance, id, reasons) of the candidates within the window of
        `received`, as `likely_duplicates` orders them; `case` itself is never one. `sharing`: ids of every
        case that may share an applicant key with `case` (a superset), when the index holds no keys."""
        self._settle()
        low, high = received - self._scoring.WINDOW, received + self._scoring.WINDOW
        own = case.id
        scored, shared = [], set()
        if sharing is not None:
            alike = [[self._by_id[pk] for pk in sharing if pk in self._by_id]]
        else:
            alike = [self._by_key.get((name, value), ()) for name, value in keys.items()]
        for group in alike:
            for entry in group:
                if entry.id in shared or entry.id == own or not low <= entry.received_at <= high:
                    continue
                shared.add(entry.id)
                scored.append((-len(reasons), abs(entry.received_at - received), entry.id, reasons)
                              if (reasons := self._scoring._reasons(case, keys, entry)) else None)
        scored = [s for s in scored if s is not None]
        key = self._title_key(case.title)
        if key and limit > 0:
            scored += self._alike_titles(case, key, received, low, high, shared | {own}, limit)
        scored.sort()
        return scored[:limit]

    def _unlike(self, key: str, grams: frozenset[str], chars: Counter[str], entry: Entry) -> bool:
        """True only when `titles_alike` is sure to say no: Jaccard below the bar (computed as it does) and
        difflib's ratio bounded below RATIO by the keys' lengths and by their common characters (M ≤ both;
        difflib's own `real_quick_ratio` and `quick_ratio` bounds, in the same float arithmetic)."""
        scoring = self._scoring
        common = len(grams & entry.grams)
        if common / (len(grams) + len(entry.grams) - common) >= scoring.JACCARD:
            return False
        total = len(key) + len(entry.key)
        if 2.0 * min(len(key), len(entry.key)) / total < scoring.RATIO:
            return True
        if entry.chars is None:
            entry.chars = Counter(entry.key)
        return 2.0 * sum((chars & entry.chars).values()) / total < scoring.RATIO

    def _alike_titles(self, case: Any, key: str, received: dt.datetime, low: dt.datetime, high: dt.datetime,
                      skip: set[Any], limit: int) -> list[tuple[int, dt.timedelta, int, tuple[str, ...]]]:
        """The nearest cases (at least `limit`, all ties) whose only reason is the title, walking out in time."""
        titles_alike = self._scoring.titles_alike
        grams, short, chars = bigrams(key), len(key) <= SHORT, Counter(key)
        found: list[tuple[int, dt.timedelta, int, tuple[str, ...]]] = []
        entries, times = self._entries, self._times
        left = bisect.bisect_left(times, received) - 1
        right = left + 1
        while True:
            before = received - times[left] if left >= 0 and times[left] >= low else None
            after = times[right] - received if right < len(times) and times[right] <= high else None
            if before is None and after is None:
                return found
            if after is None or (before is not None and before <= after):
                entry, distance, left = entries[left], before, left - 1
            else:
                entry, distance, right = entries[right], after, right + 1
            if len(found) >= limit and distance > found[limit - 1][1]:
                return found
            if entry.id in skip or not self._title_of(entry):
                continue
            if grams.isdisjoint(entry.grams) and not (short and len(entry.key) <= SHORT):
                continue
            if self._unlike(key, grams, chars, entry):
                continue
            if titles_alike(case.title, entry.title):
                found.append((-1, distance, entry.id, ("title",)))
