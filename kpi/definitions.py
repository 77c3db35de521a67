"""The published KPIs of the window, each declared once as SQL conditions on Case.

Every KPI looks at the cases **received (受理) in the period**, as they stand today; 已作废
cases and 重复件 (merged into their main case) are never counted. A rate is numerator ÷ denominator,
the numerator always a part of the denominator; the cases that *miss* a rate are the denominator's cases outside the
numerator (for 重办率, where less is better, the numerator's). `today` decides what is due:
a case still within its deadline is not yet counted against a rate.

The dashboard's figures (kpi.tally), its charts (kpi.charts) and the case list behind each
number (kpi.drill, /cases/list/?kpi=…) all read these conditions, so they cannot disagree. What a
condition needs beyond the case's own row (verdicts, 督办, 通报批评, today) comes from kpi.facts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from console.sql import day_of
from kpi.facts import Facts
from models import Case
from models.case import overdue_condition
from models.enums import UNCOUNTED_STATUSES

Condition = Callable[[Facts], Any]
"""condition(facts) → an SQL condition on Case (facts.today: the day judged on)."""
PARTS = ("numerator", "denominator", "miss")


# ---- the facts the KPIs are made of ----------------------------------------------------------------

def counted() -> Any:
    """Every case but 已作废 ones (registered in error) and 重复件 (merged: the matter counts with its main case)."""
    return Case.status.not_in([s.value for s in UNCOUNTED_STATUSES])


def received_between(start: dt.date, end: dt.date) -> Any:
    """Received on one of the days from `start` to `end`."""
    return sa.and_(Case.received_at >= dt.datetime.combine(start, dt.time()),
                   Case.received_at < dt.datetime.combine(end + dt.timedelta(days=1), dt.time()))


def response_due() -> Any:
    """The day 研判 was due (1 working day after 受理), recorded on the case at registration."""
    return Case.response_due


def responded() -> Any:
    """研判'd, declined (不予受理) or solved on the spot: the case has had its answer."""
    return Case.responded_at.is_not(None)


def responded_on_time() -> Any:
    """Responded no later than the day the response was due (a case with no recorded deadline is not)."""
    # Every comparison is guarded against NULL, so a case is either in a part or out of it, never
    # unknown: the misses are then exactly the denominator less the numerator.
    return sa.and_(responded(), response_due().is_not(None), day_of(Case.responded_at) <= response_due())


def response_due_by(facts: Facts) -> Any:
    """Answered, or its response deadline is known and has passed."""
    return sa.or_(responded(), sa.and_(response_due().is_not(None), response_due() < facts.today))


def resolved() -> Any:
    """办结 (a reopened case counts again once it is finished again)."""
    return Case.resolved_at.is_not(None)


def declined() -> Any:
    """不予受理: out of scope, not something the window can do."""
    return Case.decline_reason.is_not(None)


def resolved_on_time() -> Any:
    """办结 no later than the case's deadline (as extended, or as set anew by 重办)."""
    return sa.and_(resolved(), Case.due_date.is_not(None), day_of(Case.resolved_at) <= Case.due_date)


def due_for_completion(facts: Facts) -> Any:
    """Can be done (not declined) and is finished or past its deadline; suspended cases wait."""
    return sa.and_(sa.not_(declined()), sa.or_(resolved(), overdue_condition(facts.today)))


# ---- the KPIs ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Kpi:
    """One published figure: a count, or a rate of two counts, with its target."""

    name: str
    label: Any
    definition: Any
    numerator_label: Any
    numerator: Condition
    denominator_label: Any = None
    denominator: Condition | None = None
    target: float | None = 1.0
    lower_is_better: bool = False

    @property
    def is_rate(self) -> bool:
        """A rate has a denominator; a count has none."""
        return self.denominator is not None

    def part_label(self, part: str) -> Any:
        """What a person calls the cases of `part`: 按时响应, 应响应, 未达标 …"""
        if part == "denominator" and self.is_rate:
            return self.denominator_label
        if part == "miss" and self.is_rate and not self.lower_is_better:
            return _l("Missing the target")
        return self.numerator_label

    def condition(self, part: str, today: dt.date, facts: Facts | None = None) -> Any:
        """The cases of `part` (numerator, denominator or miss) judged on `today`, before the period is
        applied; `facts` states the related records (correlated subqueries unless given)."""
        facts = facts or Facts(today)
        if not self.is_rate:
            return self.numerator(facts)
        denominator = self.denominator(facts)
        numerator = sa.and_(denominator, self.numerator(facts))
        if part == "numerator" or (part == "miss" and self.lower_is_better):
            return numerator
        if part == "denominator":
            return denominator
        return sa.and_(denominator, sa.not_(self.numerator(facts)))


def _always(facts: Facts) -> Any:
    return sa.true()


KPIS: dict[str, Kpi] = {k.name: k for k in [
    Kpi("received", _l("Cases received"),
        _l("Cases received in the period; voided cases and merged duplicates are not counted."),
        _l("Received"), _always, target=None),
    Kpi("response", _l("Response rate"),
        _l("Cases assessed, declined with a one-time explanation or solved on the spot within 1 working day of "
           "receipt, among the cases whose response is due (answered, or the working day after receipt has "
           "passed)."),
        _l("Responded on time"), lambda f: responded_on_time(),
        _l("Due a response"), response_due_by),
    Kpi("completion", _l("Completion rate"),
        _l("Finished cases among the cases that can be done: not declined, and finished or past their deadline. "
           "Cases still within their deadline, or suspended while waiting for the applicant's materials, are not "
           "counted yet."),
        _l("Finished"), lambda f: resolved(),
        _l("Can be done and due"), due_for_completion),
    Kpi("on_time", _l("On-time completion rate"),
        _l("Cases finished no later than their deadline (as extended, or as set anew after a reopening), among the "
           "same cases as the completion rate."),
        _l("Finished on time"), lambda f: resolved_on_time(),
        _l("Can be done and due"), due_for_completion),
    Kpi("satisfaction", _l("Satisfaction rate"),
        _l("Cases whose applicant was very satisfied, satisfied or basically satisfied, among the cases evaluated. "
           "A case reopened after an unsatisfied verdict counts as satisfied once a later verdict is; the "
           "reopening shows in the reopening rate. A case whose applicant could not be reached in three follow-up "
           "attempts has no verdict and is in neither count."),
        _l("Satisfied"), lambda f: f.satisfied(),
        _l("Cases evaluated"), lambda f: f.evaluated()),
    Kpi("reopen", _l("Reopening rate"),
        _l("Cases sent back to be handled again after an unsatisfied verdict, among the cases evaluated. "
           "The target is none."),
        _l("Cases reopened"), lambda f: Case.reopen_count > 0,
        _l("Cases evaluated"), lambda f: f.evaluated(), target=0.0, lower_is_better=True),
    Kpi("supervised", _l("Supervised cases"), _l("Cases received in the period that were supervised at least once."),
        _l("Supervised"), lambda f: f.supervised(), target=None),
    Kpi("criticized", _l("Criticized cases"), _l("Cases received in the period named in a criticism notice."),
        _l("Criticized"), lambda f: f.criticized(), target=None),
]}
"""KPI name → declaration, in the order the dashboard shows them."""
