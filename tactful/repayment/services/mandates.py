"""Auto-debit mandates: set one up with the borrower's consent, or cancel it.

The account goes to the payment port once and only its token and last four digits are
kept. The consent is recorded with the exact wording's version and digest
(`MandateConsent`, an interim record until the consent app exists).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from tactful.audit.services import record_event
from tactful.borrowers.models import Language
from tactful.errors import Conflict, InvalidInput
from tactful.loans.models import Loan
from tactful.loans.selectors import loan_status, locked_loan
from tactful.money.currency import AmountError, UnknownCurrency, parse_amount
from tactful.repayment import selectors, wording
from tactful.repayment.models import (
    CancellationReason,
    DebitMandate,
    MandateCancellation,
    MandateConsent,
    RequestChannel,
)
from tactful.repayment.payments import AccountRefused, BankAccount, payment_port
from tactful.repayment.rules import DEBIT_DAYS, configured_rules


@dataclass(frozen=True)
class MandateRequest:
    """What the borrower chose: the account (never stored), the maximum and the day."""

    account: BankAccount
    max_amount: Decimal
    debit_day: int
    language: str


def set_up_mandate(*, loan: Loan, request: MandateRequest, via: str, actor: str) -> DebitMandate:
    """Record the borrower's consent and a mandate to collect from their account.

    Raise InvalidInput (``mandate_above_maximum``, ``invalid_amount``, ``account_refused``,
    ...) or Conflict (``mandate_exists``, ``loan_restructured``, ``nothing_owed``);
    nothing is stored then.
    """
    maximum = _checked(loan, request, via)
    try:
        token = payment_port().register_account(request.account)
    except AccountRefused as error:
        raise InvalidInput({"account": str(error)}, code="account_refused") from None
    text = wording.consent_text(
        language=request.language,
        max_amount=maximum,
        currency=loan.currency,
        debit_day=request.debit_day,
    )
    now = timezone.now()
    with transaction.atomic():
        locked = locked_loan(loan.pk)
        _ensure_open(locked)
        consent = MandateConsent.objects.create(
            borrower_id=locked.borrower_id,
            loan=locked,
            wording_version=wording.CONSENT_VERSION,
            wording_digest=wording.consent_digest(text),
            language=request.language,
            given_at=now,
            given_via=via,
        )
        mandate = DebitMandate.objects.create(
            loan=locked,
            consent=consent,
            account_token=token.token,
            account_hint=token.hint,
            max_amount=maximum,
            debit_day=request.debit_day,
            created_at=now,
            created_by=actor,
        )
        record_event(
            actor=actor,
            action="repayment.mandate_created",
            target=mandate,
            payload={
                "loan": str(locked.reference),
                "max_amount": str(maximum),
                "debit_day": request.debit_day,
                "consent": wording.CONSENT_VERSION,
            },
        )
    return mandate


def cancel_mandate(*, mandate: DebitMandate, reason: str, actor: str) -> MandateCancellation:
    """End ``mandate`` now: nothing more is collected. Conflict if it was already cancelled."""
    if reason not in CancellationReason.values:
        raise InvalidInput({"reason": f"must be one of {', '.join(CancellationReason.values)}"})
    with transaction.atomic():
        DebitMandate.objects.select_for_update().filter(pk=mandate.pk).exists()
        if MandateCancellation.objects.filter(mandate=mandate).exists():
            raise Conflict("mandate_cancelled", "this mandate was already cancelled")
        cancellation = MandateCancellation.objects.create(
            mandate=mandate, reason=reason, cancelled_at=timezone.now(), cancelled_by=actor
        )
        record_event(
            actor=actor,
            action="repayment.mandate_cancelled",
            target=mandate,
            payload={"reason": reason},
        )
    return cancellation


def _checked(loan: Loan, request: MandateRequest, via: str) -> Decimal:
    problems: dict[str, str] = {}
    if via not in RequestChannel.values:
        problems["via"] = f"must be one of {', '.join(RequestChannel.values)}"
    if request.debit_day not in DEBIT_DAYS:
        problems["debit_day"] = "must be a day from 1 to 28, which every month has"
    if request.language not in Language.values:
        problems["language"] = f"must be one of {', '.join(Language.values)}"
    if problems:
        raise InvalidInput(problems)
    maximum = _amount(request.max_amount, loan.currency)
    ceiling = configured_rules().max_mandate_amount
    if maximum > ceiling:
        raise InvalidInput(
            {"max_amount": f"must be at most {ceiling} {loan.currency}"},
            code="mandate_above_maximum",
        )
    _ensure_open(loan)
    return maximum


def _ensure_open(loan: Loan) -> None:
    if selectors.closing_acceptance(loan) is not None:
        raise Conflict("loan_restructured", "this loan was moved into a repayment plan")
    if loan_status(loan, as_of=timezone.now().date()).is_settled:
        raise Conflict("nothing_owed", "nothing is owed on this loan")
    if selectors.active_mandate(loan) is not None:
        raise Conflict("mandate_exists", "this loan already has auto-debit; cancel it first")


def _amount(amount: Decimal, currency: str) -> Decimal:
    try:
        value = parse_amount(amount, currency)
    except (AmountError, UnknownCurrency) as error:
        raise InvalidInput({"max_amount": str(error)}, code="invalid_amount") from None
    if value <= 0:
        raise InvalidInput({"max_amount": "must be greater than zero"}, code="invalid_amount")
    return value
