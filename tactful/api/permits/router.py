"""`/api/v1` permits: dialers and gateways ask before every contact and report how it ended.

A denial is a successful answer (201 with ``"decision": "deny"``): the request was
processed and recorded. Errors are for requests that cannot be processed at all.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema
from pydantic import BeforeValidator, Field, StrictBool

from tactful.accounts.models import User
from tactful.accounts.selectors import active_staff
from tactful.api.auth import api_key_of, requires
from tactful.api.idempotency import OPENAPI_EXTRA, Outcome, run_idempotently
from tactful.api.keys import actor_of
from tactful.api.schemas import ExternalId, ExternalIdInPath, InputSchema, error_responses
from tactful.borrowers.selectors import borrower_by_external_id
from tactful.contacts import selectors, services
from tactful.contacts.decisions import Decided, preview_permit
from tactful.contacts.facts import PermitRequest
from tactful.contacts.models import ContactAttempt, ContactOutcome, Recipient
from tactful.errors import InvalidInput, NotFound
from tactful.loans.models import Loan
from tactful.loans.selectors import loan_by_external_id
from tactful.policy.types import Channel, Purpose
from tactful.policy.types import Outcome as OutcomeName
from tactful.privacy.masking import mask_phone

router = Router()

# The vocabulary is the gate's own (`tactful.policy.types`): declared once, used as is.
CONTENT_MAX_LENGTH = 2000
# Line breaks and tabs belong in messages; other control characters never do.
_ALLOWED_CONTROLS = frozenset("\n\r\t")


def _message_text(value: object) -> object:
    if isinstance(value, str) and any(
        unicodedata.category(char) in {"Cc", "Cs"} and char not in _ALLOWED_CONTROLS
        for char in value
    ):
        raise ValueError("must not contain control characters other than line breaks")
    return value


Username = Annotated[
    str,
    Field(
        pattern=r"^[\w.@+-]{1,150}$",
        description="The collector's Tactful username.",
        examples=["wang.collector"],
    ),
]
ContentText = Annotated[
    str, BeforeValidator(_message_text), Field(min_length=1, max_length=CONTENT_MAX_LENGTH)
]


class PermitIn(InputSchema):
    loan_external_id: ExternalId = Field(description="The debt the contact is about.")
    recipient_id: UUID = Field(description="From `GET /borrowers/{external_id}/recipients`.")
    channel: Channel
    purpose: Purpose
    collector: Username | None = Field(
        default=None,
        description="Who makes the contact. Without it (and not automated) the permit is "
        "denied with `data_gap`, except for purpose `service`.",
    )
    automated: StrictBool = Field(
        default=False, description="No person makes this contact (an automated reminder)."
    )
    content: ContentText | None = Field(
        default=None, description="The message text, checked before it is sent."
    )


class ReasonOut(Schema):
    rule: str = Field(examples=["cn.gbt45251.quiet_hours"])
    category: str = Field(examples=["time_window"])
    citation: str
    message: str


class PermitOut(Schema):
    permit_id: UUID
    decision: Literal["allow", "deny"]
    categories: list[str]
    reasons: list[ReasonOut]
    next_allowed_at: datetime | None = Field(
        description="On a denial that time alone lifts: the earliest instant it would pass."
    )
    verification_code: str = Field(
        examples=["K7Q2M9XD"], description="Say or print it in the contact."
    )
    pack: str
    pack_version: str
    loan_external_id: str | None
    recipient_id: UUID
    channel: str
    purpose: str
    requested_at: datetime


class OutcomeIn(InputSchema):
    outcome: OutcomeName
    permanent_failure: StrictBool = Field(
        default=False, description="Only with `failed`: the number is invalid for good."
    )


class OutcomeOut(Schema):
    permit_id: UUID
    outcome: str
    permanent_failure: bool
    reported_at: datetime


class NextAllowedQuery(Schema):
    channel: Channel
    purpose: Purpose
    loan: ExternalId | None = Field(default=None, description="The debt's external_id.")
    collector: Username | None = None
    automated: bool = False


class NextAllowedOut(Schema):
    recipient_id: UUID
    decision: Literal["allow", "deny"]
    categories: list[str]
    reasons: list[ReasonOut]
    next_allowed_at: datetime | None
    checked_at: datetime
    pack: str
    pack_version: str


class RecipientOut(Schema):
    recipient_id: UUID
    role: str
    phone_masked: str | None = Field(examples=["131****6789"])
    time_zone: str | None = Field(description="Where local time is read; null when unknown.")
    primary: bool


class RecipientsOut(Schema):
    borrower_external_id: str
    recipients: list[RecipientOut]


@router.post(
    "/permits",
    auth=requires("permits:write"),
    response={201: PermitOut, **error_responses(400, 409)},
    operation_id="postPermit",
    summary="Ask the gate for a permit to contact someone",
    description=(
        "Scope `permits:write`; needs an `Idempotency-Key`. Always 201 once processed: "
        "`decision` is `allow` or `deny`, and both are recorded."
    ),
    openapi_extra=OPENAPI_EXTRA,
)
def post_permit(request: HttpRequest, body: PermitIn) -> HttpResponse:
    permit_request = _permit_request(
        {"loan": "loan_external_id"},
        loan=_loan(body.loan_external_id),
        recipient=_recipient(body.recipient_id),
        channel=body.channel,
        purpose=body.purpose,
        collector=_collector(body.collector),
        automated=body.automated,
        content=body.content,
    )
    api_key = api_key_of(request)

    def effect() -> Outcome:
        attempt = services.request_permit(request=permit_request, actor=actor_of(api_key))
        return Outcome(201, _permit_out(attempt).model_dump())

    return run_idempotently(request, api_key=api_key, effect=effect)


@router.post(
    "/permits/{permit_id}/outcome",
    auth=requires("permits:write"),
    response={201: OutcomeOut, **error_responses(400, 409)},
    operation_id="postPermitOutcome",
    summary="Report how a permitted contact ended",
    description=(
        "Scope `permits:write`; needs an `Idempotency-Key`. Once per permit "
        "(409 `outcome_already_reported`); a denied permit has none (409 `permit_denied`)."
    ),
    openapi_extra=OPENAPI_EXTRA,
)
def post_outcome(request: HttpRequest, permit_id: UUID, body: OutcomeIn) -> HttpResponse:
    attempt = selectors.permit_by_id(permit_id)
    if attempt is None:
        raise NotFound("permit_not_found", "no permit has this id")
    api_key = api_key_of(request)

    def effect() -> Outcome:
        reported = services.report_outcome(
            attempt=attempt,
            outcome=body.outcome,
            permanent_failure=body.permanent_failure,
            actor=actor_of(api_key),
        )
        return Outcome(201, _outcome_out(attempt, reported).model_dump())

    return run_idempotently(request, api_key=api_key, effect=effect)


@router.get(
    "/recipients/{recipient_id}/next-allowed",
    auth=requires("permits:read"),
    response={200: NextAllowedOut, **error_responses()},
    operation_id="getNextAllowed",
    summary="What the gate would answer now, and when the contact is next allowed",
    description="Scope `permits:read`. A dry run: it decides but records nothing.",
)
def get_next_allowed(
    request: HttpRequest, recipient_id: UUID, query: Query[NextAllowedQuery]
) -> NextAllowedOut:
    recipient = _recipient(recipient_id)
    permit_request = _permit_request(
        {},
        loan=_loan(query.loan) if query.loan is not None else None,
        recipient=recipient,
        channel=query.channel,
        purpose=query.purpose,
        collector=_collector(query.collector),
        automated=query.automated,
    )
    return _next_allowed_out(recipient, preview_permit(permit_request))


@router.get(
    "/borrowers/{external_id}/recipients",
    auth=requires("permits:read"),
    response={200: RecipientsOut, **error_responses()},
    operation_id="getBorrowerRecipients",
    summary="The recipient ids of a borrower's own numbers, numbers masked",
    description="Scope `permits:read`. Each current number of the borrower has one recipient.",
)
def get_recipients(request: HttpRequest, external_id: ExternalIdInPath) -> RecipientsOut:
    borrower = borrower_by_external_id(external_id)
    if borrower is None:
        raise NotFound("borrower_not_found", "no borrower has this external_id")
    # Recipients are derived from the numbers: ensuring them is idempotent and safe here.
    recipients = services.recipients_for_borrower(borrower=borrower)
    return RecipientsOut(
        borrower_external_id=borrower.external_id,
        recipients=[_recipient_out(recipient) for recipient in recipients],
    )


def _loan(external_id: str) -> Loan:
    return loan_by_external_id(external_id, missing_code="loan_not_found")


def _recipient(public_id: UUID) -> Recipient:
    recipient = selectors.recipient_by_public_id(public_id)
    if recipient is None:
        raise NotFound("recipient_not_found", "no recipient has this id")
    return recipient


def _permit_request(api_names: dict[str, str], **fields: Any) -> PermitRequest:
    """Make the request (which checks itself), naming any problem by the API's field name."""
    try:
        return PermitRequest(**fields)
    except InvalidInput as error:
        named = {api_names.get(name, name): problem for name, problem in error.fields.items()}
        raise InvalidInput(named) from None


def _collector(username: str | None) -> User | None:
    # An unknown or inactive collector is a missing fact, not an error: the gate denies
    # with data_gap and the attempt is on record.
    if username is None:
        return None
    return active_staff(username)


def _reasons_out(reasons: list[dict[str, Any]]) -> list[ReasonOut]:
    return [
        ReasonOut(
            rule=reason["rule"],
            category=reason["category"],
            citation=reason["citation"],
            message=reason["message"],
        )
        for reason in reasons
    ]


def _permit_out(attempt: ContactAttempt) -> PermitOut:
    return PermitOut(
        permit_id=attempt.permit_id,
        decision="allow" if attempt.allowed else "deny",
        categories=list(attempt.categories),
        reasons=_reasons_out(attempt.reasons),
        next_allowed_at=attempt.next_allowed_at,
        verification_code=attempt.verification_code,
        pack=attempt.pack,
        pack_version=attempt.pack_version,
        loan_external_id=attempt.loan.external_id if attempt.loan is not None else None,
        recipient_id=attempt.recipient.public_id,
        channel=attempt.channel,
        purpose=attempt.purpose,
        requested_at=attempt.requested_at,
    )


def _outcome_out(attempt: ContactAttempt, reported: ContactOutcome) -> OutcomeOut:
    return OutcomeOut(
        permit_id=attempt.permit_id,
        outcome=reported.outcome,
        permanent_failure=reported.permanent_failure,
        reported_at=reported.reported_at,
    )


def _next_allowed_out(recipient: Recipient, decided: Decided) -> NextAllowedOut:
    decision = decided.decision
    return NextAllowedOut(
        recipient_id=recipient.public_id,
        decision=decision.verdict,
        categories=list(decision.categories),
        reasons=[ReasonOut(**reason.to_json()) for reason in decision.reasons],
        next_allowed_at=decision.next_allowed_at,
        checked_at=decided.checked_at,
        pack=decision.pack,
        pack_version=decision.pack_version,
    )


def _recipient_out(recipient: Recipient) -> RecipientOut:
    number = recipient.phone_number
    return RecipientOut(
        recipient_id=recipient.public_id,
        role=recipient.role,
        phone_masked=mask_phone(number.e164) if number is not None else None,
        time_zone=recipient.time_zone,
        primary=bool(number and number.is_primary),
    )
