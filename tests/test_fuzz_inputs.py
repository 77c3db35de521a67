"""Hostile input on forms, the API and list filters never produces a 500 and never half-saves.

NUL bytes, lone surrogates, 100 kB strings, LIKE wildcards, huge numbers — on
SQLite and (with TEST_DATABASE_URL) PostgreSQL alike.
"""

from __future__ import annotations

import json
from urllib.parse import quote

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extensions import db
from models import Case
from tests.conftest import api_token, login

NASTY = st.one_of(
    st.text(max_size=50),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=30),
    st.sampled_from(["\x00", "a\x00b", "\ud800", "x\udfff", "%", "_", "%_%", "' OR 1=1 --", "<script>", "𠀀𪚥",
                     "9" * 40, "-1", "1e309", "NaN", "null", "   ", "\t\n"]),
    st.just("长" * 100_000),
)
FIELDS = ["title", "description", "channel", "applicant_kind", "applicant_name", "applicant_phone",
          "applicant_id_number", "credit_code", "enterprise_name", "received_at", "external_ref",
          "service_item", "stuck_department", "coordinator", "special_group"]
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))


def _case_count(app) -> int:
    with app.app_context():
        count = db.session.execute(sa.select(sa.func.count()).select_from(Case)).scalar_one()
        db.session.remove()
        return count


def _encodable(text: str) -> str:
    # A browser cannot put a lone surrogate into UTF-8 form data; it arrives as replacement bytes.
    return text.encode("utf-8", "replace").decode("utf-8", "replace") if isinstance(text, str) else text


@SETTINGS
@given(values=st.dictionaries(st.sampled_from(FIELDS), NASTY.map(_encodable), min_size=1, max_size=6))
def test_case_form_survives_anything(app, values):
    app.appbuilder.sm.limiter.reset()
    client = login(app.test_client(), "window")
    before = _case_count(app)
    response = client.post("/cases/add", data=values)
    assert response.status_code in (200, 302), response.status_code
    if response.status_code == 200:
        assert _case_count(app) == before, "a refused form saved nothing"


JSON_VALUES = st.one_of(NASTY, st.integers(), st.integers(min_value=2**63), st.floats(allow_nan=True),
                        st.booleans(), st.none(), st.lists(st.integers(), max_size=3), st.dictionaries(
                            st.text(max_size=5), st.integers(), max_size=2))
API_FIELDS = ["title", "description", "channel", "applicant_kind", "applicant_name", "applicant_phone",
              "applicant_id_number", "received_at", "service_item_id", "stuck_department_id", "coordinator_id",
              "status", "version", "id"]


@SETTINGS
@given(body=st.dictionaries(st.sampled_from(API_FIELDS), JSON_VALUES, max_size=8))
def test_case_api_survives_anything(app, body):
    app.appbuilder.sm.limiter.reset()
    client = app.test_client()
    headers = {"Authorization": f"Bearer {api_token(client, 'coordinator')}"}
    # ensure_ascii: lone surrogates travel as \\ud800 escapes, as a JSON client would send them
    payload = json.dumps(body, ensure_ascii=True)
    headers["Content-Type"] = "application/json"
    created = client.post("/api/v1/cases/", data=payload, headers=headers)
    assert created.status_code < 500, created.get_json()
    changed = client.put("/api/v1/cases/1", data=payload, headers=headers)
    assert changed.status_code < 500, changed.get_json()
    action = client.post("/api/v1/cases/1/actions/assess", data=payload, headers=headers)
    assert action.status_code < 500, action.get_json()


@SETTINGS
@given(value=NASTY.filter(lambda v: len(v) < 2000),
       column=st.sampled_from(["title", "number", "received_at", "status", "lead_department", "due_date",
                               "applicant_name", "track"]),
       index=st.integers(min_value=0, max_value=9))
def test_list_filters_survive_anything(app, value, column, index):
    app.appbuilder.sm.limiter.reset()
    client = login(app.test_client(), "coordinator")
    value = _encodable(value)
    response = client.get(f"/cases/list/?_flt_{index}_{column}={quote(value, safe='')}")
    assert response.status_code == 200
    lookup = client.get(f"/cases/related/lead_department?q={quote(value, safe='')}&page={quote(value, safe='')}")
    assert lookup.status_code == 200


def test_invalid_utf8_in_forms_and_queries(app):
    client = login(app.test_client(), "window")
    raw = client.post("/cases/add", data=b"title=%ED%A0%80&description=%FF%FE",
                      content_type="application/x-www-form-urlencoded")
    assert raw.status_code in (200, 302, 400)
    assert client.get("/cases/list/?_flt_0_title=%ED%A0%80%FF").status_code == 200
