"""Synthetic cases for load tests (`flask seed-bulk --cases N --seed S`).

Cases are written with bulk Core INSERTs, CHUNK cases at a time (the workflow service would take
minutes for ten thousand, and one ORM object per row hours for a million), with the shapes the
workflow produces: a 受理 event, assignments for assigned and later cases, deadlines, verdicts.
Memory does not grow with N: only the current chunk's rows are held. The same seed gives the same
cases (the same as before the rewrite: the random draws come in the same order).

The run is one entry of the 操作日志 (how many, which seed, which numbers), not one per generated row:
Core INSERTs bypass the per-record audit of the ORM session, and that entry is written instead.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Callable, Iterator
from typing import Any

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
from workdays import clock
from workdays.store import work_calendar

CHUNK = 5000
"""Cases per round of INSERTs and per commit."""
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


def _plan(rng: random.Random, count: int) -> Iterator[tuple[dt.datetime, CaseStatus]]:
    """When each case was received and the state it is in: the first draws of the seed."""
    for _ in range(count):
        received = dt.datetime(rng.choice([2023, 2024, 2025, 2026]), rng.randint(1, 12), rng.randint(1, 28),
                               rng.randint(8, 17), rng.choice([0, 15, 30, 45]))
        yield received, rng.choices(STATUSES, WEIGHTS)[0]


def generate(count: int, seed: int, progress: Callable[[int], None] | None = None) -> int:
    """Create `count` synthetic cases, recorded as one 操作日志 entry; return how many were created."""
    from access.audit import record

    # The plan is drawn twice rather than kept: once to reserve each year's numbers, then again,
    # chunk by chunk, beside the details, which continue the first draw's sequence.
    details = random.Random(seed)
    by_year: dict[int, int] = {}
    for received, _status in _plan(details, count):
        by_year[received.year] = by_year.get(received.year, 0) + 1
    plan = _plan(random.Random(seed), count)
    writer = _Writer()
    next_seq = {year: reserve_numbers("case", year, n) for year, n in sorted(by_year.items())}
    first_seq = dict(next_seq)
    created = 0
    while created < count:
        size = min(CHUNK, count - created)
        cases = []
        for received, status in (next(plan) for _ in range(size)):
            seq = next_seq[received.year]
            next_seq[received.year] += 1
            cases.append(writer.case(details, received, status, f"BBC-{received.year}-{seq:04d}"))
        writer.insert(cases)
        db.session.commit()
        created += size
        if progress:
            progress(size)
    numbers = "；".join(f"BBC-{year}-{first_seq[year]:04d} … BBC-{year}-{next_seq[year] - 1:04d}"
                       for year in sorted(first_seq))
    record(db.session, "generate", "Case", None, {
        "case_count": [None, created], "seed": [None, seed], "numbers": [None, numbers]})
    db.session.commit()
    return created


class _Writer:
    """Turns draws into table rows, and inserts a chunk of them with a few executemany statements."""

    def __init__(self) -> None:
        self.calendar = work_calendar()
        self.departments = list(db.session.execute(sa.select(Department.id).where(
            Department.is_active.is_(True), Department.kind.in_([DepartmentKind.BACK_OFFICE, DepartmentKind.TOWN])
        )).scalars())
        self.actor = db.session.execute(sa.select(StaffUser.id).where(StaffUser.username == "system")).scalar_one()
        self.now = clock.now()
        self._due: dict[tuple[dt.date, int], dt.date] = {}
        self.tracks, self.channels = list(Track), list(Channel)
        self.problem_types, self.dispositions, self.levels = list(ProblemType), list(Disposition), list(Level)
        self.verdicts = list(SatisfactionLevel)[:3]

    def due(self, day: dt.date, workdays: int) -> dt.date:
        """`workdays` working days after `day` (a few thousand distinct days: computed once each)."""
        key = (day, workdays)
        if key not in self._due:
            self._due[key] = self.calendar.add_workdays(day, workdays)
        return self._due[key]

    def case(self, rng: random.Random, received: dt.datetime, status: CaseStatus, number: str) -> dict[str, Any]:
        """One case with its 受理 event, assignment and verdict, drawn in the order of the ORM version."""
        actor = self.actor
        topic = rng.choice(TOPICS)
        lead = rng.choice(self.departments) if self.departments else None
        assigned = status not in (CaseStatus.RECEIVED, CaseStatus.ASSESSING, CaseStatus.DECLINED) and lead
        track = rng.choice(self.tracks)
        due = self.due(received.date(), 5 if assigned else 1)
        response_due = self.due(received.date(), 1)
        answered = status != CaseStatus.RECEIVED
        case: dict[str, Any] = {
            "number": number, "title": f"{topic}办理受阻（压测）", "description": f"压测数据：{topic}相关诉求。",
            "channel": rng.choice(self.channels), "applicant_kind": ApplicantKind.PERSON,
            "applicant_name": rng.choice(SURNAMES) + rng.choice(["先生", "女士"]),
            "applicant_phone": "13" + "".join(str(rng.randint(0, 9)) for _ in range(9)),
            "received_at": received, "status": status, "due_date": due, "response_due": response_due,
            "problem_type": rng.choice(self.problem_types) if answered else None,
            "track": track if answered else None,
            "disposition": rng.choice(self.dispositions) if answered else None,
            "level": rng.choice(self.levels), "lead_department_id": lead if assigned else None,
            "responded_at": received + dt.timedelta(hours=2) if answered else None,
            "assigned_at": received + dt.timedelta(hours=3) if assigned else None,
            "resolved_at": None, "result": None, "solved": None, "archived_at": None,
            "version": 1,
            "created_at": self.now, "updated_at": self.now, "created_by_id": actor, "updated_by_id": actor,
        }
        closed = status in (CaseStatus.RESOLVED, CaseStatus.EVALUATED, CaseStatus.SUMMARIZED, CaseStatus.ARCHIVED)
        if closed:
            case["resolved_at"] = received + dt.timedelta(days=rng.randint(1, 9))
            case["result"], case["solved"] = "已办结（压测）", Solved.YES
        if status == CaseStatus.ARCHIVED:
            case["archived_at"] = case["resolved_at"] + dt.timedelta(days=7)
        # Kept beside the row until its id is known: the event, assignment and verdict that hang on it.
        case["_event"] = {"actor_id": actor, "action": CaseAction.RECEIVE, "to_status": CaseStatus.RECEIVED,
                          "at": received, "deadline": response_due, "data": {"channel": "seed"}}
        if assigned:
            replied = case["resolved_at"] if closed else None
            case["_assignment"] = {
                "department_id": lead, "role": AssignmentRole.LEAD, "assigned_at": case["assigned_at"],
                "deadline": due, "status": AssignmentStatus.REPLIED if replied else AssignmentStatus.SIGNED,
                "signed_at": case["assigned_at"] + dt.timedelta(hours=20), "replied_at": replied,
                "reply": "已办理（压测）" if replied else None}
        if status in (CaseStatus.EVALUATED, CaseStatus.SUMMARIZED, CaseStatus.ARCHIVED):
            case["_verdict"] = {"level": rng.choice(self.verdicts), "channel": FeedbackChannel.PHONE,
                                "evaluated_at": case["resolved_at"] + dt.timedelta(days=2)}
        return case

    def insert(self, cases: list[dict[str, Any]]) -> None:
        """INSERT the chunk's cases, then their events, assignments and verdicts under the new ids."""
        connection = db.session.connection()
        rows = [{k: v for k, v in c.items() if not k.startswith("_")} for c in cases]
        table = Case.__table__
        if connection.dialect.name == "postgresql":
            # Ids from the table's own sequence, then COPY: PostgreSQL's fastest way in.
            ids = connection.execute(sa.text(
                "SELECT nextval(pg_get_serial_sequence('\"case\"', 'id')) FROM generate_series(1, :n)"),
                {"n": len(rows)}).scalars().all()
            for case_id, row in zip(ids, rows, strict=True):
                row["id"] = case_id
            _copy(connection, table, rows)
        else:
            ids = connection.execute(sa.insert(table).returning(table.c.id, sort_by_parameter_order=True),
                                     rows).scalars().all()
        stamps = {"created_at": self.now, "updated_at": self.now, "created_by_id": self.actor,
                  "updated_by_id": self.actor}
        events, assignments, verdicts = [], [], []
        for case_id, case in zip(ids, cases, strict=True):
            events.append({**case["_event"], "case_id": case_id})
            if "_assignment" in case:
                assignments.append({**case["_assignment"], **stamps, "case_id": case_id})
            if "_verdict" in case:
                verdicts.append({**case["_verdict"], **stamps, "case_id": case_id})
        for model, dependent in ((CaseEvent, events), (Assignment, assignments), (Satisfaction, verdicts)):
            if not dependent:
                continue
            if connection.dialect.name == "postgresql":
                _copy(connection, model.__table__, dependent)
            else:
                connection.execute(sa.insert(model.__table__), dependent)


def _copy(connection: sa.Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """COPY `rows` (all with the same keys) into `table` over the session's own psycopg connection.

    COPY knows nothing of the model's Python-side defaults: the constant ones are filled in here (the
    callable ones — stamps, actor — the rows carry)."""
    defaults = {c.name: c.default.arg for c in table.c
                if c.name not in rows[0] and c.default is not None and c.default.is_scalar}
    columns = list(rows[0]) + list(defaults)
    names = ", ".join(f'"{c}"' for c in columns)
    converters = [_converter(table.c[c].type) for c in columns]
    fixed = [defaults[c] for c in defaults]
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        for row in rows:
            values = [*row.values(), *fixed]
            copy.write_row([convert(v) if convert and v is not None else v
                            for v, convert in zip(values, converters, strict=True)])


def _converter(column_type: Any) -> Callable[[Any], Any] | None:
    """How a Python value of `column_type` is written by COPY (None: as it is)."""
    if isinstance(column_type, sa.Enum):
        return lambda member: member.value  # the stored code (str() of a LabeledEnum is its Chinese label)
    if isinstance(column_type, sa.JSON):
        return lambda value: json.dumps(value, ensure_ascii=False)
    return None
