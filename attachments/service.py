"""Storing, listing and handing out attachments, within the rules of who may see and act on what.

    checked = check_upload(name, data, max_bytes)          # attachments.sniff: refuses before anything is kept
    attach(checked, user_id, case=case, event=event, note="…")   # file first, then the row, one commit
    found = visible_attachment(pk)                        # None outside the user's scope: the caller answers 404
    data = read_for(found, user_id)                       # the bytes; the download is in the audit log

Who may see a file is who may see what it documents: the case (row scope of access/scope.py, the same rule
as the case page), or for a 整改反馈 the 通报批评. Who may add one is who may act on that record.
"""

from __future__ import annotations

import hashlib
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext

from access.audit import record
from access.scope import scope_condition
from attachments.sniff import CheckedFile
from attachments.storage import Storage, new_key, storage_from_config
from console.errors import ConsoleError
from console.interface import valid_pk
from console.validators import printable
from extensions import db
from models import Attachment, Case, CaseEvent, Criticism, Supervision
from models.base import acting_as
from models.enums import AssignmentStatus, CaseAction, CaseStatus
from workdays import clock
from workflow.service import Actor, allowed_actions

NOTE_MAX_LENGTH = 500
READ_ONLY = (CaseStatus.ARCHIVED, CaseStatus.VOIDED)


def storage() -> Storage:
    """The configured store (ATTACHMENT_STORAGE)."""
    return storage_from_config(current_app.config)


def _holds(permission: str, view: str) -> bool:
    return bool(current_app.appbuilder.sm.has_access(permission, view))


def visible(model: type, pk: Any) -> Any:
    """The `model` row `pk` if the current user may open its page (permission and row scope), else None."""
    pk = valid_pk(pk)
    if pk is None or not _holds("can_show", f"{model.__name__}View"):
        return None
    return db.session.scalars(sa.select(model).where(model.id == pk, scope_condition(model))).first()


def visible_attachment(pk: Any) -> Attachment | None:
    """The attachment `pk` if the user may see what it documents: a 督办单's file only with the 督办单 (it is
    addressed to one department, not to everyone who sees the case), else the case, else the criticism."""
    pk = valid_pk(pk)
    item = db.session.get(Attachment, pk) if pk is not None else None
    if item is None:
        return None
    if item.supervision_id is not None:
        owner = visible(Supervision, item.supervision_id)
    elif item.case_id is not None:
        owner = visible(Case, item.case_id)
    else:
        owner = visible(Criticism, item.criticism_id)
    return item if owner is not None else None


def may_attach_to_case(case: Case, actor: Actor) -> bool:
    """Whoever may act on the case: an action open to them now, or their department handles it; never once
    it is archived or voided."""
    if case.status in READ_ONLY:
        return False
    if allowed_actions(case, actor):
        return True
    return actor.department_id is not None and any(
        a.department_id == actor.department_id and a.status != AssignmentStatus.WITHDRAWN for a in case.assignments)


def may_attach_to_supervision() -> bool:
    """The supervised department answers a 督办单 (can_feedback, and the row in scope)."""
    return _holds("can_feedback", "SupervisionView")


def may_attach_to_criticism() -> bool:
    """The criticized department reports its rectification (can_rectify, and the row in scope)."""
    return _holds("can_rectify", "CriticismView")


def clean_note(raw: str | None) -> str | None:
    """The note as stored, or a ConsoleError (field `note`) when it is too long or holds control characters."""
    note = (raw or "").strip()
    if not note:
        return None
    if len(note) > NOTE_MAX_LENGTH or printable(note):
        message = gettext("The note must be at most %(count)d characters of plain text.", count=NOTE_MAX_LENGTH)
        raise ConsoleError(message, fields={"note": [message]})
    return note


def attach(checked: CheckedFile, user_id: int, *, case: Case | None = None, event: CaseEvent | None = None,
           supervision: Supervision | None = None, criticism: Criticism | None = None,
           note: str | None = None) -> Attachment:
    """Keep a checked file and record it, as user `user_id`; the row is committed after the file is written
    (so a backup never names a missing file) and the file is removed again if the row cannot be stored."""
    note = clean_note(note)
    if case is None:
        case = (event.case if event is not None else supervision.case if supervision is not None else None)
    store = storage()
    key = new_key(clock.today())
    store.save(key, checked.data)
    try:
        with acting_as(user_id):
            item = Attachment(
                case=case, event=event, supervision=supervision, criticism=criticism,
                file_name=checked.file_name, storage_key=key, content_type=checked.kind.content_type,
                size=len(checked.data), sha256=hashlib.sha256(checked.data).hexdigest(), uploaded_by_id=user_id,
                uploaded_at=clock.now(), note=note)
            db.session.add(item)
            db.session.commit()
    except BaseException:
        db.session.rollback()
        store.delete(key)
        raise
    return item


def of_case(case: Case) -> list[Attachment]:
    """The case's files (its own, its events' and those of its 督办单 the user may open), oldest first."""
    supervisions = sa.select(Supervision.id).where(Supervision.case_id == case.id, scope_condition(Supervision))
    if not _holds("can_show", "SupervisionView"):
        supervisions = supervisions.where(sa.false())
    return list(db.session.scalars(sa.select(Attachment).where(
        Attachment.case_id == case.id,
        sa.or_(Attachment.supervision_id.is_(None), Attachment.supervision_id.in_(supervisions)))
        .order_by(Attachment.id)))


def of_record(model: type, pk: int) -> list[Attachment]:
    """The files of one 督办单 or 通报批评, oldest first."""
    column = {Supervision: Attachment.supervision_id, Criticism: Attachment.criticism_id}[model]
    return list(db.session.scalars(sa.select(Attachment).where(column == pk).order_by(Attachment.id)))


def read_for(item: Attachment, user_id: int) -> bytes:
    """The file's bytes for user `user_id` (a preview or a download), logged in the audit log before they
    leave; FileNotFoundError when the store has lost them."""
    data = storage().read(item.storage_key)
    with acting_as(user_id):
        record(db.session, "download", "Attachment", item.id, {"file_name": [None, item.file_name]})
        db.session.commit()
    return data


def last_event(case_id: int, action: CaseAction, user_id: int) -> CaseEvent | None:
    """The newest event of `action` on the case by the user (the one just written)."""
    return db.session.scalars(sa.select(CaseEvent).where(
        CaseEvent.case_id == case_id, CaseEvent.action == action, CaseEvent.actor_id == user_id,
    ).order_by(CaseEvent.id.desc()).limit(1)).first()


def by_event(items: list[Attachment]) -> dict[int, list[Attachment]]:
    """Attachments grouped by the event they document (for the timeline)."""
    grouped: dict[int, list[Attachment]] = {}
    for item in items:
        if item.event_id is not None:
            grouped.setdefault(item.event_id, []).append(item)
    return grouped
