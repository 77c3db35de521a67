"""The 操作日志 as a hash chain: appending links each row to the one before; verifying walks the links.

    row_hash = SHA-256(canonical JSON of id, at, user, IP, channel, operation, model,
                       record id, changes, prev_id, prev_hash)

`append` is called once per committing transaction (access/audit.py). It locks
the chain's head row (`audit_chain`, id 1) with an UPDATE, so appends from any
number of threads and processes queue there and the chain stays one line, on
SQLite and PostgreSQL alike; the lock is taken just before COMMIT, when the
transaction's other rows are already written, so it is held only briefly.

`verify` reads the head and every row in one statement (one consistent
snapshot) and walks them in id order. The first row that breaks the chain is
named: ALTERED when its content no longer matches its hash (or a later row's
link shows its hash was recomputed), REMOVED when a row links to one that is
gone (or the head names a row that is gone), INSERTED when a row is not linked
in (or follows the head). Rows a purge removed end at the anchor it recorded.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

import sqlalchemy as sa

from models.audit import AuditLog
from models.audit_chain import AuditChain, AuditVerification, ChainProblem

HEAD = 1
"""The id of the chain's only head row."""
HASHED = ("id", "at", "user_id", "username", "ip", "channel", "operation", "model", "record_id", "changes",
          "prev_id", "prev_hash")
"""The columns a row's hash covers (all but `row_hash`, where it is stored)."""
LOG_COLUMNS = (*HASHED, "row_hash")


def _normal(key: str, value: Any) -> Any:
    """A column's value as the hash reads it, the same whether it was just written or read back raw."""
    if value is None:
        return None
    if isinstance(value, enum.Enum):
        return value.value
    if key == "at":
        if isinstance(value, str):
            try:
                value = dt.datetime.fromisoformat(value)
            except ValueError:
                return value
        return value.isoformat() if isinstance(value, dt.datetime) else str(value)
    if key == "changes" and isinstance(value, (str, bytes)):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def canonical(row: Mapping[str, Any]) -> bytes:
    """The bytes a row's hash is computed over: its hashed columns as sorted, compact JSON."""
    content = {key: _normal(key, row.get(key)) for key in HASHED}
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def row_digest(row: Mapping[str, Any]) -> str:
    """The SHA-256 (hex) a row with these values carries in `row_hash`."""
    return hashlib.sha256(canonical(row)).hexdigest()


# ---- appending ---------------------------------------------------------------------------


def _lock_head(connection: sa.Connection) -> tuple[int | None, str | None]:
    """Take the head row's write lock for the rest of the transaction; return the last link."""
    head = AuditChain.__table__
    touch = (sa.update(head).where(head.c.id == HEAD).values(head_id=head.c.head_id)
             .returning(head.c.head_id, head.c.head_hash))
    locked = connection.execute(touch).one_or_none()
    if locked is None:  # a database made without the migrations: start the chain
        connection.execute(sa.insert(head).values(id=HEAD))
        locked = connection.execute(touch).one()
    return locked[0], locked[1]


def _new_ids(connection: sa.Connection, count: int, after: int | None) -> list[int]:
    """`count` ids for new rows, increasing, allocated while the head is locked."""
    if connection.dialect.name == "postgresql":
        return sorted(connection.execute(sa.text(
            "SELECT nextval(pg_get_serial_sequence('audit_log', 'id')) FROM generate_series(1, :n)"),
            {"n": count}).scalars())
    # SQLite hands out max(id) + 1; never below the head, even if rows above it were deleted.
    top = connection.execute(sa.select(sa.func.max(AuditLog.__table__.c.id))).scalar() or 0
    start = max(top, after or 0) + 1
    return list(range(start, start + count))


def append(connection: sa.Connection, rows: list[dict[str, Any]]) -> None:
    """Link `rows` (audit columns without id and hashes) to the chain and insert them, in order."""
    if not rows:
        return
    prev_id, prev_hash = _lock_head(connection)
    ids = _new_ids(connection, len(rows), prev_id)
    linked = []
    for pk, row in zip(ids, rows, strict=True):
        # What the database gives back is what gets hashed: JSON round-trips to lists and plain values.
        changes = None if row.get("changes") is None else json.loads(json.dumps(row["changes"]))
        item = {**row, "changes": changes, "id": pk, "prev_id": prev_id, "prev_hash": prev_hash}
        item["row_hash"] = prev_hash = row_digest(item)
        prev_id = pk
        linked.append(item)
    connection.execute(sa.insert(AuditLog.__table__), linked)
    head = AuditChain.__table__
    connection.execute(sa.update(head).where(head.c.id == HEAD).values(head_id=prev_id, head_hash=prev_hash))


def chain_rows(rows: Iterable[Mapping[str, Any]],
               start: tuple[int | None, str | None] = (None, None)) -> Iterable[dict[str, Any]]:
    """(prev_id, prev_hash, row_hash) for rows already stored, in id order: how the migration seals them."""
    prev_id, prev_hash = start
    for row in rows:
        item = {**row, "prev_id": prev_id, "prev_hash": prev_hash}
        prev_id, prev_hash = row["id"], row_digest(item)
        yield {"id": row["id"], "prev_id": item["prev_id"], "prev_hash": item["prev_hash"], "row_hash": prev_hash}


# ---- verifying ---------------------------------------------------------------------------


def _walk_statement() -> sa.TextClause:
    columns = ", ".join(f"a.{c}" for c in LOG_COLUMNS)
    return sa.text(f"SELECT h.head_id AS h_head_id, h.head_hash AS h_head_hash, h.anchor_id AS h_anchor_id, "
                   f"h.anchor_hash AS h_anchor_hash, {columns} "
                   f"FROM audit_chain h LEFT OUTER JOIN audit_log a ON 1 = 1 WHERE h.id = {HEAD} ORDER BY a.id")


def _exists(connection: sa.Connection, pk: int) -> bool:
    return connection.execute(sa.text("SELECT 1 FROM audit_log WHERE id = :id"), {"id": pk}).first() is not None


def _first_after(connection: sa.Connection, pk: int) -> int | None:
    return connection.execute(sa.text("SELECT min(id) FROM audit_log WHERE id > :id"), {"id": pk}).scalar()


def _link_break(connection: sa.Connection, row: Mapping[str, Any], expected: tuple[Any, Any], sealed: bool,
                from_anchor: bool) -> tuple[int, ChainProblem]:
    """Name the first broken row when `row` does not link to the row before it (`expected`)."""
    claimed, before = row["prev_id"], expected[0]
    if not sealed or claimed is None or claimed >= row["id"]:
        return row["id"], ChainProblem.INSERTED if not sealed else ChainProblem.ALTERED
    if claimed == before:  # the row before was changed and its hash recomputed
        return (row["id"], ChainProblem.ALTERED) if from_anchor else (claimed, ChainProblem.ALTERED)
    if before is None or claimed > before or not _exists(connection, claimed):
        return claimed, ChainProblem.REMOVED
    return _first_after(connection, claimed) or row["id"], ChainProblem.INSERTED


def verify(connection: sa.Connection) -> AuditVerification:
    """Walk the chain from its anchor to its head; the result (not yet saved) names the first broken row."""
    # Streamed (a server-side cursor on PostgreSQL) for this statement only, not for the connection.
    result = connection.execute(_walk_statement().execution_options(stream_results=True, yield_per=2000))
    checked, head, broken = 0, None, None
    for record in result.mappings():
        if head is None:
            head = (record["h_head_id"], record["h_head_hash"])
            anchor = (record["h_anchor_id"], record["h_anchor_hash"])
            expected, from_anchor = anchor, True
        if record["id"] is None:
            break
        checked += 1
        if anchor[0] is not None and record["id"] <= anchor[0]:
            broken = record["id"], ChainProblem.INSERTED
            break
        sealed = record["row_hash"] == row_digest(record)
        if (record["prev_id"], record["prev_hash"]) != expected:
            broken = _link_break(connection, record, expected, sealed, from_anchor)
            break
        if not sealed:
            broken = record["id"], ChainProblem.ALTERED
            break
        expected, from_anchor = (record["id"], record["row_hash"]), False
    result.close()
    if head is None:
        broken = None, ChainProblem.NO_HEAD
    elif broken is None and expected != head:
        broken = _head_break(connection, head, expected)
    return AuditVerification(checked=checked, head_id=head[0] if head else None,
                             head_hash=head[1] if head else None,
                             broken_id=broken[0] if broken else None, problem=broken[1] if broken else None)


def _head_break(connection: sa.Connection, head: tuple[Any, Any], last: tuple[Any, Any]) -> tuple[Any, ChainProblem]:
    """The walk ended at `last`, but the head names another row."""
    if head[0] == last[0]:
        return head[0], ChainProblem.ALTERED
    if head[0] is not None and (last[0] is None or head[0] > last[0]):
        return head[0], ChainProblem.REMOVED
    return _first_after(connection, head[0] or 0), ChainProblem.INSERTED
