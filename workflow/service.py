"""Executing workflow actions: one transaction per action, on every channel.

    case = execute(case_id, "assign", {"lead_department_id": 6, "deadline_days": 5}, actor)

validates (permission, data scope, state, version, fields), applies the
action's effect (workflow.steps), writes the CaseEvent and commits — or
raises a ConsoleError with a Chinese message and changes nothing.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext
from sqlalchemy.orm.exc import StaleDataError

from access.scope import scope_condition
from console.errors import ConflictError, ConsoleError, ForbiddenError, NotFoundError
from console.identity import request_user
from extensions import db
from models import Case, CaseEvent, StaffUser
from models.base import acting_as
from models.enums import UNCOUNTED_STATUSES, CaseAction, CaseStatus
from models.versioning import bump
from sms import outbox
from workdays import clock
from workflow import steps
from workflow.params import NOTE, parse
from workflow.transitions import CASE_VIEW, TRANSITIONS, Transition, transition


def stale_message() -> str:
    """该事项已被他人更新，请刷新后重试."""
    return gettext("This case was changed by someone else; reload and try again.")


@dataclass
class Actor:
    """Who acts: the user, what they may do, and which department's records they are bound to."""

    user: StaffUser
    can: Callable[[str], bool]
    department_id: int | None = None
    sees_all: bool = True
    channel: str = "ui"

    @classmethod
    def current(cls, channel: str = "ui") -> Actor:
        """The logged-in (or token) user of this request."""
        from flask import current_app

        from access.scope import user_department
        user = request_user()
        if user is None:
            raise ForbiddenError(gettext("Please log in first."))
        sm = current_app.appbuilder.sm
        scope = user_department()
        answers: dict[str, bool] = {}

        def can(perm: str) -> bool:
            # asked for every row of a list: each permission once per actor (an actor lives one request)
            if perm not in answers:
                answers[perm] = sm.has_access(perm, CASE_VIEW)
            return answers[perm]

        return cls(user=user, can=can, department_id=user.department_id, sees_all=scope is True, channel=channel)

    @classmethod
    def system(cls, user: StaffUser, channel: str = "cli") -> Actor:
        """A system actor (CLI, seed, scheduled jobs): every permission, every department."""
        return cls(user=user, can=lambda perm: True, department_id=None, sees_all=True, channel=channel)


@dataclass
class Effect:
    """What an action did, for its CaseEvent."""

    department_id: int | None = None
    deadline: Any = None
    data: dict = field(default_factory=dict)
    target: CaseStatus | None = None
    then: tuple[CaseAction, dict] | None = None
    """A follow-on action and its fields, executed in the same transaction (a reached 回访 is an 评价)."""


def allowed_actions(case: Case, actor: Actor, among: Iterable[Transition] | None = None) -> list[Transition]:
    """The actions `actor` may take on `case` in its current state (the buttons to show), of `among` (all)."""
    return [t for t in (TRANSITIONS.values() if among is None else among)
            if state_allows(case, t) and actor.can(t.permission)
            and steps.precondition_problem(case, t, actor) is None]


def state_allows(case: Case, t: Transition) -> bool:
    """Whether `t` can run in the case's current state (`state_problem` says why not; this only asks, for every
    row of a list, without composing the messages)."""
    return (case.status not in (CaseStatus.ARCHIVED, CaseStatus.VOIDED) and case.status in t.sources
            and (not case.suspended or t.while_suspended))


def state_problem(case: Case, t: Transition) -> str | None:
    """Why `t` cannot run in the case's current state, or None."""
    if case.status == CaseStatus.ARCHIVED or case.status in UNCOUNTED_STATUSES:
        return gettext("The case is “%(status)s” and read-only.", status=case.status.label)
    if case.status not in t.sources:
        return gettext("“%(action)s” is not possible while the case is “%(status)s”.",
                       action=t.label, status=case.status.label)
    if case.suspended and not t.while_suspended:
        return gettext("The case is suspended awaiting materials; resume it first.")
    return None


def load_case(case_id: Any, actor: Actor) -> Case:
    """The case `case_id` as `actor` may see it, locked for this transaction (PostgreSQL); NotFoundError if not."""
    from console.interface import valid_pk

    pk = valid_pk(case_id)
    if pk is None:
        raise NotFoundError(gettext("No such record."))
    # populate_existing: the case may already sit in the session, read before the lock was taken.
    query = sa.select(Case).where(Case.id == pk).execution_options(populate_existing=True)
    if not actor.sees_all:
        query = query.where(scope_condition(Case))
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(of=Case)
    case = db.session.execute(query).scalar_one_or_none()
    if case is None:
        raise NotFoundError(gettext("No such record."))
    return case


def execute(case_id: Any, action: str, raw: Mapping[str, Any], actor: Actor, *,
            version: Any = None, multi: Callable[[str], list] | None = None, commit: bool = True) -> Case:
    """Run `action` on the case; return the changed case. Raises ConsoleError; nothing half-applied."""
    t = transition(action)
    if t is None:
        raise NotFoundError(gettext("No such action."))
    with acting_as(actor.user.id):
        return _execute(t, case_id, raw, actor, version, multi, commit)


def _check_version(case: Case, version: Any) -> None:
    if version not in (None, "") and str(version) != str(case.version):
        raise ConflictError(stale_message())


def _record(case: Case, t: Transition, before: CaseStatus, effect: Effect, actor: Actor, note: Any) -> None:
    """Set the new state, move the version and write the CaseEvent of an applied action."""
    target = effect.target or t.target or before
    case.status = target
    # Every action moves the version exactly once, also one that changes no column of
    # the case (督办): a concurrent action that read the same version then fails with 409.
    case.updated_at = clock.now()
    bump(case)
    event = CaseEvent(
        case=case, actor_id=actor.user.id, action=t.action, from_status=before, to_status=target,
        note=note, department_id=effect.department_id, deadline=effect.deadline,
        data={"channel": actor.channel, **effect.data}, at=clock.now(),
    )
    db.session.add(event)
    outbox.queue_for_event(event)


@contextlib.contextmanager
def all_or_nothing() -> Iterator[None]:
    """Roll back everything on a refusal; a row changed underneath (lost optimistic race) is a 409."""
    try:
        yield
    except StaleDataError as exc:
        db.session.rollback()
        raise ConflictError(stale_message()) from exc
    except ConsoleError:
        db.session.rollback()
        raise


def _execute(t: Transition, case_id: Any, raw: Mapping[str, Any], actor: Actor, version: Any,
             multi: Callable[[str], list] | None, commit: bool) -> Case:
    with all_or_nothing():
        if not actor.can(t.permission):
            raise ForbiddenError(gettext("You do not have permission to do this."))
        case = load_case(case_id, actor)
        _check_version(case, version)
        problem = state_problem(case, t)
        if problem:
            raise ConflictError(problem)
        values = parse(t.params, raw, multi=multi)
        note = parse((NOTE,), raw).get("note")
        problem = steps.precondition_problem(case, t, actor)
        if problem:
            raise ConflictError(problem)
        before = case.status
        effect = steps.apply(t, case, values, actor, note)
        _record(case, t, before, effect, actor, note)
        if effect.then is not None:
            action, fields = effect.then
            _execute(TRANSITIONS[action], case.id, {**fields, "note": note}, actor, None, None, commit=False)
        if commit:
            db.session.commit()
        else:
            db.session.flush()
        return case


@dataclass
class BulkResult:
    """Outcome of a bulk action: which cases went through, which were refused and why."""

    done: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)


def execute_many(case_ids: list[int], action: str, raw: Mapping[str, Any], actor: Actor,
                 multi: Callable[[str], list] | None = None, versions: Mapping[int, Any] | None = None,
                 ) -> BulkResult:
    """Run `action` on each case in its own transaction; refusals are reported, not fatal.

    `versions` maps a case id to the version the user saw; a case changed since is refused (409).
    """
    result = BulkResult()
    t = transition(action)
    if t is not None:
        # Bad parameters are the same for every case: refuse the whole batch at once.
        parse(t.params, raw, multi=multi)
    for case_id in case_ids:
        visible = db.session.execute(
            sa.select(Case.number).where(Case.id == case_id, scope_condition(Case))).scalar_one_or_none()
        number = visible or f"#{case_id}"
        try:
            execute(case_id, action, raw, actor, multi=multi, version=(versions or {}).get(case_id))
            result.done.append(number)
        except ConsoleError as exc:
            result.refused.append((number, str(exc)))
    return result


def criticize_together(case_ids: list[int], raw: Mapping[str, Any], actor: Actor,
                       versions: Mapping[int, Any] | None = None) -> BulkResult:
    """通报批评 of several overdue cases at once: one record per lead department, one transaction.

    Cases that may not be criticized (state, version, no lead department) are reported, not fatal.
    """
    t = TRANSITIONS[CaseAction.CRITICIZE]
    if not actor.can(t.permission):
        raise ForbiddenError(gettext("You do not have permission to do this."))
    values = parse(t.params, raw)
    note = parse((NOTE,), raw).get("note")
    result = BulkResult()
    eligible: list[Case] = []
    with acting_as(actor.user.id), all_or_nothing():
        for case_id in case_ids:
            try:
                case = load_case(case_id, actor)
            except ConsoleError as exc:
                result.refused.append((f"#{case_id}", str(exc)))
                continue
            stale = (versions or {}).get(case_id) not in (None, "", str(case.version))
            problem = stale_message() if stale else (
                state_problem(case, t) or steps.precondition_problem(case, t, actor))
            if problem is None and case.lead_department_id is None:
                problem = gettext("%(number)s has no lead department to criticize.", number=case.number)
            if problem:
                result.refused.append((case.number, problem))
            else:
                eligible.append(case)
        if eligible:
            from evaluation.criticism import issue_for_cases

            criticisms = issue_for_cases(eligible, values)
            for case in eligible:
                numbers = [c.number for c in criticisms if case in c.cases]
                _record(case, t, case.status, Effect(department_id=case.lead_department_id,
                                                     data={"criticisms": numbers}), actor, note)
            db.session.commit()
            result.done.extend(c.number for c in eligible)
    return result
