"""Paying what is due through the checkout port: a pay link, and its settlement.

`start_payment` records the request and asks the processor for its page; `settle_payment`
posts the payment when the processor says it is paid, once whatever it is told, so a
repeated confirmation never pays twice.
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal, InvalidOperation
from uuid import UUID

from django.db import transaction
from django.utils import timezone

from tactful.audit.services import record_event
from tactful.errors import Conflict, InvalidInput, NotFound
from tactful.loans.models import LedgerEntry, Loan
from tactful.loans.selectors import entry_with_reference, ledger_day, loan_status
from tactful.loans.services import post_payment
from tactful.money.currency import AmountError, parse_amount
from tactful.repayment.checkout import Checkout, CheckoutRequest, checkout_port
from tactful.repayment.models import PaymentRequest

CHECKOUT_PREFIX = "checkout:"
_PLAIN_AMOUNT = re.compile(r"[0-9]{1,15}(?:\.[0-9]{1,4})?")


def start_payment(
    *, loan: Loan, amount: object, actor: str, now: datetime | None = None
) -> tuple[PaymentRequest, Checkout]:
    """Record a request to pay `amount` towards `loan` and return the processor's page.

    Refuse (InvalidInput, stable code) an amount that is not a positive sum in the loan's
    currency or is more than is owed; Conflict for a loan with nothing owed.
    """
    moment = now or timezone.now()
    owed = loan_status(loan, as_of=ledger_day(loan.borrower, now=moment)).outstanding
    if owed <= 0:
        raise Conflict("nothing_owed", "nothing is owed on this loan")
    value = _amount(amount, loan.currency)
    if value > owed:
        raise InvalidInput({"amount": f"at most {owed} is owed"}, code="more_than_owed")
    with transaction.atomic():
        request = PaymentRequest.objects.create(
            loan=loan, amount=value, requested_at=moment, requested_by=actor
        )
        record_event(
            actor=actor,
            action="repayment.payment_requested",
            target=request,
            payload={"loan": str(loan.reference), "amount": str(value)},
        )
    checkout = checkout_port().start(
        CheckoutRequest(
            reference=request.reference,
            amount=value,
            currency=loan.currency,
            description=f"{loan.product} {loan.external_id}",
        )
    )
    return request, checkout


def settle_payment(*, reference: UUID, actor: str, now: datetime | None = None) -> LedgerEntry:
    """Post the payment of request `reference` (once: a repeat returns the first entry)."""
    request = PaymentRequest.objects.select_related("loan__borrower").filter(reference=reference)
    row = request.first()
    if row is None:
        raise NotFound("payment_request_not_found", "no such payment request")
    marker = _marker(row)
    with transaction.atomic():
        earlier = entry_with_reference(row.loan, marker)
        if earlier is not None:
            return earlier
        return post_payment(
            loan=row.loan,
            amount=row.amount,
            value_date=ledger_day(row.loan.borrower, now=now or timezone.now()),
            actor=actor,
            external_reference=marker,
        )


def payment_request(reference: UUID) -> PaymentRequest | None:
    return PaymentRequest.objects.select_related("loan").filter(reference=reference).first()


def is_settled(row: PaymentRequest) -> bool:
    return entry_with_reference(row.loan, _marker(row)) is not None


def _marker(row: PaymentRequest) -> str:
    # The ledger entry's external reference: how a payment request is known settled.
    return f"{CHECKOUT_PREFIX}{row.reference.hex}"


def _amount(amount: object, currency: str) -> Decimal:
    # Only text or a Decimal: a float (0.1 + 0.2) or a bool is never money.
    # Typed text is plain digits with an optional point: "1e3" or "1,000" is not read.
    if isinstance(amount, str) and _PLAIN_AMOUNT.fullmatch(amount.strip()):
        given: str | Decimal = amount.strip()
    elif isinstance(amount, Decimal):
        given = amount
    else:
        raise InvalidInput(
            {"amount": "a positive amount in the loan's currency"}, code="invalid_amount"
        )
    try:
        value = parse_amount(given, currency)
    except (AmountError, InvalidOperation, TypeError, ValueError):
        raise InvalidInput(
            {"amount": "a positive amount in the loan's currency"}, code="invalid_amount"
        ) from None
    if value <= 0:
        raise InvalidInput({"amount": "a positive amount"}, code="invalid_amount")
    return value
