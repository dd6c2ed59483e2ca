"""Property-based tests of the whole API against its own OpenAPI schema (Schemathesis).

Every operation gets generated requests, valid and invalid, sent with a key that has
every scope. No request may produce a server error, and every response must match
the status codes, content types and bodies the schema promises.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tactful.api.schemas import EXTERNAL_ID_EXAMPLE
from tactful.testing.api import create_borrower, create_loan, issue_test_key

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

# Loaded when the module is imported: Schemathesis's lazy `from_fixture` loader does not
# work with pytest 9. Fetching the schema needs no database.
with warnings.catch_warnings():
    # WhiteNoise warns when collectstatic has not run; the API serves no static file.
    warnings.filterwarnings("ignore", "No directory at", UserWarning)
    application = WSGIHandler()
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture(autouse=True)
def _requests_stay_in_the_test_transaction() -> Iterator[None]:
    """Keep Django from closing the test's connection after requests, as its test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def example_loan() -> None:
    """A borrower and a loan under the schema's example identifier, for requests to reach."""
    create_loan(EXTERNAL_ID_EXAMPLE, create_borrower(EXTERNAL_ID_EXAMPLE))


@pytest.fixture
def token() -> str:
    return issue_test_key()


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    # The fixtures are meant to be shared by all the examples of an operation.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_answers_every_generated_request_as_its_schema_says(case, token, example_loan):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {token}"},
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ],
    )
