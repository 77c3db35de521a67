"""The REST API under schemathesis: every answer is documented and no input gives a 500.

The OpenAPI document is the one the app serves; schemathesis derives requests
from it (valid and invalid bodies, huge and negative ids, odd strings) and
checks every answer against it, once with the token of each of three roles.
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from app import create_app
from tests.conftest import api_token, make_config
from views.openapi import api_document


def _spec() -> dict:
    """The served document, built by an app that never touches a database."""
    app = create_app(make_config("sqlite://", CONSOLE_SYNC_AT_START=False))
    with app.test_request_context("/api/v1/_openapi"):
        return api_document("v1")


schema = schemathesis.openapi.from_dict(_spec())
schema.config.update(base_url="http://localhost")
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
    # The coverage phase sends hundreds of boundary cases per operation: as the widest and the
    # narrowest role; the fuzzing phase's random cases go out with every role's token.
    coverage = case.meta is not None and "coverage" in str(case.meta.phase.name).lower()
    for username in (("admin", "handler_tax") if coverage else ROLES):
        app.appbuilder.sm.limiter.reset()
        auth = {"Authorization": f"Bearer {token(app, username)}"}
        # Passed per call, so the cases schemathesis builds without a token stay without one.
        response = case.call(app=app, headers=auth)
        # A schema-valid id that names no record is rightly refused (404/422): not a defect.
        case.validate_response(response, headers=auth, excluded_checks=[positive_data_acceptance],
                               transport_kwargs={"app": app})
