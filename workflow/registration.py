"""受理: registering a case, and correcting its details afterwards (信息更正)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext

from console.errors import ConflictError, ConsoleError
from extensions import db
from models import Case, CaseEvent, DutyRota
from models.base import acting_as
from models.counter import next_number
from models.enums import ApplicantKind, CaseAction, CaseStatus
from sms import outbox
from workdays import clock
from workflow import deadlines, duplicates

if TYPE_CHECKING:
    from models import Coordinator
    from workflow.service import Actor

EDITABLE_WHEN = frozenset({CaseStatus.RECEIVED, CaseStatus.ASSESSING, CaseStatus.ASSIGNED, CaseStatus.RESOLVED,
                           CaseStatus.EVALUATED, CaseStatus.SUMMARIZED, CaseStatus.DECLINED})


def duty_coordinator(day: dt.date) -> Coordinator | None:
    """The coordinator sitting the window on `day` (坐窗排班), if planned."""
    rota = db.session.execute(sa.select(DutyRota).where(DutyRota.day == day)).scalar_one_or_none()
    return rota.coordinator if rota is not None else None


REQUIRED_WHEN = (("applicant_kind", ApplicantKind.ENTERPRISE, "enterprise_name"),)
"""Conditional rules (field, value, then required): 反映人为企业时企业名称必填. The API's document states them."""


def case_problems(case: Case) -> dict[str, str]:
    """Rules a case's details must satisfy on every channel: field → Chinese message."""
    problems = {}
    if case.received_at is not None and case.received_at > clock.now() + dt.timedelta(minutes=1):
        problems["received_at"] = gettext("Cannot be in the future.")
    for field, value, required in REQUIRED_WHEN:
        if getattr(case, field) == value and not getattr(case, required):
            problems[required] = gettext("Required for an enterprise applicant.")
    return problems


CLOCK_FIELDS = frozenset({"received_at"})
"""Fields whose rule reads the server's clock, which no API document can state."""


def _check(case: Case, changed: Collection[str] | None = None) -> None:
    """Refuse the case's problems: 400 when the request itself breaks a rule, 422 when only the server's
    clock or, on a correction, the stored record does (a body that sets no 反映人类型 cannot know it)."""
    problems = case_problems(case)
    if not problems:
        return
    own = set(problems) - CLOCK_FIELDS
    if changed is not None:
        own &= {required for field, _, required in REQUIRED_WHEN if field in changed}
    raise ConsoleError(next(iter(problems.values())), fields=problems, status=None if own else 422)


def register_case(case: Case, actor: Actor, *, commit: bool = True) -> Case:
    """Give a new case its number, coordinator and 研判 deadline, and log 受理."""
    with acting_as(actor.user.id):
        return _register(case, actor, commit)


def _register(case: Case, actor: Actor, commit: bool) -> Case:
    if case.received_at is None:
        case.received_at = clock.now()
    _check(case)
    year = case.received_at.year
    prefix = current_app.config.get("CASE_NUMBER_PREFIX", "BBC")
    case.number = f"{prefix}-{year}-{next_number(db.session, 'case', year):04d}"
    if case.coordinator is None and case.coordinator_id is None:
        case.coordinator = duty_coordinator(case.received_at.date())
    case.status = CaseStatus.RECEIVED
    case.due_date, case.due_estimated = deadlines.due_after(case.received_at.date(), deadlines.assess_days())
    case.response_due = case.due_date  # kept when 研判 sets the case's own deadline: the 响应率 reads it
    db.session.add(case)
    received = CaseEvent(case=case, actor_id=actor.user.id, action=CaseAction.RECEIVE,
                         to_status=CaseStatus.RECEIVED, at=case.received_at, deadline=case.due_date,
                         data={"channel": actor.channel, "source": case.channel.value})
    db.session.add(received)
    outbox.queue_for_event(received)
    duplicates.flag(case)
    if commit:
        db.session.commit()
    return case


def check_editable(case: Case) -> None:
    """Archived, voided and merged cases are read-only for everyone, on every channel."""
    if case.status not in EDITABLE_WHEN:
        raise ConflictError(gettext("The case is “%(status)s” and read-only.", status=case.status.label))


def record_update(case: Case, actor: Actor, changed: dict[str, Any]) -> None:
    """Validate a correction of the case's details and log which fields changed."""
    check_editable(case)
    _check(case, changed)
    if duplicates.needs_flagging(changed):
        duplicates.flag(case)
    if changed:
        case.updated_by_id = actor.user.id
        db.session.add(CaseEvent(case=case, actor_id=actor.user.id, action=CaseAction.UPDATE,
                                 from_status=case.status, to_status=case.status, at=clock.now(),
                                 data={"channel": actor.channel, "fields": sorted(changed)}))


def changed_fields(case: Case) -> dict[str, Any]:
    """Attributes of `case` modified in this session, with their new values."""
    state = sa.inspect(case)
    return {attr.key: attr.value for attr in state.attrs if attr.history.has_changes()}
