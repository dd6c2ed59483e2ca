"""Write path for loans and their ledger. Every change goes through here."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from tactful import money
from tactful.audit.services import record_event
from tactful.borrowers.models import Borrower
from tactful.errors import Conflict, InvalidInput, NotFound
from tactful.loans.ledger_view import ledger_state
from tactful.loans.models import EntryKind, Installment, LedgerEntry, Loan

# What the columns of Loan can hold exactly.
MAX_PRINCIPAL = Decimal(10) ** 15
RATE_DECIMALS = 6


@dataclass(frozen=True)
class LoanTerms:
    external_id: str
    product: str
    principal: Decimal
    annual_rate: Decimal
    term_months: int
    method: str
    disbursed_on: date
    currency: str


def open_loan(*, borrower: Borrower, terms: LoanTerms, actor: str) -> tuple[Loan, bool]:
    """Create the loan and its schedule, or return the existing one with identical terms.

    Terms are part of the contract: a second request with other terms is a conflict,
    never a silent change.
    """
    schedule = _schedule_for(terms)
    with transaction.atomic():
        existing = Loan.objects.select_for_update().filter(external_id=terms.external_id).first()
        if existing is not None:
            _ensure_same_terms(existing, borrower, terms)
            return existing, False
        loan = Loan.objects.create(borrower=borrower, **asdict(terms))
        Installment.objects.bulk_create(
            Installment(
                loan=loan,
                n=row.n,
                due_date=row.due_date,
                principal=row.principal,
                interest=row.interest,
            )
            for row in schedule
        )
        record_event(actor=actor, action="loan.opened", target=loan, payload={"terms": str(terms)})
    return loan, True


def post_payment(
    *, loan: Loan, amount: Decimal, value_date: date, actor: str, external_reference: str = ""
) -> LedgerEntry:
    """Record money received and re-derive which installments it paid."""
    amount = _valid_amount(amount, loan.currency)
    _ensure_value_date(loan, value_date)
    return _append(
        loan=loan,
        actor=actor,
        kind=EntryKind.PAYMENT,
        value_date=value_date,
        amount=amount,
        external_reference=external_reference,
    )


def charge_fee(
    *, loan: Loan, installment_n: int, amount: Decimal, value_date: date, actor: str
) -> LedgerEntry:
    amount = _valid_amount(amount, loan.currency)
    _ensure_value_date(loan, value_date)
    if not loan.installments.filter(n=installment_n).exists():
        raise InvalidInput({"installment": f"loan has no installment {installment_n}"})
    return _append(
        loan=loan,
        actor=actor,
        kind=EntryKind.FEE,
        value_date=value_date,
        amount=amount,
        installment_n=installment_n,
    )


def waive_fee(
    *,
    loan: Loan,
    installment_n: int,
    amount: Decimal,
    value_date: date,
    actor: str,
    external_reference: str = "",
) -> LedgerEntry:
    """Forgive fees of an installment; the fee's own rows stay (waivers never refund)."""
    amount = _valid_amount(amount, loan.currency)
    _ensure_value_date(loan, value_date)
    if not loan.installments.filter(n=installment_n).exists():
        raise InvalidInput({"installment": f"loan has no installment {installment_n}"})
    return _append(
        loan=loan,
        actor=actor,
        kind=EntryKind.WAIVER,
        value_date=value_date,
        amount=amount,
        installment_n=installment_n,
        external_reference=external_reference,
    )


def reverse_entry(*, loan: Loan, entry_reference: str, value_date: date, actor: str) -> LedgerEntry:
    """Cancel a payment, fee or waiver by appending a reversal; the original row stays."""
    _ensure_value_date(loan, value_date)
    with transaction.atomic():
        Loan.objects.select_for_update().get(pk=loan.pk)
        original = LedgerEntry.objects.filter(loan=loan, reference=entry_reference).first()
        if original is None:
            raise NotFound("entry_not_found", "this loan has no such ledger entry")
        if original.kind == EntryKind.REVERSAL:
            raise Conflict("cannot_reverse_reversal", "a reversal cannot itself be reversed")
        if LedgerEntry.objects.filter(reverses=original).exists():
            raise Conflict("already_reversed", "this entry has already been reversed")
        if value_date < original.value_date:
            raise InvalidInput({"value_date": "a reversal cannot take effect before its entry"})
        return _append(
            loan=loan,
            actor=actor,
            kind=EntryKind.REVERSAL,
            value_date=value_date,
            amount=original.amount,
            reverses=original,
        )


def _append(*, loan: Loan, actor: str, **fields: object) -> LedgerEntry:
    with transaction.atomic():
        Loan.objects.select_for_update().get(pk=loan.pk)
        entry = LedgerEntry.objects.create(loan=loan, posted_by=actor, **fields)
        refresh_installments(loan)
        record_event(
            actor=actor,
            action=f"ledger.{entry.kind}",
            target=entry,
            payload={"loan": str(loan.reference), "amount": str(entry.amount)},
        )
    return entry


def refresh_installments(loan: Loan) -> None:
    """Re-derive each installment's paid-off date from the whole ledger."""
    state = ledger_state(loan, as_of=date.max)
    paid_off = {row.n: row.paid_off_on for row in state.installments}
    for installment in loan.installments.all():
        if installment.paid_off_on != paid_off[installment.n]:
            installment.paid_off_on = paid_off[installment.n]
            installment.save(update_fields=["paid_off_on"])


def _schedule_for(terms: LoanTerms) -> list[money.ScheduledInstallment]:
    problems: dict[str, str] = {}
    if not terms.external_id.strip():
        problems["external_id"] = "must not be empty"
    try:
        money.parse_amount(terms.principal, terms.currency)
    except money.UnknownCurrency as error:
        problems["currency"] = str(error)
    except money.AmountError as error:
        problems["principal"] = str(error)
    if not problems and terms.principal >= MAX_PRINCIPAL:
        problems["principal"] = f"must be below {MAX_PRINCIPAL:,}"
    if _decimal_places(terms.annual_rate) > RATE_DECIMALS:
        problems["annual_rate"] = f"must have at most {RATE_DECIMALS} decimal places"
    if terms.method not in set(money.Method):
        problems["method"] = f"must be one of {', '.join(money.Method)}"
    if problems:
        raise InvalidInput(problems)
    try:
        return money.build_schedule(
            principal=terms.principal,
            annual_rate=terms.annual_rate,
            months=terms.term_months,
            method=money.Method(terms.method),
            start=terms.disbursed_on,
            currency=terms.currency,
        )
    except money.ScheduleError as error:
        field = {"months": "term_months", "start": "disbursed_on"}.get(error.field, error.field)
        raise InvalidInput({field: error.reason}) from None


def _decimal_places(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _ensure_same_terms(loan: Loan, borrower: Borrower, terms: LoanTerms) -> None:
    same = loan.borrower_id == borrower.pk and all(
        getattr(loan, name) == value for name, value in asdict(terms).items()
    )
    if not same:
        raise Conflict(
            "loan_terms_immutable",
            "a loan with this external_id exists with other terms; terms never change",
        )


def _valid_amount(amount: Decimal, currency: str) -> Decimal:
    try:
        value = money.parse_amount(amount, currency)
    except (money.AmountError, money.UnknownCurrency) as error:
        raise InvalidInput({"amount": str(error)}) from None
    if value <= 0:
        raise InvalidInput({"amount": "must be greater than zero"})
    return value


def _ensure_value_date(loan: Loan, value_date: date) -> None:
    if value_date < loan.disbursed_on:
        raise InvalidInput({"value_date": "must not be before the loan was disbursed"})
    if value_date > timezone.now().date():
        raise InvalidInput({"value_date": "must not be in the future"})
