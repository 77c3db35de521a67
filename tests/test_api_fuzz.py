"""The REST API under schemathesis: every answer is documented, no input gives a 500, and every
request the document calls valid is taken.

The OpenAPI document is the one the app serves; schemathesis derives requests from it (valid and
invalid bodies, huge and negative ids, odd strings, `q` values) and checks every answer against
it with the token of each of the five demo roles. A valid request may still be refused for who
asks (401/403), what is not there (404), the record's state or a stale version (409), and, as
the document declares, a named record that does not exist or a time after now (422); a 400 to a
valid request is a rule the document does not state, and fails here.
"""

from __future__ import annotations

import datetime as dt
import os

import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.config._checks import POSITIVE_DATA_ACCEPTANCE_EXPECTED_STATUSES, PositiveDataAcceptanceConfig

from app import create_app
from tests.conftest import api_token, make_config
from views.openapi import api_document

ID_ALPHABET = "0123456789"
CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100: the digits and 21 letters (no I O Z S V)


@st.composite
def resident_ids(draw) -> str:
    """GB 11643: region, a real birth date, sequence, and a check digit making Σ aᵢ·2^(18-i) ≡ 1 (mod 11)."""
    born = draw(st.dates(min_value=dt.date(1920, 1, 1), max_value=dt.date(2020, 12, 31)))
    body = "441802" + born.strftime("%Y%m%d") + draw(st.text(ID_ALPHABET, min_size=3, max_size=3))
    total = sum(int(d) * pow(2, 17 - i, 11) for i, d in enumerate(body))
    check = (1 - total) % 11
    return body + ("X" if check == 10 else str(check))


@st.composite
def credit_codes(draw) -> str:
    """GB 32100: 17 characters, then the one making Σ cᵢ·3^(i-1) + c₁₈ ≡ 0 (mod 31)."""
    body = draw(st.text(CREDIT_ALPHABET, min_size=17, max_size=17))
    total = sum(CREDIT_ALPHABET.index(c) * pow(3, i, 31) for i, c in enumerate(body))
    return body + CREDIT_ALPHABET[(31 - total % 31) % 31]


schemathesis.openapi.format("gb11643-id-number", resident_ids())
schemathesis.openapi.format("gb32100-credit-code", credit_codes())


def _spec() -> dict:
    """The served document, built by an app that never touches a database."""
    app = create_app(make_config("sqlite://", CONSOLE_SYNC_AT_START=False))
    with app.test_request_context("/api/v1/_openapi"):
        return api_document("v1")


schema = schemathesis.openapi.from_dict(_spec())
schema.config.update(base_url="http://localhost")
schema.config.checks.positive_data_acceptance = PositiveDataAcceptanceConfig(
    expected_statuses=[*POSITIVE_DATA_ACCEPTANCE_EXPECTED_STATUSES, "422"])
# The coverage phase (hundreds of boundary requests per operation, about 25 000 in all) takes some ten
# minutes here; the suite runs the example and random phases, `API_FUZZ_COVERAGE=1` adds it.
schema.config.phases.coverage.enabled = bool(os.environ.get("API_FUZZ_COVERAGE"))
ROLES = ("admin", "window", "coordinator", "handler_tax", "leader")
TOKENS: dict[str, str] = {}


def token(app, username: str) -> str:
    """One token per role for the whole run (the database is restored to the same users each test)."""
    if username not in TOKENS:
        app.appbuilder.sm.limiter.reset()
        TOKENS[username] = api_token(app.test_client(), username)
    return TOKENS[username]


@schema.parametrize()
@settings(max_examples=2, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_answers_as_documented(case, app):
    case.operation.schema.app = app  # the checks' own probe requests go to the app too, not to the network
    # The coverage phase's boundary cases go out as the widest and the narrowest role; the other
    # phases' cases with every role's token.
    coverage = case.meta is not None and "coverage" in str(case.meta.phase.name).lower()
    for username in (("admin", "handler_tax") if coverage else ROLES):
        app.appbuilder.sm.limiter.reset()
        auth = {"Authorization": f"Bearer {token(app, username)}"}
        # Passed per call, so the cases schemathesis builds without a token stay without one.
        response = case.call(app=app, headers=auth)
        case.validate_response(response, headers=auth, transport_kwargs={"app": app})
