"""`/api/v1/loans`: loan terms, status, schedule, delinquency and money movements.

POSTs that move money run through `run_idempotently`: the Idempotency-Key makes a
retried payment land once.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Router, Status

from tactful import money
from tactful.api.auth import api_key_of, requires
from tactful.api.idempotency import OPENAPI_EXTRA, Outcome, run_idempotently
from tactful.api.keys import actor_of
from tactful.api.loans.schemas import (
    AllocatedOut,
    AllocationOut,
    DelinquencyOut,
    EntryOut,
    EntryResultOut,
    FeeIn,
    InstallmentOut,
    LoanIn,
    LoanOut,
    LoanStatusOut,
    PaymentIn,
    PaymentOut,
    ReversalIn,
    ScheduleOut,
    SnapshotOut,
    StatusQuery,
    TransitionOut,
)
from tactful.api.schemas import (
    ExternalIdInPath,
    amount_text,
    error_responses,
    rate_text,
)
from tactful.borrowers.selectors import borrower_by_external_id
from tactful.errors import InvalidInput
from tactful.loans import selectors, services
from tactful.loans.models import DelinquencySnapshot, LedgerEntry, Loan
from tactful.loans.selectors import loan_by_external_id

router = Router()

_READ_ERRORS = error_responses()
_MONEY_ERRORS = error_responses(400, 409)


@router.put(
    "/{external_id}",
    auth=requires("loans:write"),
    response={200: LoanOut, 201: LoanOut, **error_responses(400, 409)},
    operation_id="putLoan",
    summary="Register a loan",
    description=(
        "Scope `loans:write`. 201 when created; 200 when the loan exists with the same terms; "
        "409 `loan_terms_immutable` when it exists with other terms."
    ),
)
def put_loan(request: HttpRequest, external_id: ExternalIdInPath, body: LoanIn) -> Status[LoanOut]:
    borrower = borrower_by_external_id(body.borrower_external_id)
    if borrower is None:
        raise InvalidInput(
            {"borrower_external_id": "no borrower has this external_id; PUT it first"}
        )
    loan, created = services.open_loan(
        borrower=borrower,
        terms=services.LoanTerms(
            external_id=external_id,
            product=body.product,
            principal=body.principal,
            annual_rate=body.annual_rate,
            term_months=body.term_months,
            method=body.method,
            disbursed_on=body.disbursed_on,
            currency=body.currency,
        ),
        actor=actor_of(api_key_of(request)),
    )
    return Status(201 if created else 200, _loan_out(loan))


@router.get(
    "/{external_id}",
    auth=requires("loans:read"),
    response={200: LoanStatusOut, **_READ_ERRORS},
    operation_id="getLoanStatus",
    summary="A loan's status as of a day",
    description="Scope `loans:read`.",
)
def get_loan_status(
    request: HttpRequest, external_id: ExternalIdInPath, query: Query[StatusQuery]
) -> LoanStatusOut:
    loan = _loan(external_id)
    return _status_out(loan, selectors.loan_status(loan, as_of=query.as_of or _today()))


@router.get(
    "/{external_id}/schedule",
    auth=requires("loans:read"),
    response={200: ScheduleOut, **_READ_ERRORS},
    operation_id="getLoanSchedule",
    summary="A loan's installments and what was paid on each",
    description="Scope `loans:read`.",
)
def get_schedule(
    request: HttpRequest, external_id: ExternalIdInPath, query: Query[StatusQuery]
) -> ScheduleOut:
    loan = _loan(external_id)
    status = selectors.loan_status(loan, as_of=query.as_of or _today())
    return ScheduleOut(
        external_id=loan.external_id,
        as_of=status.as_of,
        currency=loan.currency,
        installments=[_installment_out(row, loan.currency) for row in status.state.installments],
    )


@router.get(
    "/{external_id}/delinquency",
    auth=requires("loans:read"),
    response={200: DelinquencyOut, **_READ_ERRORS},
    operation_id="getLoanDelinquency",
    summary="Days past due now, and the recorded history",
    description="Scope `loans:read`. History holds the snapshots recorded up to `as_of`.",
)
def get_delinquency(
    request: HttpRequest, external_id: ExternalIdInPath, query: Query[StatusQuery]
) -> DelinquencyOut:
    loan = _loan(external_id)
    status = selectors.loan_status(loan, as_of=query.as_of or _today())
    history = list(selectors.delinquency_snapshots(loan).filter(as_of__lte=status.as_of))
    return DelinquencyOut(
        external_id=loan.external_id,
        as_of=status.as_of,
        days_past_due=status.days_past_due,
        bucket=status.bucket,
        history=[
            SnapshotOut(as_of=row.as_of, days_past_due=row.days_past_due, bucket=row.bucket)
            for row in history
        ],
        transitions=_transitions(history),
    )


@router.post(
    "/{external_id}/payments",
    auth=requires("payments:write"),
    response={201: PaymentOut, **_MONEY_ERRORS},
    operation_id="postPayment",
    summary="Record a payment",
    description="Scope `payments:write`; needs an `Idempotency-Key`.",
    openapi_extra=OPENAPI_EXTRA,
)
def post_payment(
    request: HttpRequest, external_id: ExternalIdInPath, body: PaymentIn
) -> HttpResponse:
    loan = _loan(external_id)
    api_key = api_key_of(request)

    def effect() -> Outcome:
        entry = services.post_payment(
            loan=loan,
            amount=body.amount,
            value_date=body.value_date,
            external_reference=body.external_reference,
            actor=actor_of(api_key),
        )
        status = selectors.loan_status(loan, as_of=_today())
        result = PaymentOut(
            entry=_entry_out(entry, loan.currency),
            allocation=_allocation_out(entry, status.state, loan.currency),
            status=_status_out(loan, status),
        )
        return Outcome(201, result.model_dump())

    return run_idempotently(request, api_key=api_key, effect=effect)


@router.post(
    "/{external_id}/entries/{reference}/reversal",
    auth=requires("payments:write"),
    response={201: EntryResultOut, **_MONEY_ERRORS},
    operation_id="postReversal",
    summary="Reverse a payment or fee",
    description="Scope `payments:write`; needs an `Idempotency-Key`. The original entry stays.",
    openapi_extra=OPENAPI_EXTRA,
)
def post_reversal(
    request: HttpRequest, external_id: ExternalIdInPath, reference: UUID, body: ReversalIn
) -> HttpResponse:
    loan = _loan(external_id)
    api_key = api_key_of(request)

    def effect() -> Outcome:
        entry = services.reverse_entry(
            loan=loan,
            entry_reference=str(reference),
            value_date=body.value_date,
            actor=actor_of(api_key),
        )
        return _entry_outcome(loan, entry)

    return run_idempotently(request, api_key=api_key, effect=effect)


@router.post(
    "/{external_id}/fees",
    auth=requires("payments:write"),
    response={201: EntryResultOut, **_MONEY_ERRORS},
    operation_id="postFee",
    summary="Charge a fee on an installment",
    description="Scope `payments:write`; needs an `Idempotency-Key`.",
    openapi_extra=OPENAPI_EXTRA,
)
def post_fee(request: HttpRequest, external_id: ExternalIdInPath, body: FeeIn) -> HttpResponse:
    loan = _loan(external_id)
    api_key = api_key_of(request)

    def effect() -> Outcome:
        entry = services.charge_fee(
            loan=loan,
            installment_n=body.installment,
            amount=body.amount,
            value_date=body.value_date,
            actor=actor_of(api_key),
        )
        return _entry_outcome(loan, entry)

    return run_idempotently(request, api_key=api_key, effect=effect)


def _loan(external_id: str) -> Loan:
    return loan_by_external_id(external_id)


def _today() -> date:
    return timezone.now().date()


def _loan_out(loan: Loan) -> LoanOut:
    return LoanOut(
        reference=loan.reference,
        external_id=loan.external_id,
        borrower_external_id=loan.borrower.external_id,
        product=loan.product,
        principal=amount_text(loan.principal, loan.currency),
        annual_rate=rate_text(loan.annual_rate),
        term_months=loan.term_months,
        method=loan.method,
        disbursed_on=loan.disbursed_on,
        currency=loan.currency,
        created_at=loan.created_at,
    )


def _status_out(loan: Loan, status: selectors.LoanStatus) -> LoanStatusOut:
    return LoanStatusOut(
        external_id=loan.external_id,
        as_of=status.as_of,
        currency=loan.currency,
        outstanding=amount_text(status.outstanding, loan.currency),
        due_now=amount_text(status.due_now, loan.currency),
        unapplied=amount_text(status.state.unapplied, loan.currency),
        days_past_due=status.days_past_due,
        bucket=status.bucket,
        settled=status.is_settled,
    )


def _installment_out(row: money.InstallmentState, currency: str) -> InstallmentOut:
    return InstallmentOut(
        n=row.n,
        due_date=row.due_date,
        principal=amount_text(row.principal_due, currency),
        interest=amount_text(row.interest_due, currency),
        fees_due=amount_text(row.fees_due, currency),
        paid=amount_text(row.fees_paid + row.interest_paid + row.principal_paid, currency),
        outstanding=amount_text(row.outstanding, currency),
        paid_off_on=row.paid_off_on,
    )


def _transitions(history: list[DelinquencySnapshot]) -> list[TransitionOut]:
    return [
        TransitionOut(on=after.as_of, from_bucket=before.bucket, to_bucket=after.bucket)
        for before, after in zip(history, history[1:], strict=False)
        if before.bucket != after.bucket
    ]


def _entry_out(entry: LedgerEntry, currency: str) -> EntryOut:
    return EntryOut(
        reference=entry.reference,
        kind=entry.kind,
        amount=amount_text(entry.amount, currency),
        value_date=entry.value_date,
        installment=entry.installment_n,
        reverses=entry.reverses.reference if entry.reverses else None,
        external_reference=entry.external_reference,
        posted_at=entry.posted_at,
    )


def _allocation_out(entry: LedgerEntry, state: money.LedgerState, currency: str) -> AllocationOut:
    mine = [row for row in state.allocations if row.entry_id == str(entry.pk)]
    allocated = sum((row.total for row in mine), start=Decimal(0))
    return AllocationOut(
        installments=[
            AllocatedOut(
                n=row.n,
                fees=amount_text(row.fees, currency),
                interest=amount_text(row.interest, currency),
                principal=amount_text(row.principal, currency),
            )
            for row in mine
        ],
        unapplied=amount_text(entry.amount - allocated, currency),
    )


def _entry_outcome(loan: Loan, entry: LedgerEntry) -> Outcome:
    status = selectors.loan_status(loan, as_of=_today())
    result = EntryResultOut(
        entry=_entry_out(entry, loan.currency), status=_status_out(loan, status)
    )
    return Outcome(201, result.model_dump())
