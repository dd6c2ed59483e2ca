"""`/api/v1/repayment`: budget planner, offers and acceptance, pauses, promises, mandates
and points for integrators.

Every POST that stores something runs through `run_idempotently`: a retried acceptance,
mandate or redemption lands once.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Router

from tactful.api.auth import api_key_of, requires
from tactful.api.idempotency import OPENAPI_EXTRA, Outcome, run_idempotently
from tactful.api.keys import actor_of
from tactful.api.repayment import payloads
from tactful.api.repayment.schemas import (
    AcceptanceIn,
    AcceptanceOut,
    AccountStatusOut,
    BudgetIn,
    BudgetOut,
    CancellationIn,
    MandateIn,
    MandateOut,
    MandatesOut,
    OffersIn,
    OffersOut,
    PauseIn,
    PauseOut,
    PauseRecordedOut,
    PausesOut,
    PointsOut,
    PromiseIn,
    PromiseOut,
    PromisesOut,
    RedemptionIn,
    RedemptionOut,
    ResumptionIn,
)
from tactful.api.schemas import ExternalIdInPath, error_responses
from tactful.borrowers.models import Borrower
from tactful.borrowers.selectors import borrower_by_external_id
from tactful.errors import InvalidInput, NotFound
from tactful.loans.models import Loan
from tactful.loans.selectors import loan_by_external_id, loan_with_external_id
from tactful.money.budget import Budget, BudgetError, plan_budget
from tactful.repayment import selectors, services
from tactful.repayment.models import RequestChannel
from tactful.repayment.payments import BankAccount
from tactful.repayment.rules import configured_rules

router = Router()

_READ = error_responses()
_WRITE = error_responses(400, 409)


@router.post(
    "/budget",
    auth=requires("repayment:read"),
    response={200: BudgetOut, **error_responses(400)},
    operation_id="planBudget",
    summary="What a household can afford to repay a month",
    description="Scope `repayment:read`. Computes only; nothing is stored.",
)
def post_budget(request: HttpRequest, body: BudgetIn) -> BudgetOut:
    budget = Budget(
        currency=body.currency,
        incomes=body.incomes,
        expenses=body.expenses,
        obligations=body.obligations,
    )
    try:
        plan = plan_budget(budget, configured_rules().budget)
    except BudgetError as error:
        raise InvalidInput({error.field: error.reason}) from None
    return payloads.budget_out(plan)


@router.get(
    "/loans/{external_id}/status",
    auth=requires("repayment:read"),
    response={200: AccountStatusOut, **_READ},
    operation_id="getRepaymentStatus",
    summary="A loan with pauses and re-ageing applied",
    description="Scope `repayment:read`. `days_past_due` is re-aged per the pack.",
)
def get_status(request: HttpRequest, external_id: ExternalIdInPath) -> AccountStatusOut:
    loan = _loan(external_id)
    return payloads.status_out(selectors.account_status(loan, as_of=_today()))


@router.get(
    "/loans/{external_id}/offers",
    auth=requires("repayment:read"),
    response={200: OffersOut, **_READ},
    operation_id="getOffers",
    summary="The offers that can still be accepted",
    description="Scope `repayment:read`.",
)
def get_offers(request: HttpRequest, external_id: ExternalIdInPath) -> OffersOut:
    loan = _loan(external_id)
    offers = selectors.open_offers(loan, today=_today())
    return OffersOut(offers=[payloads.offer_out(offer) for offer in offers])


@router.post(
    "/loans/{external_id}/offers",
    auth=requires("repayment:write"),
    response={201: OffersOut, **_WRITE},
    operation_id="postOffers",
    summary="Price restructuring offers",
    description=(
        "Scope `repayment:write`; needs an `Idempotency-Key`. Without `months`, one offer per "
        "length of the pack's menu. 422 `cost_cap_exceeded`, `months_above_cap`, "
        "`rate_above_cap`, `fee_above_cap` for plans beyond the caps."
    ),
    openapi_extra=OPENAPI_EXTRA,
)
def post_offers(
    request: HttpRequest, external_id: ExternalIdInPath, body: OffersIn
) -> HttpResponse:
    loan = _loan(external_id)
    api_key = api_key_of(request)

    def effect() -> Outcome:
        offers = services.price_offers(
            loan=loan,
            request=services.OfferRequest(
                months=body.months,
                annual_rate=body.annual_rate,
                fee=body.fee,
                affordable_installment=body.affordable_installment,
            ),
            actor=actor_of(api_key),
        )
        out = OffersOut(offers=[payloads.offer_out(offer) for offer in offers])
        return Outcome(201, out.model_dump())

    return run_idempotently(request, api_key=api_key, effect=effect)


@router.post(
    "/offers/{reference}/acceptance",
    auth=requires("repayment:write"),
    response={201: AcceptanceOut, **_WRITE},
    operation_id="acceptOffer",
    summary="Accept an offer the borrower confirmed",
    description=(
        "Scope `repayment:write`; needs an `Idempotency-Key`. Closes the old schedule and opens "
        "the plan. 409 `offer_expired`, `offer_stale`, `loan_restructured`."
    ),
    openapi_extra=OPENAPI_EXTRA,
)
def post_acceptance(request: HttpRequest, reference: UUID, body: AcceptanceIn) -> HttpResponse:
    offer = selectors.offer_by_reference(reference)
    if offer is None:
        raise NotFound("not_found", "no offer has this reference")
    api_key = api_key_of(request)

    def effect() -> Outcome:
        acceptance = services.accept_offer(
            offer=offer,
            actor=actor_of(api_key),
            confirmed_via=services.INTEGRATOR,
            confirmation_reference=body.confirmation_reference,
        )
        return Outcome(201, payloads.acceptance_out(acceptance).model_dump())

    return run_idempotently(request, api_key=api_key, effect=effect)


@router.get(
    "/loans/{external_id}/pauses",
    auth=requires("repayment:read"),
    response={200: PausesOut, **_READ},
    operation_id="getPauses",
    summary="A loan's hardship pauses",
    description="Scope `repayment:read`.",
)
def get_pauses(request: HttpRequest, external_id: ExternalIdInPath) -> PausesOut:
    loan = _loan(external_id)
    return PausesOut(pauses=[payloads.pause_out(row) for row in selectors.pauses_of(loan)])


@router.post(
    "/loans/{external_id}/pauses",
    auth=requires("repayment:write"),
    response={201: PauseRecordedOut, **_WRITE},
    operation_id="postPause",
    summary="Pause the ageing of days past due for hardship",
    description=(
        "Scope `repayment:write`; needs an `Idempotency-Key`. `starts_on` may be backdated "
        "within the pack's limit. 422 `pause_overlaps`, `backdate_too_far`, "
        "`backdate_before_reset`, `pause_too_long`, `pause_in_future`."
    ),
    openapi_extra=OPENAPI_EXTRA,
)
def post_pause(request: HttpRequest, external_id: ExternalIdInPath, body: PauseIn) -> HttpResponse:
    loan = _loan(external_id)
    api_key = api_key_of(request)

    def effect() -> Outcome:
        recorded = services.request_pause(
            loan=loan,
            starts_on=body.starts_on,
            ends_on=body.ends_on,
            reason=body.reason,
            via=RequestChannel.API,
            actor=actor_of(api_key),
        )
        out = PauseRecordedOut(
            pause=payloads.pause_out(recorded.pause),
            invited_offers=[payloads.offer_out(offer) for offer in recorded.offers],
        )
        return Outcome(201, out.model_dump())

    return run_idempotently(request, api_key=api_key, effect=effect)


@router.post(
    "/pauses/{reference}/resumption",
    auth=requires("repayment:write"),
    response={201: PauseOut, **_WRITE},
    operation_id="resumePause",
    summary="End a hardship pause early",
    description="Scope `repayment:write`; needs an `Idempotency-Key`.",
    openapi_extra=OPENAPI_EXTRA,
)
def post_resumption(request: HttpRequest, reference: UUID, body: ResumptionIn) -> HttpResponse:
    pause = selectors.pause_by_reference(reference)
    if pause is None:
        raise NotFound("not_found", "no pause has this reference")
    api_key = api_key_of(request)

    def effect() -> Outcome:
        services.resume_pause(pause=pause, resumes_on=body.resumes_on, actor=actor_of(api_key))
        fresh = selectors.pauses_of(pause.loan).get(pk=pause.pk)
        return Outcome(201, payloads.pause_out(fresh).model_dump())

    return run_idempotently(request, api_key=api_key, effect=effect)


@router.get(
    "/loans/{external_id}/promises",
    auth=requires("repayment:read"),
    response={200: PromisesOut, **_READ},
    operation_id="getPromises",
    summary="A loan's promises to pay and where each stands",
    description="Scope `repayment:read`.",
)
def get_promises(request: HttpRequest, external_id: ExternalIdInPath) -> PromisesOut:
    loan = _loan(external_id)
    views = selectors.promises_of(loan, as_of=_today())
    return PromisesOut(promises=[payloads.promise_out(view) for view in views])


@router.post(
    "/loans/{external_id}/promises",
    auth=requires("repayment:write"),
    response={201: PromiseOut, **_WRITE},
    operation_id="postPromise",
    summary="Record a promise to pay",
    description=(
        "Scope `repayment:write`; needs an `Idempotency-Key`. Contact is held until the "
        "promised day. 422 `promise_above_outstanding`, `promise_in_past`, `promise_too_far`; "
        "409 `promise_pending`."
    ),
    openapi_extra=OPENAPI_EXTRA,
)
def post_promise(
    request: HttpRequest, external_id: ExternalIdInPath, body: PromiseIn
) -> HttpResponse:
    loan = _loan(external_id)
    api_key = api_key_of(request)

    def effect() -> Outcome:
        row = services.record_promise(
            loan=loan,
            amount=body.amount,
            due_on=body.due_on,
            channel=body.channel,
            actor=actor_of(api_key),
        )
        view = next(v for v in selectors.promises_of(loan, as_of=_today()) if v.row.pk == row.pk)
        return Outcome(201, payloads.promise_out(view).model_dump())

    return run_idempotently(request, api_key=api_key, effect=effect)


@router.get(
    "/loans/{external_id}/mandates",
    auth=requires("repayment:read"),
    response={200: MandatesOut, **_READ},
    operation_id="getMandates",
    summary="A loan's auto-debit mandates, active and cancelled",
    description="Scope `repayment:read`.",
)
def get_mandates(request: HttpRequest, external_id: ExternalIdInPath) -> MandatesOut:
    loan = _loan(external_id)
    return MandatesOut(mandates=[payloads.mandate_out(row) for row in selectors.mandates_of(loan)])


@router.post(
    "/loans/{external_id}/mandates",
    auth=requires("mandates:write"),
    response={201: MandateOut, **_WRITE},
    operation_id="postMandate",
    summary="Set up auto-debit with the borrower's consent",
    description=(
        "Scope `mandates:write`; needs an `Idempotency-Key`. The account number goes to the "
        "payment processor and is never stored or returned. 422 `mandate_above_maximum`, "
        "`account_refused`; 409 `mandate_exists`."
    ),
    openapi_extra=OPENAPI_EXTRA,
)
def post_mandate(
    request: HttpRequest, external_id: ExternalIdInPath, body: MandateIn
) -> HttpResponse:
    loan = _loan(external_id)
    api_key = api_key_of(request)

    def effect() -> Outcome:
        mandate = services.set_up_mandate(
            loan=loan,
            request=services.MandateRequest(
                account=BankAccount(bank_code=body.bank_code, account_number=body.account_number),
                max_amount=body.max_amount,
                debit_day=body.debit_day,
                language=body.language,
            ),
            via=RequestChannel.API,
            actor=actor_of(api_key),
        )
        return Outcome(201, payloads.mandate_out(mandate).model_dump())

    return run_idempotently(request, api_key=api_key, effect=effect)


@router.post(
    "/mandates/{reference}/cancellation",
    auth=requires("mandates:write"),
    response={201: MandateOut, **_WRITE},
    operation_id="cancelMandate",
    summary="Cancel auto-debit",
    description="Scope `mandates:write`; needs an `Idempotency-Key`. 409 `mandate_cancelled`.",
    openapi_extra=OPENAPI_EXTRA,
)
def post_cancellation(request: HttpRequest, reference: UUID, body: CancellationIn) -> HttpResponse:
    mandate = selectors.mandate_by_reference(reference)
    if mandate is None:
        raise NotFound("not_found", "no mandate has this reference")
    api_key = api_key_of(request)

    def effect() -> Outcome:
        services.cancel_mandate(mandate=mandate, reason=body.reason, actor=actor_of(api_key))
        fresh = selectors.mandate_by_reference(mandate.reference)
        assert fresh is not None
        return Outcome(201, payloads.mandate_out(fresh).model_dump())

    return run_idempotently(request, api_key=api_key, effect=effect)


@router.get(
    "/borrowers/{external_id}/points",
    auth=requires("repayment:read"),
    response={200: PointsOut, **_READ},
    operation_id="getPoints",
    summary="A borrower's points: balance, lots and history",
    description="Scope `repayment:read`.",
)
def get_points(request: HttpRequest, external_id: ExternalIdInPath) -> PointsOut:
    borrower = _borrower(external_id)
    return payloads.points_out(borrower, as_of=_today())


@router.post(
    "/borrowers/{external_id}/points/redemptions",
    auth=requires("repayment:write"),
    response={201: RedemptionOut, **_WRITE},
    operation_id="redeemPoints",
    summary="Spend points on the fees and interest a loan owes next",
    description=(
        "Scope `repayment:write`; needs an `Idempotency-Key`. Points never pay principal. "
        "422 `not_enough_points`, `below_minimum_redemption`, "
        "`redemption_above_fees_and_interest`."
    ),
    openapi_extra=OPENAPI_EXTRA,
)
def post_redemption(
    request: HttpRequest, external_id: ExternalIdInPath, body: RedemptionIn
) -> HttpResponse:
    borrower = _borrower(external_id)
    loan = loan_with_external_id(body.loan_external_id, borrower=borrower)
    if loan is None:
        raise InvalidInput({"loan_external_id": "this borrower has no loan with this external_id"})
    api_key = api_key_of(request)

    def effect() -> Outcome:
        entry = services.redeem_points(
            borrower=borrower, loan=loan, points=body.points, actor=actor_of(api_key)
        )
        return Outcome(201, payloads.redemption_out(entry, borrower).model_dump())

    return run_idempotently(request, api_key=api_key, effect=effect)


def _loan(external_id: str) -> Loan:
    return loan_by_external_id(external_id)


def _borrower(external_id: str) -> Borrower:
    borrower = borrower_by_external_id(external_id)
    if borrower is None:
        raise NotFound("not_found", "no borrower has this external_id")
    return borrower


def _today() -> date:
    return timezone.now().date()
