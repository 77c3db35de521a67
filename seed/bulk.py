"""Synthetic cases for load tests (`flask seed-bulk --cases N --seed S`).

Cases are written in batches straight to the tables (the workflow service
would take minutes for ten thousand), with the shapes the workflow produces:
a 受理 event, assignments for assigned and later cases, deadlines, verdicts.
The same seed gives the same cases.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

import sqlalchemy as sa

from extensions import db
from models import Assignment, Case, CaseEvent, Department, Satisfaction, StaffUser
from models.counter import YearCounter
from models.enums import (
    ApplicantKind,
    AssignmentRole,
    AssignmentStatus,
    CaseAction,
    CaseStatus,
    Channel,
    DepartmentKind,
    Disposition,
    FeedbackChannel,
    Level,
    ProblemType,
    SatisfactionLevel,
    Solved,
    Track,
)
from workdays.store import work_calendar

BATCH = 500
STATUSES = [CaseStatus.RECEIVED, CaseStatus.ASSESSING, CaseStatus.ASSIGNED, CaseStatus.RESOLVED,
            CaseStatus.EVALUATED, CaseStatus.SUMMARIZED, CaseStatus.ARCHIVED, CaseStatus.DECLINED]
WEIGHTS = [3, 3, 10, 4, 3, 3, 70, 4]
SURNAMES = "李王张刘陈杨黄赵吴周徐孙马朱胡郭何林罗梁"
TOPICS = ["社保补缴", "营业执照变更", "不动产登记", "发票申领", "异地就医备案", "工伤认定", "公积金提取", "施工许可"]


def reserve_numbers(series: str, year: int, count: int) -> int:
    """Reserve `count` consecutive numbers of a yearly series at once; return the first."""
    table = YearCounter.__table__
    current = db.session.execute(sa.select(table.c.value).where(
        table.c.series == series, table.c.year == year).with_for_update()).scalar_one_or_none()
    if current is None:
        db.session.execute(sa.insert(table).values(series=series, year=year, value=count))
        return 1
    db.session.execute(sa.update(table).where(table.c.series == series, table.c.year == year)
                       .values(value=current + count))
    return current + 1


def generate(count: int, seed: int, progress: Callable[[int], None] | None = None) -> int:
    """Create `count` synthetic cases; return how many were created."""
    rng = random.Random(seed)
    calendar = work_calendar()
    departments = list(db.session.execute(sa.select(Department.id).where(
        Department.is_active.is_(True), Department.kind.in_([DepartmentKind.BACK_OFFICE, DepartmentKind.TOWN])
    )).scalars())
    actor = db.session.execute(sa.select(StaffUser.id).where(StaffUser.username == "system")).scalar_one()
    plan = []
    for _ in range(count):
        received = dt.datetime(rng.choice([2023, 2024, 2025, 2026]), rng.randint(1, 12), rng.randint(1, 28),
                               rng.randint(8, 17), rng.choice([0, 15, 30, 45]))
        plan.append((received, rng.choices(STATUSES, WEIGHTS)[0]))
    by_year: dict[int, int] = {}
    for received, _status in plan:
        by_year[received.year] = by_year.get(received.year, 0) + 1
    next_seq = {year: reserve_numbers("case", year, n) for year, n in by_year.items()}
    created = 0
    for start in range(0, count, BATCH):
        for received, status in plan[start:start + BATCH]:
            seq = next_seq[received.year]
            next_seq[received.year] += 1
            _add_case(rng, calendar, departments, actor, received, status, f"BBC-{received.year}-{seq:04d}")
            created += 1
        db.session.commit()
        if progress:
            progress(min(BATCH, count - start))
    return created


def _add_case(rng: random.Random, calendar: object, departments: list[int], actor: int, received: dt.datetime,
              status: CaseStatus, number: str) -> None:
    topic = rng.choice(TOPICS)
    lead = rng.choice(departments) if departments else None
    assigned = status not in (CaseStatus.RECEIVED, CaseStatus.ASSESSING, CaseStatus.DECLINED) and lead
    track = rng.choice(list(Track))
    due = calendar.add_workdays(received.date(), 5 if assigned else 1)
    case = Case(
        number=number, title=f"{topic}办理受阻（压测）", description=f"压测数据：{topic}相关诉求。",
        channel=rng.choice(list(Channel)), applicant_kind=ApplicantKind.PERSON,
        applicant_name=rng.choice(SURNAMES) + rng.choice(["先生", "女士"]),
        applicant_phone="13" + "".join(str(rng.randint(0, 9)) for _ in range(9)),
        received_at=received, status=status, due_date=due, response_due=calendar.add_workdays(received.date(), 1),
        problem_type=rng.choice(list(ProblemType)) if status != CaseStatus.RECEIVED else None,
        track=track if status != CaseStatus.RECEIVED else None,
        disposition=rng.choice(list(Disposition)) if status != CaseStatus.RECEIVED else None,
        level=rng.choice(list(Level)), lead_department_id=lead if assigned else None,
        responded_at=received + dt.timedelta(hours=2) if status != CaseStatus.RECEIVED else None,
        assigned_at=received + dt.timedelta(hours=3) if assigned else None,
        created_by_id=actor, updated_by_id=actor,
    )
    closed = status in (CaseStatus.RESOLVED, CaseStatus.EVALUATED, CaseStatus.SUMMARIZED, CaseStatus.ARCHIVED)
    if closed:
        case.resolved_at = received + dt.timedelta(days=rng.randint(1, 9))
        case.result, case.solved = "已办结（压测）", Solved.YES
    if status == CaseStatus.ARCHIVED:
        case.archived_at = case.resolved_at + dt.timedelta(days=7)
    db.session.add(case)
    # The 受理 event records the response deadline, as registration does (the 响应率 reads it).
    db.session.add(CaseEvent(case=case, actor_id=actor, action=CaseAction.RECEIVE, to_status=CaseStatus.RECEIVED,
                             at=received, deadline=calendar.add_workdays(received.date(), 1),
                             data={"channel": "seed"}))
    if assigned:
        replied = case.resolved_at if closed else None
        db.session.add(Assignment(
            case=case, department_id=lead, role=AssignmentRole.LEAD, assigned_at=case.assigned_at, deadline=due,
            status=AssignmentStatus.REPLIED if replied else AssignmentStatus.SIGNED,
            signed_at=case.assigned_at + dt.timedelta(hours=20), replied_at=replied,
            reply="已办理（压测）" if replied else None, created_by_id=actor, updated_by_id=actor))
    if status in (CaseStatus.EVALUATED, CaseStatus.SUMMARIZED, CaseStatus.ARCHIVED):
        db.session.add(Satisfaction(case=case, level=rng.choice(list(SatisfactionLevel)[:3]),
                                    channel=FeedbackChannel.PHONE, evaluated_at=case.resolved_at
                                    + dt.timedelta(days=2), created_by_id=actor, updated_by_id=actor))
