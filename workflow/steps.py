"""What each workflow action does to a case (called by workflow.service, inside its transaction)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from flask_babel import gettext

from console.errors import ConflictError, ConsoleError, ForbiddenError, NotFoundError
from extensions import db
from models import Assignment, CallbackAttempt, Case, CaseEvent, Satisfaction, Supervision
from models.callback import UNREACHABLE_AFTER
from models.counter import next_number
from models.enums import (
    UNCOUNTED_STATUSES,
    AssignmentRole,
    AssignmentStatus,
    CaseStatus,
    ExtensionStatus,
    Level,
    Track,
)
from models.enums import (
    CaseAction as A,
)
from models.notification import NotificationKind
from models.versioning import bump
from workdays import clock
from workflow import deadlines, notify
from workflow.params import ParamError
from workflow.transitions import Transition

if TYPE_CHECKING:
    from workflow.service import Actor, Effect

Step = Callable[[Case, dict, "Actor", Any], "Effect"]
_STEPS: dict[A, Step] = {}


def step(action: A) -> Callable[[Step], Step]:
    """Register the effect of an action."""

    def register(fn: Step) -> Step:
        _STEPS[action] = fn
        return fn

    return register


def apply(t: Transition, case: Case, values: dict, actor: Actor, note: str | None) -> Effect:
    """Run the effect of `t` on `case`."""
    return _STEPS[t.action](case, values, actor, note)


def _effect(**kwargs: Any) -> Effect:
    from workflow.service import Effect

    return Effect(**kwargs)


def active_assignments(case: Case) -> list[Assignment]:
    """Assignments the departments are still working on (not withdrawn)."""
    return [a for a in case.assignments if a.status != AssignmentStatus.WITHDRAWN]


def _assignment_for(case: Case, values: dict, actor: Actor, *, statuses: set[AssignmentStatus]) -> Assignment:
    """The assignment a department-bound action works on: the given department, or the actor's own."""
    department = values.get("department_id")
    department_id = department.id if department is not None else actor.department_id
    if not actor.sees_all and department_id != actor.department_id:
        raise ForbiddenError(gettext("You can act only for your own department."))
    if department_id is None:
        raise ConsoleError(gettext("Choose the department."), fields={"department_id": gettext(
            "This field is required.")})
    matches = [a for a in active_assignments(case) if a.department_id == department_id]
    if not matches:
        raise ConflictError(gettext("The case is not assigned to this department."))
    assignment = matches[-1]
    if assignment.status not in statuses:
        raise ConflictError(gettext("The assignment is “%(status)s”; this is not possible now.",
                                    status=assignment.status.label))
    return assignment


def precondition_problem(case: Case, t: Transition, actor: Actor) -> str | None:
    """A business reason `t` cannot run now beyond its state (used to hide buttons too)."""
    if t.action == A.RESUME and not case.suspended:
        return gettext("The case is not suspended.")
    if t.action == A.SUSPEND and case.suspended:
        return gettext("The case is already suspended.")
    if t.action == A.ASSESS and case.status == CaseStatus.ASSESSING and case.lead_department_id:
        return None
    if t.department_bound and t.action != A.APPROVE_EXTENSION:
        own = [a for a in active_assignments(case) if actor.department_id and a.department_id == actor.department_id]
        if not actor.sees_all and not own:
            return gettext("The case is not assigned to your department.")
        wanted = {A.SIGN: {AssignmentStatus.PENDING},
                  A.REPLY: {AssignmentStatus.PENDING, AssignmentStatus.SIGNED},
                  A.REQUEST_EXTENSION: {AssignmentStatus.PENDING, AssignmentStatus.SIGNED}}[t.action]
        candidates = own if not actor.sees_all else (own or active_assignments(case))
        if not any(a.status in wanted for a in candidates):
            return gettext("No assignment of this case is waiting for this step.")
    if t.action == A.APPROVE_EXTENSION and not any(
            a.extension_status == ExtensionStatus.REQUESTED for a in active_assignments(case)):
        return gettext("No extension is pending.")
    if t.action == A.CRITICIZE and not case.overdue:
        return gettext("Only overdue cases can be criticized from the case list.")
    return None


def close_assignments(case: Case, action: A) -> dict:
    """Settle every assignment still open when `action` closes the case; the event data naming them.

    A department cannot sign for or answer a closed case, so its 交办单 leaves every pending list
    (dashboard, reminders, candidate filters); the figures judge it by when it was settled.
    """
    settled = [a for a in case.assignments if a.status.is_open]
    for assignment in settled:
        assignment.close(action)
    return {"closed_assignments": [a.department_id for a in settled]} if settled else {}


def _set_due(case: Case, days: int, start: Any = None) -> None:
    due, estimated = deadlines.due_after(start or clock.today(), days)
    case.due_date, case.due_estimated = due, estimated


# ---- 受理 → 研判 ----------------------------------------------------------------------

@step(A.ASSESS)
def assess(case: Case, v: dict, actor: Actor, note: Any) -> Effect:
    """Classify the case; it now needs 交办 within the deadline of its mechanism."""
    case.problem_type, case.track, case.disposition, case.level = (
        v["problem_type"], v["track"], v["disposition"], v["level"])
    if v.get("coordinator_id") is not None:
        case.coordinator = v["coordinator_id"]
    case.responded_at = case.responded_at or clock.now()
    _set_due(case, deadlines.default_case_days(case.track, case.level))
    return _effect(deadline=case.due_date, data={
        "problem_type": case.problem_type.value, "track": case.track.value,
        "disposition": case.disposition.value, "level": case.level.value})


@step(A.DECLINE)
def decline(case: Case, v: dict, actor: Actor, note: Any) -> Effect:
    """Out of scope (涉法、涉诉、涉访 or against policy): explain once where to go instead."""
    case.decline_reason, case.redirect_to = v["reason"], v["redirect_to"]
    case.responded_at = case.responded_at or clock.now()
    case.suspended = False
    return _effect(data={"reason": v["reason"], "redirect_to": v["redirect_to"],
                         **close_assignments(case, A.DECLINE)})


def _resolve(case: Case, v: dict) -> None:
    case.result, case.solved, case.reply = v["result"], v["solved"], v.get("reply")
    case.resolved_at = clock.now()
    case.responded_at = case.responded_at or case.resolved_at


@step(A.RESOLVE_ON_SPOT)
def resolve_on_spot(case: Case, v: dict, actor: Actor, note: Any) -> Effect:
    """A simple problem solved at the window: straight to 办结."""
    _resolve(case, v)
    if case.track is None:
        case.track = Track.ON_SPOT
    return _effect(data={"solved": v["solved"].value, **close_assignments(case, A.RESOLVE_ON_SPOT)})


# ---- 交办 ------------------------------------------------------------------------------

def _new_assignment(case: Case, department: Any, role: AssignmentRole, deadline: Any) -> Assignment:
    assignment = Assignment(case=case, department=department, role=role, deadline=deadline,
                            assigned_at=clock.now(), status=AssignmentStatus.PENDING)
    db.session.add(assignment)
    notify.to_department(department.id, NotificationKind.ASSIGNED, case, gettext(
        "%(number)s was assigned to your department (%(role)s), due %(due)s.",
        number=case.number, role=role.label, due=deadline.isoformat()))
    return assignment


@step(A.ASSIGN)
def assign(case: Case, v: dict, actor: Actor, note: Any) -> Effect:
    """Hand the case to a lead department and any co-handlers, with a deadline in working days."""
    lead = v["lead_department_id"]
    co = [d for d in v.get("co_department_ids") or [] if d.id != lead.id]
    days = v.get("deadline_days")
    if days is None:
        days = deadlines.default_case_days(case.track, case.level)
    _set_due(case, days)
    case.lead_department = lead
    case.assigned_at = clock.now()
    _new_assignment(case, lead, AssignmentRole.LEAD, case.due_date)
    for dept in co:
        _new_assignment(case, dept, AssignmentRole.CO, case.due_date)
    return _effect(department_id=lead.id, deadline=case.due_date,
                   data={"co_department_ids": [d.id for d in co], "deadline_days": days})


@step(A.SIGN)
def sign(case: Case, v: dict, actor: Actor, note: Any) -> Effect:
    """The department confirms it has the case (签收)."""
    assignment = _assignment_for(case, v, actor, statuses={AssignmentStatus.PENDING})
    assignment.status, assignment.signed_at, assignment.signed_by_id = (
        AssignmentStatus.SIGNED, clock.now(), actor.user.id)
    return _effect(department_id=assignment.department_id)


@step(A.REPLY)
def reply(case: Case, v: dict, actor: Actor, note: Any) -> Effect:
    """The department reports what it did (反馈); signing is implied."""
    assignment = _assignment_for(case, v, actor, statuses={AssignmentStatus.PENDING, AssignmentStatus.SIGNED})
    now = clock.now()
    if assignment.signed_at is None:
        assignment.signed_at, assignment.signed_by_id = now, actor.user.id
    assignment.status, assignment.replied_at, assignment.reply = AssignmentStatus.REPLIED, now, v["content"]
    notify.to_coordinators(case, NotificationKind.REPLIED, gettext(
        "%(department)s replied on %(number)s.", department=assignment.department.name, number=case.number))
    return _effect(department_id=assignment.department_id, data={"content": v["content"]})


@step(A.REQUEST_EXTENSION)
def request_extension(case: Case, v: dict, actor: Actor, note: Any) -> Effect:
    """The department asks for more working days, with a reason."""
    assignment = _assignment_for(case, v, actor, statuses={AssignmentStatus.PENDING, AssignmentStatus.SIGNED})
    if assignment.extension_status == ExtensionStatus.REQUESTED:
        raise ConflictError(gettext("An extension request is already pending."))
    assignment.extension_status = ExtensionStatus.REQUESTED
    assignment.extension_days, assignment.extension_reason = v["days"], v["reason"]
    notify.to_coordinators(case, NotificationKind.EXTENSION_REQUESTED, gettext(
        "%(department)s asks %(days)d more working days on %(number)s.",
        department=assignment.department.name, days=v["days"], number=case.number))
    return _effect(department_id=assignment.department_id, data={"days": v["days"], "reason": v["reason"]})


@step(A.APPROVE_EXTENSION)
def approve_extension(case: Case, v: dict, actor: Actor, note: Any) -> Effect:
    """Grant or refuse a pending extension; a granted one moves the deadline."""
    department = v["department_id"]
    pending = [a for a in active_assignments(case)
               if a.department_id == department.id and a.extension_status == ExtensionStatus.REQUESTED]
    if not pending:
        raise ConflictError(gettext("No extension is pending for this department."))
    assignment = pending[-1]
    if v["approved"]:
        assignment.extension_status = ExtensionStatus.APPROVED
        assignment.deadline = deadlines.due_after(assignment.deadline, assignment.extension_days)[0]
        if assignment.role == AssignmentRole.LEAD and case.due_date is not None:
            case.due_date, case.due_estimated = deadlines.due_after(case.due_date, assignment.extension_days)
    else:
        assignment.extension_status = ExtensionStatus.REJECTED
    notify.to_department(assignment.department_id, NotificationKind.EXTENSION_DECIDED, case, gettext(
        "Extension on %(number)s: %(decision)s.", number=case.number, decision=assignment.extension_status.label))
    return _effect(department_id=department.id, deadline=assignment.deadline,
                   data={"approved": v["approved"], "days": assignment.extension_days})


# ---- 督办、提级、改派、挂起 --------------------------------------------------------------

@step(A.SUPERVISE)
def supervise(case: Case, v: dict, actor: Actor, note: Any) -> Effect:
    """Issue a 督办单 to a department with a reply deadline."""
    level = v["supervision_level"]
    days = v.get("deadline_days")
    if days is None:
        days = deadlines.default_supervision_days(level)
    due, _estimated = deadlines.due_after(clock.today(), days)
    department = v["department_id"]
    db.session.add(Supervision(case=case, department=department, level=level, reason=v["reason"],
                               issued_at=clock.now(), issued_by_id=actor.user.id, deadline=due))
    notify.to_department(department.id, NotificationKind.SUPERVISED, case, gettext(
        "%(level)s on %(number)s, reply by %(due)s.", level=level.label, number=case.number, due=due.isoformat()))
    return _effect(department_id=department.id, deadline=due, data={"level": level.value})


@step(A.ESCALATE)
def escalate(case: Case, v: dict, actor: Actor, note: Any) -> Effect:
    """Raise the response level: window → back office → center → district."""
    level: Level = v["level"]
    if level.rank <= case.level.rank:
        raise ConsoleError(gettext("Choose a level above the current one (%(level)s).", level=case.level.label),
                           fields={"level": gettext("Must be above the current level.")})
    previous, case.level = case.level, level
    return _effect(data={"from_level": previous.value, "level": level.value})


@step(A.REASSIGN)
def reassign(case: Case, v: dict, actor: Actor, note: Any) -> Effect:
    """Withdraw the unfinished assignments and return the case to 研判 for a new 交办.

    Assignments already answered (or settled when an earlier round closed) stay as they are: they count.
    """
    for assignment in active_assignments(case):
        if assignment.status.is_open:
            assignment.status = AssignmentStatus.WITHDRAWN
    previous = case.lead_department_id
    case.lead_department = None
    _set_due(case, deadlines.assess_days())
    return _effect(department_id=previous, deadline=case.due_date, data={"reason": v["reason"]})


@step(A.SUSPEND)
def suspend(case: Case, v: dict, actor: Actor, note: Any) -> Effect:
    """Stop the clock while the applicant gathers materials (see `resume` for an overdue case)."""
    today = clock.today()
    case.suspended, case.suspended_at = True, clock.now()
    case.remaining_workdays = deadlines.remaining_workdays(today, case.due_date) if case.due_date else None
    return _effect(data={"reason": v["reason"], "remaining_workdays": case.remaining_workdays})


def _resumed(deadline: dt.date, paused_on: dt.date, today: dt.date) -> tuple[dt.date, bool] | None:
    """The (deadline, estimated) after a suspension from `paused_on` to `today`; None: the deadline stays.

    The working days left on the day the clock stopped are counted again from `today`. A deadline already
    missed when the clock stopped had none left: it is kept as it was, and the case stays overdue.
    """
    if deadline < paused_on:
        return None
    return deadlines.due_after(today, deadlines.remaining_workdays(paused_on, deadline))


@step(A.RESUME)
def resume(case: Case, v: dict, actor: Actor, note: Any) -> Effect:
    """Restart the clock with the working days that were left; assignment deadlines move the same way."""
    today = clock.today()
    paused_on = case.suspended_at.date() if case.suspended_at else today
    moved = _resumed(case.due_date, paused_on, today) if case.due_date is not None else None
    if moved is not None:
        case.due_date, case.due_estimated = moved
    for assignment in active_assignments(case):
        moved = _resumed(assignment.deadline, paused_on, today) if assignment.status.is_open else None
        if moved is not None:
            assignment.deadline = moved[0]
    case.suspended, case.suspended_at, case.remaining_workdays = False, None, None
    return _effect(deadline=case.due_date)


# ---- 办结 → 评价 → 总结 → 归档 -------------------------------------------------------------

@step(A.RESOLVE)
def resolve(case: Case, v: dict, actor: Actor, note: Any) -> Effect:
    """Record the result (办结)."""
    _resolve(case, v)
    return _effect(department_id=case.lead_department_id,
                   data={"solved": v["solved"].value, **close_assignments(case, A.RESOLVE)})


@step(A.CALLBACK)
def callback(case: Case, v: dict, actor: Actor, note: Any) -> Effect:
    """One 回访 attempt. Reached: the verdict is recorded by `evaluate` (不满意 → 重办 as ever); the third
    attempt that does not reach the applicant records the case as 无法联系 (评价 without a verdict)."""
    reached, level, channel = bool(v.get("reached")), v.get("satisfaction"), v["channel"]
    if reached and level is None:
        raise ConsoleError(gettext("Record the applicant's verdict."),
                           fields={"satisfaction": gettext("Required when the applicant was reached.")})
    if not reached and level is not None:
        raise ConsoleError(gettext("A verdict needs the applicant reached."),
                           fields={"reached": gettext("Tick it when the applicant gave a verdict.")})
    # Attempts of this round only: a case reopened (重办) and resolved again is followed up afresh.
    missed = 1 + sum(1 for a in case.callbacks if not a.reached and a.at >= (case.resolved_at or a.at))
    db.session.add(CallbackAttempt(case=case, at=clock.now(), channel=channel, caller_id=actor.user.id,
                                   reached=reached, words=v.get("words"), satisfaction=level))
    data = {"channel": channel.value, "reached": reached}
    if reached:
        return _effect(data=data, then=(A.EVALUATE, {
            "satisfaction": level.value, "channel": channel.verdict_channel.value, "comment": v.get("words")}))
    if missed < UNREACHABLE_AFTER:
        return _effect(data={**data, "missed": missed})
    case.unreachable = True
    return _effect(target=CaseStatus.EVALUATED, data={**data, "missed": missed, "unreachable": True})


@step(A.EVALUATE)
def evaluate(case: Case, v: dict, actor: Actor, note: Any) -> Effect:
    """The applicant's verdict; 不满意/非常不满意 reopens the case (重办) with a new deadline."""
    level = v["satisfaction"]
    db.session.add(Satisfaction(case=case, level=level, channel=v["channel"], comment=v.get("comment"),
                                evaluated_at=clock.now()))
    if level.is_satisfied:
        return _effect(data={"satisfaction": level.value})
    case.reopen_count += 1
    case.resolved_at = None
    _set_due(case, deadlines.default_case_days(case.track, case.level))
    if case.lead_department is not None:
        _new_assignment(case, case.lead_department, AssignmentRole.LEAD, case.due_date)
    notify.to_coordinators(case, NotificationKind.REOPENED, gettext(
        "%(number)s was reopened: the applicant is %(verdict)s.", number=case.number, verdict=level.label))
    return _effect(target=CaseStatus.ASSIGNED, department_id=case.lead_department_id, deadline=case.due_date,
                   data={"satisfaction": level.value, "reopened": True})


@step(A.SUMMARIZE)
def summarize(case: Case, v: dict, actor: Actor, note: Any) -> Effect:
    """What was learned: summary, root cause (溯源分析) and where it was forwarded for improvement."""
    case.summary = v["summary"]
    case.root_cause = cause = v.get("root_cause_id")
    case.forwarded_department = forwarded = v.get("forwarded_department_id")
    # The ids are read from the records: the case's own foreign keys are only set at the next flush.
    return _effect(department_id=forwarded.id if forwarded else None,
                   data={"root_cause_id": cause.id if cause else None})


@step(A.ARCHIVE)
def archive(case: Case, v: dict, actor: Actor, note: Any) -> Effect:
    """File the case under a gap-free yearly archive number; read-only from now on."""
    now = clock.now()
    seq = next_number(db.session, "archive", now.year)
    case.archive_number = f"GD-{now.year}-{seq:04d}"
    case.archived_at = now
    return _effect(data={"archive_number": case.archive_number, **close_assignments(case, A.ARCHIVE)})


@step(A.VOID)
def void(case: Case, v: dict, actor: Actor, note: Any) -> Effect:
    """Mark a case registered in error as void: nothing is deleted, every open 交办单 is settled."""
    case.void_reason, case.voided_at = v["reason"], clock.now()
    case.suspended = False
    return _effect(data={"reason": v["reason"], **close_assignments(case, A.VOID)})


@step(A.MERGE)
def merge(case: Case, v: dict, actor: Actor, note: Any) -> Effect:
    """重复件: the case repeats `main_case`; it closes with a link there, the main case's timeline records it,
    its open 交办单 are settled, and the figures count the matter once (with the main case)."""
    from workflow.service import load_case

    try:
        main = load_case(v["main_case"].id, actor)  # in the actor's scope, locked like the case itself
    except NotFoundError:
        unknown = gettext("No case has this number.")
        raise ParamError(unknown, fields={"main_case": unknown}) from None
    problem = merge_problem(case, main)
    if problem:
        raise ParamError(gettext("Please correct the marked fields: %(first)s", first=problem),
                         fields={"main_case": problem})
    case.duplicate_of = main
    case.suspended = False
    now = clock.now()
    main.updated_at = now
    bump(main)  # a concurrent merge of the main case elsewhere then fails with 409
    db.session.add(CaseEvent(
        case=main, actor_id=actor.user.id, action=A.MERGE, from_status=main.status, to_status=main.status,
        note=note, at=now, data={"channel": actor.channel, "duplicate": case.number, "duplicate_id": case.id}))
    return _effect(data={"main_case": main.number, "main_case_id": main.id, **close_assignments(case, A.MERGE)})


def merge_problem(case: Case, main: Case) -> str | None:
    """Why `case` cannot be merged into `main`, or None."""
    if main.id == case.id:
        return gettext("A case cannot be merged into itself.")
    if main.status == CaseStatus.MERGED and main.duplicate_of is not None:
        return gettext("%(number)s is itself a duplicate of %(main)s; merge into %(main)s.",
                       number=main.number, main=main.duplicate_of.number)
    if main.status in UNCOUNTED_STATUSES or main.status == CaseStatus.ARCHIVED:
        return gettext("%(number)s is “%(status)s”; choose the case the matter is handled in.",
                       number=main.number, status=main.status.label)
    return None


@step(A.CRITICIZE)
def criticize(case: Case, v: dict, actor: Actor, note: Any) -> Effect:
    """Name the lead department of an overdue case in a 通报批评 (see evaluation.criticism)."""
    from evaluation.criticism import issue_for_cases

    criticisms = issue_for_cases([case], v)
    return _effect(department_id=case.lead_department_id,
                   data={"criticisms": [c.number for c in criticisms]})
