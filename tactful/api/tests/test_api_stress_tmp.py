"""Property-based tests of the whole API against its own OpenAPI schema (Schemathesis).

Every operation gets generated requests, valid and invalid, sent with a key that has
every scope. No request may produce a server error, and every response must match
the status codes, content types and bodies the schema promises.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

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

from tactful.api.testing import issue_test_key
from tactful.borrowers.services import BorrowerDetails, upsert_borrower
from tactful.loans.services import LoanTerms, open_loan

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

# The identifier the schema gives as its example, so the examples reach a real loan.
EXAMPLE_ID = "2024-0001"


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
    borrower, _ = upsert_borrower(
        details=BorrowerDetails(
            external_id=EXAMPLE_ID,
            name="李华",
            id_country="cn",
            national_id="11010519491231002X",
            phones=["+8613123456789"],
        ),
        actor="test",
    )
    open_loan(
        borrower=borrower,
        terms=LoanTerms(
            external_id=EXAMPLE_ID,
            product="cash-12",
            principal=Decimal("12000.00"),
            annual_rate=Decimal("0.18"),
            term_months=12,
            method="equal_installment",
            disbursed_on=date(2025, 1, 15),
            currency="CNY",
        ),
        actor="test",
    )


@pytest.fixture
def token() -> str:
    return issue_test_key()


@schema.parametrize()
@settings(
    max_examples=400,
    deadline=None,
    # The fixtures are meant to be shared by all the examples of an operation.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_answers_every_generated_request_as_its_schema_says(case, token, example_loan):
    r = case.call_and_validate(
        headers={"Authorization": f"Bearer {token}"},
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ],
    )
    import collections, json

    C.setdefault(case.operation.label, collections.Counter())[
        (
            r.status_code,
            (
                json.loads(r.content).get("code")
                if r.status_code >= 400 and r.content[:1] == b"{"
                else None
            ),
        )
    ] += 1


C = {}


def test_zz_report():
    for k, v in C.items():
        print(k, sorted(v.items(), key=lambda x: -x[1])[:12])
