"""`/api/v1` data-subject rights that borrowers use through the lender, and the contact ledger.

A borrower who asks in the lender's own app or call centre gets what the portal's rights
page gives (docs/privacy.md): a copy of their data, a correction, an erasure, the state of
their requests, and the contact ledger as evidence. The lender passes the request on with
its evidence of who asked; Tactful records it with the services the portal uses, the actor
being the API key, so staff answer it on the rights desk like any other.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Router

from tactful.api.auth import api_key_of, requires
from tactful.api.idempotency import OPENAPI_EXTRA, Outcome, run_idempotently
from tactful.api.keys import actor_of
from tactful.api.rights.schemas import (
    ContactLedgerOut,
    EvidenceOut,
    PersonalDataOut,
    RightsRequestIn,
    RightsRequestOut,
    RightsRequestsOut,
)
from tactful.api.schemas import ExternalIdInPath, error_responses
from tactful.borrowers.models import Borrower
from tactful.borrowers.selectors import borrower_by_external_id
from tactful.contacts.evidence import contact_record_json
from tactful.errors import InvalidInput, NotFound
from tactful.rights import selectors, services
from tactful.rights.models import RightsRequest, RightsStatus

router = Router()

_READ = error_responses()
_WRITE = error_responses(400, 409)
# How `keys.actor_of` names a key: requests passed on through the API carry it.
_API_ACTOR_PREFIX = "api-key:"
_CORRECTION_ONLY = ("field", "value", "note")


@router.get(
    "/borrowers/{external_id}/personal-data",
    auth=requires("rights:export"),
    response={200: PersonalDataOut, **_READ},
    operation_id="getBorrowerPersonalData",
    summary="Everything held about a borrower, decrypted: their copy of their data",
    description=(
        "Scope `rights:export`, which no other scope implies: the answer holds the name, ID "
        "number and phone numbers in full. The portal's `my-data.json` (format "
        "`tactful.data-export/1`); recorded as an `export` request, completed at once."
    ),
)
def get_personal_data(request: HttpRequest, external_id: ExternalIdInPath) -> dict[str, Any]:
    borrower = _borrower(external_id)
    now = timezone.now()
    document = selectors.export_of(borrower, now=now)
    services.record_export(borrower=borrower, now=now, actor=actor_of(api_key_of(request)))
    return document


@router.post(
    "/borrowers/{external_id}/rights-requests",
    auth=requires("rights:write"),
    response={201: RightsRequestOut, **_WRITE},
    operation_id="postRightsRequest",
    summary="Pass on a borrower's request to correct or erase their data",
    description=(
        "Scope `rights:write`; needs an `Idempotency-Key`. A correction waits for staff on "
        "the rights desk; an erasure erases at once what is not under retention and "
        "schedules the rest. Nothing is stored on 422 `invalid_input` or 409 "
        "`erasure_pending`."
    ),
    openapi_extra=OPENAPI_EXTRA,
)
def post_rights_request(
    request: HttpRequest, external_id: ExternalIdInPath, body: RightsRequestIn
) -> HttpResponse:
    borrower = _borrower(external_id)
    _ensure_fits_kind(body)
    api_key = api_key_of(request)

    def effect() -> Outcome:
        created = _record_request(borrower, body, actor_of(api_key))
        [answer] = [a for a in selectors.answers_of(borrower) if a.request.pk == created.pk]
        return Outcome(201, _request_out(answer).model_dump())

    return run_idempotently(request, api_key=api_key, effect=effect)


@router.get(
    "/borrowers/{external_id}/rights-requests",
    auth=requires("rights:read"),
    response={200: RightsRequestsOut, **_READ},
    operation_id="getRightsRequests",
    summary="A borrower's rights requests, newest first, with where each stands",
    description=(
        "Scope `rights:read`. Requests made in the portal and through the API; never a "
        "corrected value. A rejected request carries staff's reason."
    ),
)
def get_rights_requests(request: HttpRequest, external_id: ExternalIdInPath) -> RightsRequestsOut:
    borrower = _borrower(external_id)
    return RightsRequestsOut(
        borrower_external_id=borrower.external_id,
        rights_requests=[_request_out(answer) for answer in selectors.answers_of(borrower)],
    )


@router.get(
    "/borrowers/{external_id}/contact-ledger",
    auth=requires("rights:read"),
    response={200: ContactLedgerOut, **_READ},
    operation_id="getBorrowerContactLedger",
    summary="Every contact attempt about a borrower's debts, tied to the audit chain",
    description=(
        "Scope `rights:read`. The portal's `evidence.json` (format "
        "`tactful.contact-ledger/1`), newest first, in the language of `Accept-Language`; "
        "`tactful audit verify-export` checks it against the audit chain."
    ),
)
def get_contact_ledger(request: HttpRequest, external_id: ExternalIdInPath) -> dict[str, Any]:
    return contact_record_json(_borrower(external_id))


def _borrower(external_id: str) -> Borrower:
    borrower = borrower_by_external_id(external_id)
    if borrower is None:
        raise NotFound("borrower_not_found", "no borrower has this external_id")
    return borrower


def _ensure_fits_kind(body: RightsRequestIn) -> None:
    if body.kind == "correction":
        missing = {
            name: "required for a correction"
            for name in ("field", "value")
            if getattr(body, name) is None
        }
        if missing:
            raise InvalidInput(missing)
        return
    misplaced = {
        name: "only a correction has one"
        for name in _CORRECTION_ONLY
        if getattr(body, name) is not None
    }
    if misplaced:
        raise InvalidInput(misplaced)


def _record_request(borrower: Borrower, body: RightsRequestIn, actor: str) -> RightsRequest:
    evidence_of_identity = body.evidence.model_dump()
    if body.kind == "correction":
        return services.request_correction(
            borrower=borrower,
            field=body.field or "",
            value=body.value or "",
            note=body.note or "",
            actor=actor,
            evidence=evidence_of_identity,
        )
    return services.request_erasure(borrower=borrower, actor=actor, evidence=evidence_of_identity)


def _request_out(answer: selectors.Answer) -> RightsRequestOut:
    request = answer.request
    # Prefetched by `answers_of`: no query per request.
    steps = [event.recorded_at for event in request.events.all()]
    rejected = answer.status == RightsStatus.REJECTED
    return RightsRequestOut(
        reference=request.reference,
        kind=request.kind,
        field=request.field or None,
        status=answer.status,  # type: ignore[arg-type]
        channel="api" if request.requested_by.startswith(_API_ACTOR_PREFIX) else "portal",
        requested_at=request.requested_at,
        status_changed_at=max(steps, default=request.requested_at),
        rejection_reason=answer.reason if rejected else None,
        evidence=EvidenceOut(**request.evidence) if request.evidence else None,
    )
