"""办理进度查询: what the applicant may learn about a case without logging in.

The applicant gives the case number (on the 受理回执) and the last 4 digits of the phone number given at
受理. A wrong pair answers exactly like an unknown number (same query, same comparison, same answer), so the
page cannot be used to find out which numbers exist. What it shows is the case's step on the 7-step path,
the day each step was reached and the deadline: no name, no phone, no title (titles name people), no
department and no note. Every lookup is one audit row: the number asked and whether it was found; the
digits are never stored. Wrong pairs are counted per number (`workflow/progress_guard.py`): a locked number
answers 「未查到」 with the rate-limit wording, whatever the digits.

    answer = look_up(query, guard)  # a LookupQuery from parse_query(); answer.progress None: 「未查到」
"""

from __future__ import annotations

import datetime as dt
import hmac
import re
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext

from access.audit import record
from console.validators import without_control_characters
from extensions import db
from models import Case, CaseEvent
from models.audit import AuditOperation
from models.enums import CaseStatus
from workflow.progress_guard import NumberGuard

PATH = (CaseStatus.RECEIVED, CaseStatus.ASSESSING, CaseStatus.ASSIGNED, CaseStatus.RESOLVED,
        CaseStatus.EVALUATED, CaseStatus.SUMMARIZED, CaseStatus.ARCHIVED)
"""受理 → 研判 → 交办 → 办结 → 评价 → 总结 → 归档, the steps the page draws."""
HIDDEN = frozenset({CaseStatus.VOIDED})
"""A case registered in error (作废) answers 「未查到」: it is no matter of the applicant's any more."""
TAIL = 4
"""How many last digits of the phone number the applicant gives."""
NUMBER_MAX = 20
"""Longest case number accepted (Case.number's length)."""
_NO_PHONE = "\0" * TAIL
"""Compared against when there is no case or no phone: never equal to 4 digits, same work as a real check."""


@dataclass(frozen=True)
class LookupQuery:
    """A well-formed lookup: a case number and the phone's last digits."""

    number: str
    tail: str


@dataclass(frozen=True)
class Step:
    """One step of the path: its name, the day it was (last) reached, whether the case stands there now."""

    label: Any
    reached_on: dt.date | None
    current: bool


@dataclass(frozen=True)
class MainCase:
    """Where the applicant of a merged duplicate follows their matter: the main case's number and its current
    step (None when the main case is no matter of the public any more, 作废) — nothing else of it."""

    number: str
    step: Any


MERGE_HOPS = 5
"""How far a chain of merges is followed (a main case merged later into another)."""


@dataclass(frozen=True)
class Progress:
    """What the public page shows of one case."""

    number: str
    received_on: dt.date
    status: CaseStatus
    steps: tuple[Step, ...]
    due_date: dt.date | None
    suspended: bool
    declined_on: dt.date | None
    merged_into: MainCase | None = None

    @property
    def closed_early(self) -> bool:
        """不予受理: the case left the path at 受理/研判."""
        return self.status == CaseStatus.DECLINED

    @property
    def awaiting_assessment(self) -> bool:
        """Still at 受理: the deadline shown is the 研判 one (响应时限), not yet the case's 办结时限."""
        return self.status == CaseStatus.RECEIVED

    @property
    def open(self) -> bool:
        """Still being handled: the deadline is the one to wait for."""
        return self.status.is_open


def parse_query(number: str | None, tail: str | None) -> tuple[LookupQuery | None, dict[str, str]]:
    """(query, {}) for well-formed input, else (None, field → Chinese message); (None, {}) when both are empty."""
    number = (number or "").strip().upper()
    tail = (tail or "").strip()
    if not number and not tail:
        return None, {}
    problems = {}
    if not number or len(number) > NUMBER_MAX or without_control_characters(number) != number:
        problems["number"] = gettext("Enter the case number printed on the receipt, e.g. BBC-2025-0003.")
    if not re.fullmatch(rf"\d{{{TAIL}}}", tail):
        problems["phone"] = gettext("Enter the last 4 digits of the phone number given at registration.")
    return (None, problems) if problems else (LookupQuery(number, tail), {})


@dataclass(frozen=True)
class Answer:
    """What a lookup answers: the progress (None: 「未查到」), and whether the number was locked."""

    progress: Progress | None
    locked: bool = False


def look_up(query: LookupQuery, guard: NumberGuard | None = None) -> Answer:
    """The case's progress if the number exists, is not locked by `guard` and the digits match its phone;
    logged either way. A wrong pair counts against the number (existing or not)."""
    if guard is not None and guard.locked(query.number):
        record(db.session, AuditOperation.PROGRESS_LOOKUP.value, "Case", None,
               {"asked": [None, query.number], "found": [None, False], "locked": [None, True]})
        db.session.commit()
        return Answer(None, locked=True)
    case = db.session.execute(sa.select(Case).where(Case.number == query.number)).scalar_one_or_none()
    stored = _tail(case.applicant_phone) if case is not None and case.status not in HIDDEN else None
    matches = hmac.compare_digest((stored or _NO_PHONE).encode(), query.tail.encode()) and stored is not None
    record(db.session, AuditOperation.PROGRESS_LOOKUP.value, "Case", case.id if matches else None,
           {"asked": [None, query.number], "found": [None, matches]})
    db.session.commit()
    if not matches and guard is not None:
        guard.missed(query.number)
    return Answer(progress_of(case) if matches else None)


def _tail(phone: str | None) -> str | None:
    digits = re.sub(r"\D", "", phone or "")
    return digits[-TAIL:] if len(digits) >= TAIL else None


def progress_of(case: Case) -> Progress:
    """The case on the 7-step path: each step reached (to the current one) with the last day it was reached."""
    reached: dict[CaseStatus, dt.date] = {CaseStatus.RECEIVED: case.received_at.date()}
    events = db.session.execute(sa.select(CaseEvent.to_status, CaseEvent.at).where(
        CaseEvent.case_id == case.id, CaseEvent.to_status.is_not(None)).order_by(CaseEvent.at, CaseEvent.id))
    for status, at in events:
        reached[status] = at.date()
    current = case.status if case.status in PATH else None
    here = PATH.index(current) if current is not None else 0
    steps = tuple(Step(status.label, reached.get(status) if i <= here else None, status == current)
                  for i, status in enumerate(PATH))
    return Progress(case.number, case.received_at.date(), case.status, steps,
                    case.due_date if case.status.is_open else None, case.suspended,
                    reached.get(CaseStatus.DECLINED), _main_case(case))


def _main_case(case: Case) -> MainCase | None:
    """For a merged duplicate (重复件), its main case: followed along later merges, read for its step only."""
    main = case.duplicate_of if case.status == CaseStatus.MERGED else None
    for _hop in range(MERGE_HOPS):
        if main is None or main.status != CaseStatus.MERGED or main.duplicate_of is None:
            break
        main = main.duplicate_of
    if main is None:
        return None
    return MainCase(main.number, None if main.status in HIDDEN else main.status.label)
