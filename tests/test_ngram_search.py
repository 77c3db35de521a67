"""The n-gram index finds exactly what LIKE finds: Chinese, Latin, digits, marks, 1–4 characters, after edits and
deletes, on SQLite (FTS5) and PostgreSQL (GIN tsvector) alike; the list's 包含 filter and the API's go through it."""

from __future__ import annotations

import datetime as dt
import random

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from access.system import as_system
from console.filters import escape_like
from console.ngrams import answers_exactly, query_tokens, text_tokens
from extensions import db
from models import Case
from models.case_search import FIELDS, contains, search_table
from models.enums import ApplicantKind, Channel
from tests.test_queries import counted

ALPHABET = "社保卡医疗税务证明办不成事aAbBzZ019 -%_，。É"
"""Chinese, Latin in both cases, digits, a space, LIKE's wildcards, full-width marks, a non-ASCII capital."""


def _text(rng: random.Random, longest: int) -> str:
    return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, longest)))


@pytest.fixture
def acting(app_ctx):
    """An app context acting as the system account (writes need an actor)."""
    with as_system():
        yield app_ctx


def _make_cases(count: int, seed: int = 11) -> list[int]:
    rng = random.Random(seed)
    cases = [Case(number=f"NG-{seed}-{i:04d}", title=_text(rng, 8), description=_text(rng, 30),
                  applicant_name=_text(rng, 4), enterprise_name=_text(rng, 6) if i % 3 else None,
                  channel=Channel.WINDOW, applicant_kind=ApplicantKind.PERSON,
                  received_at=dt.datetime(2026, 3, 2, 9, 0)) for i in range(count)]
    db.session.add_all(cases)
    db.session.commit()
    return [case.id for case in cases]


def _like(field: str, query: str) -> set[int]:
    column = getattr(Case, field)
    return set(db.session.scalars(sa.select(Case.id).where(column.ilike(f"%{escape_like(query)}%", escape="\\"))))


def _indexed(field: str, query: str) -> set[int]:
    return set(db.session.scalars(sa.select(Case.id).where(contains(field, query))))


def _queries(rng: random.Random) -> list[str]:
    singles = list(ALPHABET) + ["a", "z", "é", "É", "e"]
    pairs = [a + b for a in "社保卡aAz1 %_，" for b in "保卡医aB1 %_，"]
    longer = [_text(rng, 4) for _ in range(40)] + ["社保卡", "证明办", "aBz", "019", "办不成事"]
    return singles + pairs + longer


def _mismatches(queries: list[str]) -> dict:
    wrong = {}
    for field in FIELDS:
        for query in queries:
            like, indexed = _like(field, query), _indexed(field, query)
            if like != indexed:
                wrong[(field, query)] = (sorted(like - indexed), sorted(indexed - like))
    return wrong


def test_the_tokens_of_a_text():
    # hand-cut: 社, 保, a (A folded) and the pairs 社保, 保a; ASCII marks move to U+E000 + code
    assert text_tokens("社保A") == " ".join(sorted(["社", "保", "a", "社保", "保a"]))
    assert query_tokens("社保卡") == ["保卡", "社保"]
    assert query_tokens("a b") == sorted(["a\ue020", "\ue020b"])
    assert answers_exactly("社保") and answers_exactly("12") and not answers_exactly("ab")
    assert not answers_exactly("社保卡")


def test_index_and_like_agree_on_a_constructed_set_then_after_edits_and_deletes(acting):
    ids = _make_cases(60)
    queries = _queries(random.Random(3))
    assert sum(len(_like("description", q)) for q in queries) > 200  # the queries do hit rows
    assert _mismatches(queries) == {}

    rng = random.Random(5)
    for case in db.session.scalars(sa.select(Case).where(Case.id.in_(ids[:20]))):
        case.title, case.description, case.applicant_name = _text(rng, 8), _text(rng, 30), _text(rng, 4)
        case.enterprise_name = None if case.enterprise_name else _text(rng, 6)
    db.session.commit()
    for case in db.session.scalars(sa.select(Case).where(Case.id.in_(ids[20:30]))):
        db.session.delete(case)
    db.session.commit()
    assert _mismatches(queries) == {}
    table = search_table(db.engine.dialect.name)
    left = set(db.session.scalars(sa.select(table.c.case_id).where(table.c.case_id.in_(ids))))
    assert left == set(ids[:20] + ids[30:])  # deleted cases took their index rows with them


def test_an_edit_rolled_back_leaves_the_index_as_it_was(acting):
    [case_id] = _make_cases(1)
    case = db.session.get(Case, case_id)
    before = _indexed("title", case.title[:1])
    case.title = "回滚标题"
    db.session.flush()
    assert case_id in _indexed("title", "回滚")  # in the same transaction the index already says so
    db.session.rollback()
    assert _indexed("title", "回滚") == set() and _indexed("title", db.session.get(Case, case_id).title[:1]) == before


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.text(alphabet=ALPHABET, min_size=1, max_size=4))
def test_any_query_over_the_alphabet_agrees(acting, query):
    if not db.session.scalar(sa.select(sa.func.count()).select_from(Case).where(Case.number.like("NG-%"))):
        _make_cases(40, seed=17)
    assert _mismatches([query]) == {}


@pytest.mark.parametrize("query", ["社保", "税", "ab", "证明办"])
def test_the_list_filter_and_the_api_search_through_the_index(app, as_user, api, query):
    with app.app_context(), as_system():
        _make_cases(30)
        expected = len(_like("title", query) & set(db.session.scalars(sa.select(Case.id).where(
            Case.status != "voided"))))
    client = as_user("coordinator")
    with counted(app) as seen:
        html = client.get(f"/cases/list/?_flt_0_title={query}&psize_CaseView=100").get_data(as_text=True)
    assert any("case_search" in statement for statement in seen)
    assert html.count('name="rowid"') == min(expected, 100) if expected else "rowid" not in html
    rison = f"(filters:!((col:title,opr:contains,value:'{query}')),page_size:100)"
    answer = api("coordinator").get(f"/api/v1/cases/?q={rison}")
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["count"] == expected
