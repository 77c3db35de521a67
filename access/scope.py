"""Data scope: which departments' records a user may see and act on.

A user holding `can_all_departments` on `DataScope` (coordinators, leaders,
admins) sees everything. Anyone else sees only records of the department on
their account: a handler of the tax bureau sees the cases assigned to the tax
bureau and nothing else, in every list, page, action, export, API and count.
A user with neither sees nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask import g, has_request_context

from console.cache import request_cache
from console.identity import request_user

DATA_SCOPE_VIEW = "DataScope"
ALL_DEPARTMENTS = "can_all_departments"

_SCOPES: dict[type, Callable[[int], Any]] = {}


def scoped(model: type) -> Callable[[Callable[[int], Any]], Callable[[int], Any]]:
    """Register how `model` rows belong to a department: fn(department_id) -> SQL condition."""

    def register(fn: Callable[[int], Any]) -> Callable[[int], Any]:
        _SCOPES[model] = fn
        return fn

    return register


def is_scoped(model: type) -> bool:
    """Whether `model` has department-bound rows."""
    return model in _SCOPES


def user_department() -> int | None | bool:
    """True when the current user sees all departments, else their department id (or None)."""
    if not has_request_context():
        return True
    cache = request_cache()
    if "scope_department" in cache:
        return cache["scope_department"]
    from flask import current_app

    sm = current_app.appbuilder.sm
    user = g.get("user")
    if user is None or not getattr(user, "is_authenticated", False):
        from flask_jwt_extended import current_user as jwt_user

        user = jwt_user if jwt_user else None
    if user is None:
        result: int | None | bool = None
    elif sm.has_access(ALL_DEPARTMENTS, DATA_SCOPE_VIEW):
        result = True
    else:
        result = getattr(user, "department_id", None)
    cache["scope_department"] = result
    return result


def owner_condition(model: type) -> Any:
    """Rows addressed to one user (`__owner__` names the column) are that user's alone."""
    owner = getattr(model, "__owner__", None)
    if owner is None or not has_request_context():
        return sa.true()
    user = request_user()
    return getattr(model, owner) == (user.id if user is not None else -1)


def scope_condition(model: type) -> Any:
    """The SQL condition limiting `model` to what the current user may see."""
    if getattr(model, "__owner__", None):
        return owner_condition(model)
    if model not in _SCOPES:
        return sa.true()
    department = user_department()
    if department is True:
        return sa.true()
    if department is None or department is False:
        return sa.false()
    return _SCOPES[model](department)


def register_model_scopes() -> None:
    """Declare the department scope of every business model (called once at start-up)."""
    from models import (
        Assignment,
        CallbackAttempt,
        Case,
        CaseEvent,
        Criticism,
        Evaluation,
        Satisfaction,
        SmsMessage,
        Supervision,
    )
    from models.enums import AssignmentStatus

    def case_of_department(department_id: int) -> Any:
        return sa.exists().where(
            Assignment.case_id == Case.id,
            Assignment.department_id == department_id,
            Assignment.status != AssignmentStatus.WITHDRAWN,
        )

    scoped(Case)(case_of_department)
    scoped(Assignment)(lambda d: Assignment.department_id == d)
    scoped(Supervision)(lambda d: Supervision.department_id == d)
    scoped(Evaluation)(lambda d: Evaluation.department_id == d)
    scoped(Criticism)(lambda d: Criticism.department_id == d)
    scoped(CaseEvent)(lambda d: CaseEvent.case.has(case_of_department(d)))
    scoped(Satisfaction)(lambda d: Satisfaction.case.has(case_of_department(d)))
    scoped(CallbackAttempt)(lambda d: CallbackAttempt.case.has(case_of_department(d)))
    # A text message goes with its case; one whose case was deleted (case_id set NULL) is no department's.
    scoped(SmsMessage)(lambda d: SmsMessage.case.has(case_of_department(d)))
