"""Replay the demo stories through the workflow, with the clock at each step's moment."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from console.errors import ConsoleError
from extensions import db
from models import Case, Coordinator, DictionaryEntry
from models.enums import ApplicantKind, Channel, DictionaryKind, SpecialGroup
from seed.stories import Story, everyday_stories, yang_case
from workdays import clock
from workflow.registration import register_case
from workflow.service import Actor, execute

NAMED = {"lead_department_id", "department_id", "forwarded_department_id"}


class SeedError(RuntimeError):
    """A demo story does not replay: the workflow refused one of its steps."""


def _resolve(values: dict, departments: dict[str, Any]) -> dict:
    resolved = dict(values)
    for key in NAMED & set(values):
        resolved[key] = departments[values[key]].id
    if "co_department_ids" in values:
        resolved["co_department_ids"] = [departments[n].id for n in values["co_department_ids"]]
    if "root_cause_id" in values:
        resolved["root_cause_id"] = db.session.execute(sa.select(DictionaryEntry.id).where(
            DictionaryEntry.kind == DictionaryKind.ROOT_CAUSE,
            DictionaryEntry.name == values["root_cause_id"])).scalar_one()
    return resolved


def replay(story: Story, departments: dict[str, Any], users: dict[str, Any], items: dict[str, Any]) -> Case:
    """Register the story's case at its date and run its steps at theirs."""
    actors = {name: Actor.system(user, channel="seed") for name, user in users.items()}
    coordinator = db.session.execute(
        sa.select(Coordinator).where(Coordinator.user_id == users["coordinator"].id)).scalar_one()
    case = Case(
        title=story.title, description=story.description, channel=Channel(story.channel),
        applicant_kind=ApplicantKind(story.kind), applicant_name=story.applicant, applicant_phone=story.phone,
        enterprise_name=story.enterprise, received_at=story.received_at, external_ref=story.external_ref,
        special_group=SpecialGroup(story.special_group) if story.special_group else None,
        service_item=items.get(story.service_item) if story.service_item else None,
        stuck_department=departments.get(story.stuck) if story.stuck else None,
        coordinator=coordinator,
    )
    with clock.frozen_at(story.received_at):
        register_case(case, actors["window"])
    for step in story.steps:
        with clock.frozen_at(step.at):
            raw = _resolve(step.values, departments)
            if step.note:
                raw["note"] = step.note
            try:
                execute(case.id, step.action, raw, actors[step.actor])
            except ConsoleError as exc:
                raise SeedError(f"{story.title} @ {step.at:%Y-%m-%d} {step.action}: {exc} {exc.fields}") from exc
    return case


def all_stories() -> list[Story]:
    """The 60 demo cases, oldest first."""
    return sorted([yang_case(), *everyday_stories()], key=lambda s: s.received_at)


def seed_cases(departments: dict[str, Any], users: dict[str, Any], items: dict[str, Any]) -> int:
    """Create the stories' cases that do not exist yet; return how many were created."""
    existing = {(r.title, r.received_at) for r in db.session.execute(sa.select(Case.title, Case.received_at))}
    created = 0
    for story in all_stories():
        if (story.title, story.received_at) not in existing:
            replay(story, departments, users, items)
            created += 1
    return created
