"""Synthetic cases for load tests (`flask seed-bulk --cases N --seed S`).

Cases are written in bulk, CHUNK cases at a time (COPY on PostgreSQL, one executemany on SQLite:
seed/bulk_load.py), with the shapes the workflow produces: a 受理 event, assignments for assigned
and later cases, deadlines, verdicts, and the case's n-gram search row (models/case_search.py),
which the ORM session would have written. On PostgreSQL a thread draws the next chunk while the current
one is written (seed/bulk_pipeline.py). Memory does not grow with N: at most three chunks' rows are held.
A load at least as large as the cases already there is, on PostgreSQL, one transaction that sets the
tables' indexes and foreign keys aside and rebuilds them afterwards (seed/bulk_rebuild.py).
The same seed gives the same cases (the same as before the rewrites: the random draws come in the
same order; `choice` of a range draws exactly as `randint` did).

The run is one entry of the 操作日志 (how many, which seed, which numbers), not one per generated row:
bulk writes bypass the per-record audit of the ORM session, and that entry is written instead.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import random
from collections.abc import Callable, Iterator

import sqlalchemy as sa

from console.ngrams import text_tokens
from extensions import db
from models import Assignment, Case, CaseEvent, Department, Satisfaction, StaffUser
from models.case_search import FIELDS as SEARCHED
from models.case_search import search_table
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
from seed.bulk_load import Loader, day, fast_sqlite_writes, stamp
from seed.bulk_pipeline import AheadOfLoad
from seed.bulk_rebuild import rebuilt_after_load, worth_rebuilding
from workdays import clock
from workdays.store import work_calendar

CHUNK = 10000
"""Cases per COPY / executemany round, and per commit of a small load (about 15 MB of rows)."""
STATUSES = [CaseStatus.RECEIVED, CaseStatus.ASSESSING, CaseStatus.ASSIGNED, CaseStatus.RESOLVED,
            CaseStatus.EVALUATED, CaseStatus.SUMMARIZED, CaseStatus.ARCHIVED, CaseStatus.DECLINED]
WEIGHTS = [3, 3, 10, 4, 3, 3, 70, 4]
_CUMULATIVE = list(itertools.accumulate(WEIGHTS))  # what choices() builds from WEIGHTS on every call
SURNAMES = "李王张刘陈杨黄赵吴周徐孙马朱胡郭何林罗梁"
# choice() of a range draws exactly what randint() over the same bounds drew, with fewer calls.
YEARS, MONTHS, DAYS, HOURS = [2023, 2024, 2025, 2026], range(1, 13), range(1, 29), range(8, 18)
MINUTES, DIGITS, RESOLVE_DAYS = [0, 15, 30, 45], "0123456789", range(1, 10)
TOPICS = ["社保补缴", "营业执照变更", "不动产登记", "发票申领", "异地就医备案", "工伤认定", "公积金提取", "施工许可"]


def reserve_numbers(connection: sa.Connection, series: str, year: int, count: int) -> int:
    """Reserve `count` consecutive numbers of a yearly series at once, in `connection`'s transaction;
    return the first."""
    table = YearCounter.__table__
    current = connection.execute(sa.select(table.c.value).where(
        table.c.series == series, table.c.year == year).with_for_update()).scalar_one_or_none()
    if current is None:
        connection.execute(sa.insert(table).values(series=series, year=year, value=count))
        return 1
    connection.execute(sa.update(table).where(table.c.series == series, table.c.year == year)
                       .values(value=current + count))
    return current + 1


def _plan(rng: random.Random, count: int) -> Iterator[tuple[dt.datetime, CaseStatus]]:
    """When each case was received and the state it is in: the first draws of the seed."""
    choice, choices = rng.choice, rng.choices
    for _ in range(count):
        received = dt.datetime(choice(YEARS), choice(MONTHS), choice(DAYS), choice(HOURS), choice(MINUTES))
        yield received, choices(STATUSES, cum_weights=_CUMULATIVE)[0]


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
    db.session.commit()
    created = 0
    tables = _Writer.tables(db.engine.dialect.name)
    # A connection of its own, kept for the whole load (the session would hand its back at every commit).
    with db.engine.connect() as connection, fast_sqlite_writes(connection):
        loader = Loader(connection)
        large = worth_rebuilding(connection, Case.__table__, count)
        next_seq = {year: reserve_numbers(connection, "case", year, n) for year, n in sorted(by_year.items())}
        first_seq = dict(next_seq)
        if not large:
            connection.commit()  # the numbers are taken; registrations of the same years need not wait
        sizes = [min(CHUNK, count - start) for start in range(0, count, CHUNK)]

        def build(ids: range | list[int]) -> _Chunk:
            """The rows of the next len(ids) cases of the plan (in the producer thread: no database here)."""
            chunk = _Chunk(ids)
            for received, status in itertools.islice(plan, len(ids)):
                seq = next_seq[received.year]
                next_seq[received.year] += 1
                writer.case(chunk, details, received, status, f"BBC-{received.year}-{seq:04d}")
            return chunk

        # A large load is one transaction, reservation included; a small one commits chunk by chunk.
        with rebuilt_after_load(connection, tables) if large else contextlib.nullcontext(), \
                AheadOfLoad(build, threaded=loader.postgresql) as ahead:
            ahead.submit(loader.next_ids(Case.__table__, sizes[0]))
            for index, size in enumerate(sizes):
                if index + 1 < len(sizes):  # the next chunk is drawn while this one is written
                    ahead.submit(loader.next_ids(Case.__table__, sizes[index + 1]))
                writer.insert(loader, ahead.take())
                if not large:
                    connection.commit()
                created += size
                if progress:
                    progress(size)
        loader.analyze(tables)
    numbers = "；".join(f"BBC-{year}-{first_seq[year]:04d} … BBC-{year}-{next_seq[year] - 1:04d}"
                       for year in sorted(first_seq))
    record(db.session, "generate", "Case", None, {
        "case_count": [None, created], "seed": [None, seed], "numbers": [None, numbers]})
    db.session.commit()
    return created


CASE_COLUMNS = ("id", "number", "title", "description", "channel", "applicant_kind", "applicant_name",
                "applicant_phone", "received_at", "status", "due_date", "response_due", "problem_type", "track",
                "disposition", "level", "lead_department_id", "responded_at", "assigned_at", "resolved_at",
                "result", "solved", "archived_at", "version", "created_at", "updated_at", "created_by_id",
                "updated_by_id")
EVENT_COLUMNS = ("case_id", "actor_id", "action", "to_status", "at", "deadline", "data")
STAMPS = ("created_at", "updated_at", "created_by_id", "updated_by_id")
ASSIGNMENT_COLUMNS = ("case_id", "department_id", "role", "assigned_at", "deadline", "status", "signed_at",
                      "replied_at", "reply", *STAMPS)
VERDICT_COLUMNS = ("case_id", "level", "channel", "evaluated_at", *STAMPS)
SEARCH_COLUMNS = ("case_id", *SEARCHED)
_UNANSWERED = {CaseStatus.RECEIVED}
_UNASSIGNED = {CaseStatus.RECEIVED, CaseStatus.ASSESSING, CaseStatus.DECLINED}
_CLOSED = {CaseStatus.RESOLVED, CaseStatus.EVALUATED, CaseStatus.SUMMARIZED, CaseStatus.ARCHIVED}
_EVALUATED = {CaseStatus.EVALUATED, CaseStatus.SUMMARIZED, CaseStatus.ARCHIVED}
# The stored codes of the constant columns, looked up once rather than per row.
_PERSON, _RECEIVE, _RECEIVED, _LEAD = (ApplicantKind.PERSON.value, CaseAction.RECEIVE.value, CaseStatus.RECEIVED.value,
                                      AssignmentRole.LEAD.value)
_REPLIED, _SIGNED, _SOLVED, _PHONE = (AssignmentStatus.REPLIED.value, AssignmentStatus.SIGNED.value, Solved.YES.value,
                                      FeedbackChannel.PHONE.value)


class _Chunk:
    """The rows of one chunk of cases, each table's as tuples in the order of its columns."""

    def __init__(self, ids: range | list[int]) -> None:
        self.ids = iter(ids)
        self.cases: list[tuple] = []
        self.events: list[tuple] = []
        self.assignments: list[tuple] = []
        self.verdicts: list[tuple] = []
        self.search: list[tuple] = []


class _Writer:
    """Turns draws into table rows, and appends a chunk of them to the tables."""

    def __init__(self) -> None:
        self.calendar = work_calendar()
        self.departments = list(db.session.execute(sa.select(Department.id).where(
            Department.is_active.is_(True), Department.kind.in_([DepartmentKind.BACK_OFFICE, DepartmentKind.TOWN])
        )).scalars())
        self.actor = db.session.execute(sa.select(StaffUser.id).where(StaffUser.username == "system")).scalar_one()
        now = stamp(clock.now())
        self.stamps = (now, now, self.actor, self.actor)
        self._due: dict[tuple[dt.date, int], str] = {}
        self._tokens: dict[str | None, str] = {}
        self.tracks, self.channels = [m.value for m in Track], [m.value for m in Channel]
        self.problem_types = [m.value for m in ProblemType]
        self.dispositions, self.levels = [m.value for m in Disposition], [m.value for m in Level]
        self.verdicts = [m.value for m in list(SatisfactionLevel)[:3]]
        self.receive_data = '{"channel": "seed"}'  # the 受理 event's JSON, as SQLAlchemy's json.dumps writes it

    def due(self, date: dt.date, workdays: int) -> str:
        """`workdays` working days after `date` (a few thousand distinct days: computed once each)."""
        key = (date, workdays)
        if key not in self._due:
            self._due[key] = day(self.calendar.add_workdays(date, workdays))
        return self._due[key]

    def tokens(self, text: str | None) -> str:
        """The n-gram tokens of `text` (generated texts repeat: each is cut once)."""
        if text not in self._tokens:
            self._tokens[text] = text_tokens(text)
        return self._tokens[text]

    def case(self, chunk: _Chunk, rng: random.Random, received: dt.datetime, status: CaseStatus,
             number: str) -> None:
        """One case with its 受理 event, assignment, verdict and search row, drawn in the order of the ORM version."""
        choice = rng.choice
        topic = choice(TOPICS)
        lead = choice(self.departments) if self.departments else None
        assigned = status not in _UNASSIGNED and lead
        track = choice(self.tracks)
        channel = choice(self.channels)
        applicant = choice(SURNAMES) + choice(["先生", "女士"])
        phone = "13" + "".join([choice(DIGITS) for _ in range(9)])
        answered = status not in _UNANSWERED
        problem_type = choice(self.problem_types) if answered else None
        disposition = choice(self.dispositions) if answered else None
        level = choice(self.levels)
        closed = status in _CLOSED
        resolved = received + dt.timedelta(days=choice(RESOLVE_DAYS)) if closed else None
        verdict = choice(self.verdicts) if status in _EVALUATED else None

        date = received.date()
        due, response_due = self.due(date, 5 if assigned else 1), self.due(date, 1)
        received_at = stamp(received)
        assigned_at = stamp(received + dt.timedelta(hours=3)) if assigned else None
        resolved_at = stamp(resolved) if resolved else None
        title, description = f"{topic}办理受阻（压测）", f"压测数据：{topic}相关诉求。"
        case_id = next(chunk.ids)
        chunk.cases.append((
            case_id, number, title, description, channel, _PERSON, applicant, phone,
            received_at, status.value, due, response_due, problem_type, track if answered else None, disposition,
            level, lead if assigned else None, stamp(received + dt.timedelta(hours=2)) if answered else None,
            assigned_at, resolved_at, "已办结（压测）" if closed else None, _SOLVED if closed else None,
            stamp(resolved + dt.timedelta(days=7)) if status == CaseStatus.ARCHIVED and resolved else None,
            1, *self.stamps))
        chunk.events.append((case_id, self.actor, _RECEIVE, _RECEIVED, received_at, response_due, self.receive_data))
        if assigned:
            chunk.assignments.append((
                case_id, lead, _LEAD, assigned_at, due, _REPLIED if closed else _SIGNED,
                stamp(received + dt.timedelta(hours=23)), resolved_at, "已办理（压测）" if closed else None,
                *self.stamps))
        if verdict and resolved:
            chunk.verdicts.append((case_id, verdict, _PHONE,
                                   stamp(resolved + dt.timedelta(days=2)), *self.stamps))
        tokens = self.tokens
        chunk.search.append((case_id, tokens(title), tokens(description), tokens(applicant), tokens(None)))

    @staticmethod
    def tables(dialect_name: str) -> list[sa.Table]:
        """The tables a chunk is written to."""
        return [Case.__table__, CaseEvent.__table__, Assignment.__table__, Satisfaction.__table__,
                search_table(dialect_name)]

    @staticmethod
    def insert(loader: Loader, chunk: _Chunk) -> None:
        """Append the chunk's cases, then what hangs on them, then their search rows."""
        append = loader.append
        append(Case.__table__, CASE_COLUMNS, chunk.cases)
        append(CaseEvent.__table__, EVENT_COLUMNS, chunk.events)
        append(Assignment.__table__, ASSIGNMENT_COLUMNS, chunk.assignments)
        append(Satisfaction.__table__, VERDICT_COLUMNS, chunk.verdicts)
        search = search_table(loader.connection.dialect.name)
        append(search, [search.c[key].name for key in SEARCH_COLUMNS], chunk.search)
