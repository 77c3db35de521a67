"""A large `seed-bulk` on PostgreSQL sets the loaded tables' indexes and foreign keys aside and puts them back
exactly as the migrations made them; a failure midway leaves schema and data as they were."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from extensions import db

LOADED = ("case", "case_event", "assignment", "satisfaction", "case_search")


@pytest.fixture(autouse=True)
def _postgresql_only(database):
    if not database.postgres:
        pytest.skip("PostgreSQL only: SQLite loads keep their indexes (set TEST_DATABASE_URL)")


def _schema() -> set[tuple]:
    """Every index and constraint of the loaded tables as the catalog's views spell them."""
    with db.engine.connect() as connection:
        indexes = connection.execute(sa.text(
            "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE tablename = ANY(:t)"), {"t": list(LOADED)})
        constraints = connection.execute(sa.text(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), convalidated FROM pg_constraint "
            "WHERE conrelid::regclass::text = ANY(:t)"), {"t": [f'"{t}"' if t == "case" else t for t in LOADED]})
        return {("index", *row) for row in indexes} | {("constraint", *row) for row in constraints}


def _index_oids() -> dict[str, int]:
    """Each index of the loaded tables by name, with its oid (a rebuilt index gets a new one)."""
    with db.engine.connect() as connection:
        return dict(connection.execute(sa.text(
            "SELECT c.relname, c.oid::int FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "JOIN pg_class t ON t.oid = i.indrelid WHERE t.relname = ANY(:t)"), {"t": list(LOADED)}).all())


def _counts() -> dict[str, int]:
    with db.engine.connect() as connection:
        counts = {t: connection.execute(sa.text(f'SELECT count(*) FROM "{t}"')).scalar_one()
                  for t in (*LOADED, "year_counter", "audit_log")}
        counts["counters"] = connection.execute(sa.text("SELECT sum(value) FROM year_counter")).scalar_one()
        return counts


def _run(app, *args: str):
    db.session.remove()
    return app.test_cli_runner().invoke(args=["seed-bulk", *args])


def test_a_large_load_rebuilds_indexes_and_keys_with_the_same_definitions(app, app_ctx):
    before, oids, counts = _schema(), _index_oids(), _counts()
    # Counted by hand in the migrated schema: foreign keys case 10, assignment 5, case_event 3, satisfaction 3,
    # case_search 1 (22); non-unique indexes case 18 (16, and 0014's two for the 工作台's tiles), case_event 5,
    # assignment 4, case_search 4 GIN, satisfaction 3 (34).
    assert sum(1 for row in before if row[0] == "constraint" and row[3].startswith("FOREIGN KEY")) == 22
    assert counts["case"] == 60  # the demo district: 120 cases to load is "at least as many as there are"
    result = _run(app, "--cases", "120", "--seed", "5")
    assert result.exit_code == 0, result.output
    assert _schema() == before
    assert all(row[4] for row in _schema() if row[0] == "constraint"), "every constraint validated"
    after = _index_oids()
    rebuilt = {name for name in oids if after[name] != oids[name]}
    # The 34 non-unique indexes were built anew; the primary keys and unique indexes were kept.
    assert len(rebuilt) == 34 and all(name.startswith("ix_") for name in rebuilt)
    assert {name for name in oids if name.startswith(("pk_", "uq_"))}.isdisjoint(rebuilt)
    now = _counts()
    assert now["case"] - counts["case"] == 120 and now["case_search"] - counts["case_search"] == 120


def test_a_small_load_leaves_the_indexes_in_place(app, app_ctx):
    oids = _index_oids()
    assert _run(app, "--cases", "30", "--seed", "5").exit_code == 0  # 30 < 60 cases already there
    assert _index_oids() == oids


def test_a_failure_after_the_drop_restores_schema_and_data(app, app_ctx, monkeypatch):
    import seed.bulk as bulk

    before, oids, counts = _schema(), _index_oids(), _counts()
    real_case, seen = bulk._Writer.case, {"cases": 0, "locked": 0}
    engine = db.engine  # the generator runs in a thread of its own, outside the app context

    def failing_case(self, chunk, *args):
        seen["cases"] += 1
        if seen["cases"] == 100:  # in the third chunk of 40: two chunks are already COPYed
            with engine.connect() as other:
                seen["locked"] = other.execute(sa.text(
                    "SELECT count(*) FROM pg_locks WHERE relation = '\"case\"'::regclass "
                    "AND mode = 'AccessExclusiveLock' AND granted")).scalar_one()
            raise RuntimeError("generator failed midway")
        return real_case(self, chunk, *args)

    monkeypatch.setattr(bulk, "CHUNK", 40)
    monkeypatch.setattr(bulk._Writer, "case", failing_case)
    result = _run(app, "--cases", "120", "--seed", "5")
    assert result.exit_code != 0 and isinstance(result.exception, RuntimeError)
    assert seen["locked"] == 1, "the load had dropped the indexes (DROP INDEX locks the table) when it failed"
    assert _schema() == before
    assert _index_oids() == oids
    assert _counts() == counts  # no case, event, search row, number reservation or audit entry added
