"""疑似重复: which cases a report may repeat — found at registration, shown in the list and on the add form.

    matches = likely_duplicates(case)      # a registered case, or one still being filled in

Two cases look like one matter when they were received within 30 days of each other (either way) and share
the applicant's phone number or ID number (身份证号, 统一社会信用代码; compared normalized, see
console.validators), or their titles are nearly the same once punctuation and spaces are dropped (difflib
ratio ≥ 0.8, or shared-bigram Jaccard ≥ 0.6). The candidates are read in SQL within the 30-day window
(`received_at` is indexed) and scored here; voided and merged cases are never candidates. Only the cases that
can match are scored (workflow/duplicate_index.py, with the argument that none is missed); an import reads
its candidates once (`batch`). No Flask request is needed: the add form's lookup, registration and the tests
all call these functions.
"""

from __future__ import annotations

import datetime as dt
import difflib
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from console.privacy import mask_value
from console.validators import normal_id_number, normal_phone
from extensions import db
from models import Case
from models.enums import UNCOUNTED_STATUSES
from workdays import clock
from workflow.duplicate_index import CandidateIndex

WINDOW = dt.timedelta(days=30)
"""How far apart two reports of one matter may be received."""
RATIO = 0.8
"""difflib's ratio of two titles from which they read as one."""
JACCARD = 0.6
"""Share of common character pairs (bigrams) of two titles from which they read as one."""
LIMIT = 5
"""How many likely duplicates a hint names, the likeliest first."""

REASONS = {
    "phone": _l("the same phone number"),
    "id_number": _l("the same ID number"),
    "credit_code": _l("the same unified social credit code"),
    "title": _l("a very similar title"),
}
"""Why two cases look alike, in the words of the hint."""
KEYS = {"phone": normal_phone, "id_number": normal_id_number, "credit_code": normal_id_number}
"""Case attribute (applicant_…) → the normalization two values are compared by."""
MASKS = {"phone": "phone", "id_number": "id_number", "credit_code": "credit_code"}


@dataclass(frozen=True)
class Match:
    """A case the report may repeat, and why."""

    case: Case
    reasons: tuple[str, ...]
    """Codes of REASONS, in their declared order."""

    @property
    def reason_labels(self) -> list[Any]:
        """The reasons as a person reads them."""
        return [REASONS[code] for code in self.reasons]


def title_key(title: str | None) -> str:
    """A title as compared: letters and digits only (Chinese characters are letters), lower case."""
    return "".join(ch for ch in (title or "").lower() if ch.isalnum())


def _bigrams(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1)} if len(text) > 1 else {text}


def titles_alike(a: str | None, b: str | None) -> bool:
    """Whether two titles read as one matter: difflib ratio ≥ RATIO or bigram Jaccard ≥ JACCARD."""
    left, right = title_key(a), title_key(b)
    if not left or not right:
        return False
    if left == right:
        return True
    ours, theirs = _bigrams(left), _bigrams(right)
    if len(ours & theirs) / len(ours | theirs) >= JACCARD:
        return True
    matcher = difflib.SequenceMatcher(None, left, right, autojunk=False)
    # The cheap upper bounds first: most candidates are nothing alike.
    return matcher.real_quick_ratio() >= RATIO and matcher.quick_ratio() >= RATIO and matcher.ratio() >= RATIO


def _applicant_keys(values: Any) -> dict[str, str]:
    """The normalized phone, ID number and credit code of a case (or of a row of its columns)."""
    keys = {}
    for name, normalize in KEYS.items():
        key = normalize(getattr(values, f"applicant_{name}" if name != "credit_code" else name))
        if key:
            keys[name] = key
    return keys


def _reasons(case: Case, keys: dict[str, str], other: Any) -> tuple[str, ...]:
    theirs = _applicant_keys(other)
    found = [name for name, key in keys.items() if theirs.get(name) == key]
    if titles_alike(case.title, other.title):
        found.append("title")
    return tuple(code for code in REASONS if code in found)


def likely_duplicates(case: Case, scope: Any = None, limit: int = LIMIT) -> list[Match]:
    """The counted cases received within 30 days of `case` (either way) that look like the same matter,
    the likeliest first (more reasons, then nearer in time); `scope` narrows them (an SQL condition on Case).
    Inside `batch` the import's index answers; else one is built over this case's window
    (workflow/duplicate_index.py: which cases are scored, and why that finds every match)."""
    received = case.received_at or clock.now()
    keys = _applicant_keys(case)
    if not keys and not title_key(case.title):
        return []
    index = _BATCH.get() if scope is None else None
    sharing = None
    if index is None:
        low, high = received - WINDOW, received + WINDOW
        prefilter = _may_share(keys)
        index = _index(low, high, scope, keyed=prefilter is None)
        if prefilter is not None:
            with db.session.no_autoflush:
                sharing = db.session.scalars(sa.select(Case.id).where(
                    Case.received_at >= low, Case.received_at <= high, prefilter)).all()
    chosen = index.likeliest(case, keys, received, limit, sharing)
    with db.session.no_autoflush:
        cases = {c.id: c for c in db.session.execute(
            sa.select(Case).where(Case.id.in_([pk for *_rest, pk, _r in chosen]))).scalars()} if chosen else {}
    return [Match(cases[pk], reasons) for *_rest, pk, reasons in chosen]


COLUMNS = {"phone": Case.applicant_phone, "id_number": Case.applicant_id_number, "credit_code": Case.credit_code}


def _may_share(keys: dict[str, str]) -> sa.ColumnElement[bool] | None:
    """An SQL condition true of every case that may share one of `keys` (and of a few more), or None when
    one key has no ASCII digit. A normalized key keeps each ASCII digit of the stored value, in order, and
    no other character normalizes to one (phones: `\\D` removed; IDs: spaces removed, `upper()` —
    checked over all of Unicode), so the stored value matches LIKE '%d%d%…%' over the key's digits."""
    conditions = []
    for name, key in keys.items():
        digits = [ch for ch in key if "0" <= ch <= "9"]
        if not digits:
            return None
        conditions.append(COLUMNS[name].like("%" + "%".join(digits) + "%"))
    return sa.or_(*conditions) if conditions else sa.false()


def _index(start: dt.datetime, end: dt.datetime, scope: Any = None, keyed: bool = True) -> CandidateIndex:
    """The counted cases received from `start` to `end` (within `scope`), indexed."""
    columns = (Case.id, Case.title, Case.applicant_phone, Case.applicant_id_number, Case.credit_code,
               Case.received_at)
    query = sa.select(*columns).where(
        Case.received_at >= start, Case.received_at <= end,
        Case.status.not_in([s.value for s in UNCOUNTED_STATUSES]),
        scope if scope is not None else sa.true())
    with db.session.no_autoflush:  # a case may be half-filled in the session (the add form, registration)
        rows = db.session.execute(query).all()
    return CandidateIndex(rows, sys.modules[__name__], keyed)


_BATCH: ContextVar[CandidateIndex | None] = ContextVar("duplicates_batch", default=None)


@contextmanager
def batch(received: Iterable[dt.datetime | None]) -> Iterator[None]:
    """Within the block, `flag` reads one index of the cases received within 30 days of any of these times
    (None: now) instead of querying per case; `flag`ged cases join it. Only for new cases whose compared
    fields and the others' statuses stay as they are until the block ends (an import)."""
    times = [at or clock.now() for at in received]
    if not times:
        yield
        return
    margin = WINDOW + dt.timedelta(days=1)  # `clock.now()` moves on while the block runs
    token = _BATCH.set(_index(min(times) - margin, max(times) + margin))
    try:
        yield
    finally:
        _BATCH.reset(token)


def flag(case: Case) -> Case | None:
    """Note on `case` the likeliest case it repeats (疑似重复 in the list), or clear the note; return it."""
    matches = likely_duplicates(case, limit=1)
    found = matches[0].case if matches else None
    index = _BATCH.get()
    if index is not None:
        index.add(case)
    if case.suspected_duplicate_of is not found:  # an unchanged note is no change: the version stays
        case.suspected_duplicate_of = found
    return found


COMPARED = frozenset({"title", "received_at", "applicant_phone", "applicant_id_number", "credit_code"})
"""The fields whose correction may make a case look like another, or no longer."""


def needs_flagging(changed: Iterable[str]) -> bool:
    """Whether a correction of these fields asks for `flag` again."""
    return bool(COMPARED & set(changed))


def hint(match: Match) -> dict[str, Any]:
    """What the add form and the case page may show of a likely duplicate: number, title, date, status, why,
    and the applicant's phone and ID only masked (个人信息最小必要)."""
    other = match.case
    return {
        "id": other.id, "number": other.number, "title": other.title,
        "received_at": other.received_at.strftime("%Y-%m-%d"), "status": str(other.status.label),
        "applicant_phone": mask_value(MASKS["phone"], other.applicant_phone) or "",
        "applicant_id_number": mask_value(MASKS["id_number"], other.applicant_id_number) or "",
        "reasons": [str(label) for label in match.reason_labels],
    }
