"""`POST /api/v1/complaints`: integrators pass on complaints they received."""

from __future__ import annotations

from datetime import date
from typing import Literal
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema
from pydantic import Field

from tactful.api.auth import api_key_of, requires
from tactful.api.idempotency import OPENAPI_EXTRA, Outcome, run_idempotently
from tactful.api.keys import actor_of
from tactful.api.schemas import ExternalId, InputSchema, error_responses
from tactful.borrowers.selectors import borrower_by_external_id
from tactful.complaints.models import Complaint
from tactful.complaints.services import MAX_CODES, MAX_DESCRIPTION, Intake, file_complaint
from tactful.errors import NotFound
from tactful.loans.selectors import loan_with_external_id

router = Router()

CategoryName = Literal[
    "harassment",
    "contacted_others",
    "disclosure",
    "abusive_language",
    "impersonation",
    "wrong_amount",
    "privacy",
    "other",
]


class ComplaintIn(InputSchema):
    category: CategoryName
    description: str = Field(min_length=1, max_length=MAX_DESCRIPTION)
    complainant: Literal["borrower", "third_party", "anonymous"] = "anonymous"
    borrower_external_id: ExternalId | None = None
    loan_external_id: ExternalId | None = None
    verification_codes: list[str] = Field(default_factory=list, max_length=MAX_CODES)
    language: Literal["zh-hans", "zh-hant", "en"] = "zh-hans"


class ComplaintOut(Schema):
    complaint_id: UUID
    number: str
    status: str
    category: str
    due_on: date
    linked_attempts: int
    holds: int


@router.post(
    "",
    auth=requires("complaints:write"),
    response={201: ComplaintOut, **error_responses(400, 409)},
    operation_id="postComplaint",
    summary="Record a complaint; contact about it stops at once",
    description=(
        "Scope `complaints:write`; needs an `Idempotency-Key`. Holds the debt (and any third "
        "party named by a verification code) in the same transaction. Unknown codes: 422."
    ),
    openapi_extra=OPENAPI_EXTRA,
)
def post_complaint(request: HttpRequest, body: ComplaintIn) -> HttpResponse:
    borrower = None
    if body.borrower_external_id is not None:
        borrower = borrower_by_external_id(body.borrower_external_id)
        if borrower is None:
            raise NotFound("borrower_not_found", "no borrower has this external_id")
    loan = None
    if body.loan_external_id is not None:
        loan = loan_with_external_id(body.loan_external_id)
        if loan is None:
            raise NotFound("loan_not_found", "no loan has this external_id")
    api_key = api_key_of(request)
    intake = Intake(
        channel="api",
        category=body.category,
        description=body.description,
        language=body.language,
        complainant_kind=body.complainant,
        borrower=borrower,
        loan=loan,
        verification_codes=body.verification_codes,
    )

    def effect() -> Outcome:
        complaint = file_complaint(intake=intake, actor=actor_of(api_key)).complaint
        return Outcome(201, _complaint_out(complaint).model_dump())

    return run_idempotently(request, api_key=api_key, effect=effect)


def _complaint_out(complaint: Complaint) -> ComplaintOut:
    return ComplaintOut(
        complaint_id=complaint.reference,
        number=complaint.number,
        status=complaint.status,
        category=complaint.category,
        due_on=complaint.due_on,
        linked_attempts=complaint.attempts.count(),
        holds=complaint.holds.count(),
    )
