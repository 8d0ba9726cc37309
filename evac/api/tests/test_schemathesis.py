"""The API fuzzed from its own OpenAPI document: whatever schemathesis sends, no 500, and every answer
matches what the document promises (status codes, content type, body schema)."""

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from evac.api.services import issue_token
from evac.conftest import make_case

CONFIG = schemathesis.config.SchemathesisConfig.from_dict(
    {
        # A modest run: the point is every operation, every kind of bad input, in seconds.
        # No example database: each run explores afresh and leaves no files behind.
        "generation": {"max-examples": 12, "database": "none"},
        "phases": {"stateful": {"enabled": False}},
        "checks": {
            # Schema-valid is not always acceptable: an unknown program, a move the workflow forbids, an
            # officer of another organisation are 422 by design.
            "positive_data_acceptance": {"expected-statuses": ["2xx", "401", "403", "404", "409", "422"]},
        },
    }
)


# Loaded when the module is collected: reading the document touches no database. (schemathesis'
# from_fixture loader would be the lazy alternative, but it does not work with pytest 9.)
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler(), config=CONFIG)


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    # Django closes the database connection at the end of each request; the test's transaction lives on
    # that connection, so (as Django's own test client does) the closing is suspended meanwhile.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def officer_token(officer):
    _token, raw = issue_token(officer, name="schemathesis")
    return raw


@pytest.mark.fuzz
@schema.parametrize()
@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_the_api_keeps_its_promises(case, canada, officer, officer_token):
    # Aim at a real organisation and case, so that requests get past the 404 and reach the endpoints.
    if "org" in (case.path_parameters or {}):
        case.path_parameters["org"] = "canada"
    if "reference" in (case.path_parameters or {}):
        case.path_parameters["reference"] = _a_case(canada, officer).reference
    positive = case.meta is not None and case.meta.generation.mode.is_positive
    if positive and isinstance(case.body, dict) and isinstance(case.body.get("program"), str):
        # A random slug names no program: give creations a chance to get through to the database.
        case.body["program"] = "canada-program"
        if case.body.get("province") is not None:
            case.body["province"] = "AF-HEL"
    if positive and isinstance(case.query, dict):
        case.query.pop("program", None)
        case.query.pop("province", None)
    case.call_and_validate(headers={"Authorization": f"Bearer {officer_token}"})


def _a_case(canada, officer):
    existing = canada.applications.order_by("id").first()
    return existing or make_case(canada, actor=officer)
