"""Property-based tests of the whole API against its own OpenAPI schema (Schemathesis).

Every operation gets generated requests, valid and invalid, sent with a key that has
every scope. No request may produce a server error, and every response must match
the status codes, content types and bodies the schema promises.
"""

from __future__ import annotations

import collections
import uuid
import warnings
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tactful.api.schemas import EXTERNAL_ID_EXAMPLE
from tactful.contacts.facts import PermitRequest
from tactful.contacts.services import recipients_for_borrower, request_permit
from tactful.loans.selectors import loan_by_external_id
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


# Stateful: sequences of calls in which later calls use the ids earlier ones returned (an
# offer made, then accepted; a pause asked for, then resumed; a payment, then reversed).
# The links come from Schemathesis's analysis of the response schemas and path parameters.
# Each scenario starts from real data: the example borrower and loan, one of the
# borrower's recipients and a permit, whose ids replace the generated ones in paths, so
# calls reach real objects instead of ending in 404.
# Valid requests only: the stateless test above already sends invalid ones everywhere.
stateful_schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
stateful_schema.config.generation.update(modes=[GenerationMode.POSITIVE])
Workflow = stateful_schema.as_state_machine()
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]  # fmt: skip


# Fields of request bodies that name an object, and the real id each gets.
BODY_IDS = {
    "loan_external_id": "external_id",
    "borrower_external_id": "external_id",
    "recipient_id": "recipient_id",
}


class ApiWorkflow(Workflow):  # type: ignore[misc, valid-type]
    token = ""
    real_ids: dict[str, str] = {}
    answers: collections.Counter[str] = collections.Counter()
    succeeded: set[str] = set()

    # Each sequence starts from the same database: what one left behind (a designation, an
    # offer, a rate limit used up) would change which calls succeed in the next, which
    # Hypothesis rightly reports as data generation depending on external state.
    def __init__(self) -> None:
        super().__init__()
        self._savepoint = transaction.savepoint()

    def teardown(self) -> None:
        transaction.savepoint_rollback(self._savepoint)
        super().teardown()

    def before_call(self, case: Any) -> None:
        for name, value in self.real_ids.items():
            if case.path_parameters and name in case.path_parameters:
                case.path_parameters[name] = value
        if isinstance(case.body, dict):
            for field, name in BODY_IDS.items():
                if field in case.body:
                    case.body[field] = self.real_ids[name]
        if case.method == "POST":
            # A fresh key per call: a reused one is refused (409), as documented.
            case.headers = {**(case.headers or {}), "Idempotency-Key": str(uuid.uuid4())}

    def get_call_kwargs(self, case: Any) -> dict[str, Any]:
        return {"headers": {"Authorization": f"Bearer {self.token}"}}

    def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
        type(self).answers[_kind(response.status_code)] += 1
        if _kind(response.status_code) == "2xx":
            type(self).succeeded.add(case.operation.label)
        case.validate_response(response, checks=CHECKS)


def _kind(status: int) -> str:
    return {2: "2xx", 4: "4xx", 5: "5xx"}.get(status // 100, str(status))


def test_api_holds_up_across_sequences_of_calls_that_reuse_real_ids(token, example_loan):
    # Made through the services, not a test client: its signals would close the connection
    # the whole run shares.
    loan = loan_by_external_id(EXTERNAL_ID_EXAMPLE)
    [recipient] = recipients_for_borrower(borrower=loan.borrower)
    permit = request_permit(
        request=PermitRequest(
            loan=loan, recipient=recipient, channel="sms", purpose="service", automated=True
        ),
        actor="test",
    )
    ApiWorkflow.real_ids = {
        "external_id": EXTERNAL_ID_EXAMPLE,
        "recipient_id": str(recipient.public_id),
        "permit_id": str(permit.permit_id),
    }
    ApiWorkflow.token = token
    ApiWorkflow.answers.clear()
    ApiWorkflow.succeeded.clear()
    ApiWorkflow.run(
        settings=settings(
            max_examples=60,
            stateful_step_count=8,
            deadline=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
    )
    assert ApiWorkflow.answers["5xx"] == 0, ApiWorkflow.answers
    # The sequences reached real objects: a call whose id came from an earlier answer
    # (an offer's reference, a permit's id) succeeded, not just the calls that start them.
    followed = {label for label in ApiWorkflow.succeeded if "{reference}" in label}
    assert "POST /api/v1/permits" in ApiWorkflow.succeeded, ApiWorkflow.answers
    assert followed, ApiWorkflow.succeeded
