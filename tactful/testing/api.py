"""Helpers for tests that call `/api/v1` as an integrator would."""

from __future__ import annotations

import json
import uuid
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.test import Client

from tactful.api.keys import SCOPES, issue_key
from tactful.borrowers.models import Borrower
from tactful.borrowers.services import BorrowerDetails, upsert_borrower
from tactful.loans.models import Loan
from tactful.loans.services import LoanTerms, open_loan

if TYPE_CHECKING:
    # The test client's response, with .json(); django-stubs names it, Django does not.
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

API = "/api/v1"
# A valid, fictional PRC resident ID number (the example of GB 11643).
CN_ID = "11010519491231002X"
CN_PHONE = "+8613123456789"
US_PHONE = "+12025550123"


def borrower_body(**overrides: Any) -> dict[str, Any]:
    """Return a valid `PUT /borrowers/{id}` body, changed by `overrides`."""
    return {
        "name": "王小明",
        "id_country": "cn",
        "national_id": CN_ID,
        "phones": [CN_PHONE],
        "preferred_language": "zh-hans",
        **overrides,
    }


def loan_body(**overrides: Any) -> dict[str, Any]:
    """Return a valid `PUT /loans/{id}` body for borrower `b-1`, changed by `overrides`."""
    return {
        "borrower_external_id": "b-1",
        "product": "cash-12",
        "principal": "12000.00",
        "annual_rate": "0.18",
        "term_months": 12,
        "method": "equal_installment",
        "disbursed_on": "2025-01-15",
        "currency": "CNY",
        **overrides,
    }


def create_borrower(external_id: str = "b-1", phone: str = CN_PHONE) -> Borrower:
    details = BorrowerDetails(
        external_id=external_id, name="王小明", id_country="cn", national_id=CN_ID, phones=[phone]
    )
    return upsert_borrower(details=details, actor="test")[0]


def create_loan(external_id: str = "l-1", borrower: Borrower | None = None) -> Loan:
    """Open a 12-month CNY 12,000.00 loan at 18%, disbursed on 2025-01-15."""
    terms = LoanTerms(
        external_id=external_id,
        product="cash-12",
        principal=Decimal("12000.00"),
        annual_rate=Decimal("0.18"),
        term_months=12,
        method="equal_installment",
        disbursed_on=date(2025, 1, 15),
        currency="CNY",
    )
    return open_loan(borrower=borrower or create_borrower(), terms=terms, actor="test")[0]


def issue_test_key(*scopes: str) -> str:
    """Issue a key with `scopes` (all of them when none are named) and return its text."""
    return issue_key(name="Test integrator", scopes=list(scopes or SCOPES), actor="test").token


class ApiClient:
    """A Django test client that sends JSON and an API key as a bearer token."""

    def __init__(self, token: str | None) -> None:
        self.client = Client()
        self.token = token

    def get(self, path: str, **params: str) -> TestResponse:
        return self.client.get(f"{API}{path}", params, headers=self._headers())

    def put(self, path: str, body: Any) -> TestResponse:
        return self.client.put(
            f"{API}{path}", _json(body), content_type="application/json", headers=self._headers()
        )

    def post(self, path: str, body: Any, *, key: str | None = "fresh") -> TestResponse:
        """POST `body`; `key` is the Idempotency-Key ("fresh" for a new one, None for none)."""
        headers = self._headers()
        if key is not None:
            headers["Idempotency-Key"] = str(uuid.uuid4()) if key == "fresh" else key
        return self.client.post(
            f"{API}{path}", _json(body), content_type="application/json", headers=headers
        )

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}


def _json(body: Any) -> str | bytes:
    return body if isinstance(body, str | bytes) else json.dumps(body)
