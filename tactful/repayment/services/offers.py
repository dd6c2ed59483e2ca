"""Restructuring: price offers for a loan, and accept one.

Acceptance, in one transaction under the old loan's lock:

1. check the offer is unexpired, not stale (no ledger entry since it was priced, the
   same carried balance today) and the loan not restructured already;
2. close the old schedule: a closing entry (payment kind, reference
   ``restructure:<offer>``) of the loan's whole outstanding balance, so every remaining
   installment is settled and the old loan stops ageing;
3. open the plan: a loan of its own for the carried balance, at the offer's rate and
   length, starting today; the fee, if any, is charged on its first installment;
4. end any hardship pause of the old loan (the plan replaces it) and cancel its
   auto-debit mandate, which named the old loan;
5. record the acceptance with the days past due carried and the pack's re-ageing rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal

from django.db import transaction
from django.utils import timezone

from tactful.audit.services import record_event
from tactful.errors import Conflict, InvalidInput
from tactful.loans import services as loans
from tactful.loans.credits import RESTRUCTURE_PREFIX
from tactful.loans.models import LedgerEntry, Loan
from tactful.loans.selectors import LoanStatus, loan_status, locked_loan
from tactful.money.currency import quantum
from tactful.money.restructuring import (
    CarriedBalance,
    Offer,
    PlanTerms,
    RestructuringError,
    price_menu,
    price_offer,
)
from tactful.repayment import selectors
from tactful.repayment.models import Acceptance, CancellationReason, RestructuringOffer
from tactful.repayment.rules import RepaymentRules, configured_rules

PORTAL_CODE = "portal_code"
INTEGRATOR = "integrator"
CONFIRMATIONS = (PORTAL_CODE, INTEGRATOR)
MAX_EXTERNAL_ID = 64


@dataclass(frozen=True)
class OfferRequest:
    """Terms asked for; None leaves a term to the pack (and prices a menu of lengths)."""

    months: int | None = None
    annual_rate: Decimal | None = None
    fee: Decimal | None = None
    affordable_installment: Decimal | None = None


def price_offers(
    *, loan: Loan, request: OfferRequest, actor: str, today: date | None = None
) -> list[RestructuringOffer]:
    """Price and store offers for what ``loan`` owes today.

    With ``request.months`` one plan of exactly those terms, else one per length of the
    pack's menu that the caps allow. Raise InvalidInput (stable ``code``) for terms beyond
    a cap, a plan whose annualised cost is above the pack's cap, or a malformed amount;
    Conflict for a loan that cannot be restructured. Nothing is stored then.
    """
    day = today or timezone.now().date()
    rules = configured_rules()
    status = _restructurable(loan, day)
    balance = selectors.carried_balance(status)
    offers = _priced(loan, request, balance, day, rules)
    seen = selectors.last_entry_id(loan)
    with transaction.atomic():
        stored = [
            _store(loan, offer, balance, seen, request.affordable_installment, rules, actor)
            for offer in offers
        ]
        record_event(
            actor=actor,
            action="repayment.offers_priced",
            target=loan,
            payload={"offers": [str(row.reference) for row in stored], "pack": rules.pack},
        )
    return stored


def accept_offer(
    *,
    offer: RestructuringOffer,
    actor: str,
    confirmed_via: str,
    confirmation_reference: str = "",
    today: date | None = None,
) -> Acceptance:
    """Close the old schedule and open the plan of ``offer`` (see the module's steps)."""
    if confirmed_via not in CONFIRMATIONS:
        raise InvalidInput({"confirmed_via": f"must be one of {', '.join(CONFIRMATIONS)}"})
    day = today or timezone.now().date()
    rules = configured_rules()
    with transaction.atomic():
        old = locked_loan(offer.loan_id)
        repriced = _still_valid(offer, old, day, rules)
        carried_days = selectors.account_status(old, as_of=day).contact_days_past_due
        closing = _close_old_schedule(old, offer, day, actor)
        plan = _open_plan(old, offer, repriced, day, actor)
        _wind_down(old, actor, day)
        acceptance = Acceptance.objects.create(
            offer=offer,
            old_loan=old,
            plan_loan=plan,
            closing_entry=closing,
            closing_amount=closing.amount,
            future_interest_dropped=closing.amount - offer.balance,
            carried_days_past_due=carried_days,
            reage_mode=rules.reage,
            watch_installments=rules.watch_installments,
            accepted_on=day,
            accepted_at=timezone.now(),
            accepted_by=actor,
            confirmed_via=confirmed_via,
            confirmation_reference=confirmation_reference[:64],
        )
        record_event(
            actor=actor,
            action="repayment.offer_accepted",
            target=acceptance,
            payload={
                "offer": str(offer.reference),
                "old_loan": str(old.reference),
                "plan_loan": str(plan.reference),
                "confirmed_via": confirmed_via,
            },
        )
    return acceptance


def _restructurable(loan: Loan, day: date) -> LoanStatus:
    if selectors.closing_acceptance(loan) is not None:
        raise Conflict("loan_restructured", "this loan was already moved into a repayment plan")
    if selectors.plan_acceptance(loan) is not None:
        raise Conflict(
            "plan_not_restructurable", "a repayment plan cannot be restructured again here"
        )
    status = loan_status(loan, as_of=day)
    if status.is_settled:
        raise Conflict("nothing_owed", "nothing is owed on this loan")
    return status


def _priced(
    loan: Loan, request: OfferRequest, balance: CarriedBalance, day: date, rules: RepaymentRules
) -> list[Offer]:
    caps = rules.caps_for(loan.annual_rate)
    rate = (
        request.annual_rate
        if request.annual_rate is not None
        else rules.plan_rate(loan.annual_rate)
    )
    try:
        if request.months is not None:
            fee = request.fee if request.fee is not None else _default_fee(balance, rules, loan)
            terms = PlanTerms(months=request.months, annual_rate=rate, fee=fee, start=day)
            return [
                _within_cost_cap(
                    price_offer(balance=balance, terms=terms, currency=loan.currency, caps=caps)
                )
            ]
        return price_menu(
            balance=balance,
            months_options=rules.months_options,
            annual_rate=rate,
            fee_rate=rules.default_fee_rate,
            start=day,
            currency=loan.currency,
            caps=caps,
        )
    except RestructuringError as error:
        raise InvalidInput({error.field: error.reason}, code=error.code) from None


def _default_fee(balance: CarriedBalance, rules: RepaymentRules, loan: Loan) -> Decimal:
    fee = balance.total * rules.default_fee_rate
    return fee.quantize(quantum(loan.currency), rounding=ROUND_DOWN) + 0


def _within_cost_cap(offer: Offer) -> Offer:
    if offer.exceeds_cap:
        raise InvalidInput(
            {
                "annual_rate": f"the plan would cost {offer.apr:%} a year, above the "
                f"{offer.max_apr:%} this jurisdiction allows"
            },
            code="cost_cap_exceeded",
        )
    return offer


def _store(
    loan: Loan,
    offer: Offer,
    balance: CarriedBalance,
    seen_entry_id: int,
    affordable_installment: Decimal | None,
    rules: RepaymentRules,
    actor: str,
) -> RestructuringOffer:
    day = offer.terms.start
    return RestructuringOffer.objects.create(
        loan=loan,
        priced_on=day,
        expires_on=day + timedelta(days=rules.offer_valid_days),
        last_entry_id=seen_entry_id,
        balance_principal=balance.principal,
        balance_interest=balance.interest,
        balance_fees=balance.fees,
        months=offer.terms.months,
        annual_rate=offer.terms.annual_rate,
        fee=offer.fee,
        apr=offer.apr,
        effective_annual_rate=offer.effective_annual_rate,
        total_interest=offer.total_interest,
        total_repaid=offer.total_repaid,
        first_payment=offer.first_payment,
        regular_payment=offer.regular_payment,
        schedule=schedule_record(offer),
        affordable_installment=affordable_installment,
        pack=rules.pack,
        pack_version=rules.version,
        created_by=actor,
    )


def schedule_record(offer: Offer) -> list[dict[str, str | int]]:
    """Return the offer's schedule as stored: amounts as strings, dates as ISO text."""
    return [
        {
            "n": row.n,
            "due_date": row.due_date.isoformat(),
            "principal": str(row.principal),
            "interest": str(row.interest),
            "payment": str(row.payment),
            "balance": str(row.balance),
        }
        for row in offer.schedule
    ]


def _still_valid(offer: RestructuringOffer, old: Loan, day: date, rules: RepaymentRules) -> Offer:
    """Return the offer priced again from today; raise Conflict when it can no longer be had."""
    if Acceptance.objects.filter(old_loan=old).exists():
        raise Conflict("loan_restructured", "this loan was already moved into a repayment plan")
    if day > offer.expires_on:
        raise Conflict("offer_expired", "this offer has expired; ask for a new one")
    status = loan_status(old, as_of=day)
    balance = selectors.carried_balance(status)
    stale = selectors.last_entry_id(old) != offer.last_entry_id or balance.total != offer.balance
    if stale or status.is_settled:
        raise Conflict("offer_stale", "the balance changed since this offer; ask for a new one")
    terms = PlanTerms(months=offer.months, annual_rate=offer.annual_rate, fee=offer.fee, start=day)
    try:
        return _within_cost_cap(
            price_offer(
                balance=balance,
                terms=terms,
                currency=old.currency,
                caps=rules.caps_for(old.annual_rate),
            )
        )
    except RestructuringError as error:
        raise Conflict("offer_no_longer_allowed", error.reason) from None


def _close_old_schedule(old: Loan, offer: RestructuringOffer, day: date, actor: str) -> LedgerEntry:
    outstanding = loan_status(old, as_of=day).outstanding
    return loans.post_payment(
        loan=old,
        amount=outstanding,
        value_date=day,
        actor=actor,
        external_reference=f"{RESTRUCTURE_PREFIX}{offer.reference.hex}",
    )


def _open_plan(old: Loan, offer: RestructuringOffer, priced: Offer, day: date, actor: str) -> Loan:
    terms = loans.LoanTerms(
        external_id=_plan_external_id(old, offer),
        product=old.product,
        principal=priced.balance,
        annual_rate=offer.annual_rate,
        term_months=offer.months,
        method="equal_installment",
        disbursed_on=day,
        currency=old.currency,
    )
    plan, _ = loans.open_loan(borrower=old.borrower, terms=terms, actor=actor)
    if offer.fee > 0:
        loans.charge_fee(loan=plan, installment_n=1, amount=offer.fee, value_date=day, actor=actor)
    return plan


def _plan_external_id(old: Loan, offer: RestructuringOffer) -> str:
    candidate = f"{old.external_id}:plan"
    return candidate if len(candidate) <= MAX_EXTERNAL_ID else f"plan:{offer.reference.hex}"


def _wind_down(old: Loan, actor: str, day: date) -> None:
    # Imported here: a new pause invites offers, so the pauses module imports this one.
    from tactful.repayment.services.mandates import cancel_mandate
    from tactful.repayment.services.pauses import end_pause_for_plan

    pause = selectors.active_pause(old, on=day)
    if pause is not None:
        end_pause_for_plan(pause=pause, actor=actor, today=day)
    mandate = selectors.active_mandate(old)
    if mandate is not None:
        cancel_mandate(mandate=mandate, reason=CancellationReason.LOAN_CLOSED, actor=actor)
