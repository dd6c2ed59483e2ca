"""Write path for loans and their ledger. Every change goes through here."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from tactful import money
from tactful.audit.services import NewEvent, record_event, record_events
from tactful.borrowers.models import Borrower
from tactful.errors import Conflict, InvalidInput, NotFound
from tactful.loans import ledger_view
from tactful.loans.ledger_view import LedgerRead, Schedule, ledger_state
from tactful.loans.models import DelinquencySnapshot, EntryKind, Installment, LedgerEntry, Loan
from tactful.loans.selectors import installments_frame

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


@dataclass(frozen=True)
class PaymentRequest:
    """Money received for a loan, to be posted with others in one batch."""

    loan: Loan
    amount: Decimal
    value_date: date
    external_reference: str = ""


def post_payment(
    *, loan: Loan, amount: Decimal, value_date: date, actor: str, external_reference: str = ""
) -> LedgerEntry:
    """Record money received and re-derive which installments it paid."""
    request = PaymentRequest(
        loan=loan, amount=amount, value_date=value_date, external_reference=external_reference
    )
    return _post_valid([validate_payment(request)], actor)[0]


def post_payments(
    *,
    payments: Sequence[PaymentRequest],
    actor: str,
    ledgers: Mapping[int, LedgerRead] | None = None,
) -> list[LedgerEntry]:
    """Record many payments in one transaction; return their entries in the order given.

    Every payment is checked first, by the rules of `post_payment`: one bad payment and
    nothing is stored (its problems are named `payments[<index>].<field>`). The result is
    what posting them one by one in this order would store, at a fraction of the cost: one
    replay per loan touched and one lock of the audit chain for the whole batch.

    ``ledgers`` (by loan id, from `ledger_view.read_ledgers`) saves reading and replaying
    again what the caller read already. The ledger and the paid-off dates are always read
    afresh under the loans' locks: a loan whose ledger gained any entry since the caller
    read it (other than these payments) is replayed in full, and one whose installments
    are not those read is read again. The open replays given take the new payments.
    """
    valid: list[PaymentRequest] = []
    problems: dict[str, str] = {}
    for index, payment in enumerate(payments):
        try:
            valid.append(validate_payment(payment))
        except InvalidInput as error:
            problems.update({f"payments[{index}].{k}": v for k, v in error.fields.items()})
    if problems:
        raise InvalidInput(problems)
    return _post_valid(valid, actor, ledgers)


def validate_payment(payment: PaymentRequest) -> PaymentRequest:
    """Return the payment with its amount normalised; raise InvalidInput if it breaks a rule."""
    amount = _valid_amount(payment.amount, payment.loan.currency)
    _ensure_value_date(payment.loan, payment.value_date)
    return replace(payment, amount=amount)


def _post_valid(
    payments: Sequence[PaymentRequest],
    actor: str,
    ledgers: Mapping[int, LedgerRead] | None = None,
) -> list[LedgerEntry]:
    if not payments:
        return []
    with transaction.atomic():
        _lock_loans(payment.loan.pk for payment in payments)
        entries = LedgerEntry.objects.bulk_create(
            LedgerEntry(
                loan=payment.loan,
                posted_by=actor,
                kind=EntryKind.PAYMENT,
                value_date=payment.value_date,
                amount=payment.amount,
                external_reference=payment.external_reference,
            )
            for payment in payments
        )
        _refresh_many_installments({payment.loan.pk for payment in payments}, entries, ledgers)
        record_events(events=[_entry_event(entry, actor) for entry in entries])
    return entries


def _lock_loans(loan_ids: Iterable[int]) -> None:
    # Always in ascending pk order, whoever calls: two batches sharing loans then wait
    # for each other instead of deadlocking. Single-entry posting takes the same lock.
    ids = sorted(set(loan_ids))
    list(Loan.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk"))


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
        record_events(events=[_entry_event(entry, actor)])
    return entry


def _entry_event(entry: LedgerEntry, actor: str) -> NewEvent:
    return NewEvent(
        actor=actor,
        action=f"ledger.{entry.kind}",
        target=entry,
        payload={"loan": str(entry.loan.reference), "amount": str(entry.amount)},
    )


def refresh_installments(loan: Loan) -> None:
    """Re-derive each installment's paid-off date from the whole ledger."""
    state = ledger_state(loan, as_of=date.max)
    paid_off = {row.n: row.paid_off_on for row in state.installments}
    for installment in loan.installments.all():
        if installment.paid_off_on != paid_off[installment.n]:
            installment.paid_off_on = paid_off[installment.n]
            installment.save(update_fields=["paid_off_on"])


def _refresh_many_installments(
    loan_ids: set[int],
    posted: Sequence[LedgerEntry] = (),
    ledgers: Mapping[int, LedgerRead] | None = None,
) -> None:
    """Re-derive the paid-off dates of many loans: a few reads, one replay per loan.

    A loan whose ledger the caller read (`ledgers`) and which gained no entry since but
    those just ``posted`` is not read or replayed again: they are added to the caller's
    open replay. When the caller read only the first installments (`Schedule.due_before`)
    and the new payments stayed within them, the later ones are untouched and only the
    first are compared. Every other loan is read and replayed in full. Only installments
    whose date changed are written: one UPDATE per distinct new date (a batch of payments
    valued on one day makes one), which is far cheaper than a row-by-row CASE.
    """
    entries = ledger_view.entries_by_loan(loan_ids)
    posted_ids: dict[int, set[str]] = defaultdict(set)
    for entry in posted:
        posted_ids[entry.loan_id].add(str(entry.pk))
    known = ledgers or {}
    added: dict[int, tuple[Schedule, dict[int, date | None]]] = {}
    for loan_id in loan_ids:
        read = known.get(loan_id)
        if read is not None:
            paid_off = _paid_off_after(read, entries[loan_id], posted_ids[loan_id])
            if paid_off is not None:
                added[loan_id] = (read.schedule, paid_off)
    by_day: dict[date | None, list[int]] = defaultdict(list)
    for loan_id, (schedule, _) in added.items():
        by_day[schedule.due_before].append(loan_id)
    stored = _stored_paid_off(by_day)
    derived = {
        loan_id: pair
        for loan_id, pair in added.items()
        if pair[0].installment_ids == tuple(stored.get(loan_id, ()))
    }
    rest = loan_ids - set(derived)
    stored.update(_stored_paid_off({None: list(rest)}))
    for loan_id, schedule in ledger_view.schedules_of(rest).items():
        paid_off = money.OpenReplay(schedule.dues, entries[loan_id]).paid_off_dates()
        derived[loan_id] = (schedule, paid_off)
    changed: dict[date | None, list[int]] = defaultdict(list)
    for loan_id, (schedule, paid_off) in derived.items():
        paid_off_by_id = stored[loan_id]
        for pk, due in zip(schedule.installment_ids, schedule.dues, strict=True):
            if paid_off_by_id[pk] != paid_off[due.n]:
                changed[paid_off[due.n]].append(pk)
    for paid_off_on, pks in changed.items():
        Installment.objects.filter(pk__in=pks).update(paid_off_on=paid_off_on)


def _paid_off_after(
    read: LedgerRead, entries: list[money.Entry], posted_ids: set[str]
) -> dict[int, date | None] | None:
    """Return the paid-off dates of ``read``'s installments with the entries just posted.

    None when the caller's replay cannot give them: the ledger is not what it read
    followed by exactly the entries just posted, its replay is not of its schedule, or
    the payments went beyond the installments it read.
    """
    seen = read.replay.entries
    since = entries[len(seen) :]
    current = tuple(entries[: len(seen)]) == seen and {e.entry_id for e in since} == posted_ids
    if not current or read.replay.dues != read.schedule.dues:
        return None
    unapplied = read.replay.unapplied
    read.replay.add(since)
    if not read.schedule.complete and read.replay.unapplied != unapplied:
        return None
    return read.replay.paid_off_dates()


def _stored_paid_off(
    loans_by_day: Mapping[date | None, list[int]],
) -> dict[int, dict[int, date | None]]:
    """Return the loans' stored paid-off dates by installment id, in installment order.

    For the loans under a day, only the installments falling due before it (all under
    None): one query per day, and a run's batch has one.
    """
    stored: dict[int, dict[int, date | None]] = defaultdict(dict)
    for day, ids in loans_by_day.items():
        rows = Installment.objects.filter(loan_id__in=ids)
        if day is not None:
            rows = rows.filter(due_date__lt=day)
        fields = ("loan_id", "pk", "paid_off_on")
        for loan_id, pk, paid_off_on in rows.order_by("loan_id", "n").values_list(*fields):
            stored[loan_id][pk] = paid_off_on
    return stored


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


def anonymise_loans(*, borrower: Borrower, erased: str) -> None:
    """Replace the lender's ids of `borrower`'s loans by ``<erased>:<reference>``.

    For erasure once retention has ended: the loans and their ledgers stay, known only by
    Tactful's own references. A queryset update, so nothing else about a loan changes.
    """
    for loan in Loan.objects.filter(borrower=borrower):
        Loan.objects.filter(pk=loan.pk).update(external_id=f"{erased}:{loan.reference}")


# --- daily delinquency history -------------------------------------------------------------

SNAPSHOT_BATCH_SIZE = 5000


def record_delinquency_snapshots(*, as_of: date) -> int:
    """Append one snapshot per loan for `as_of`, computed for all loans at once through the
    batch path; a day already recorded is left alone."""
    frame = money.days_past_due_frame(installments_frame(), as_of, ledger_view.bucket_scheme())
    done = set(DelinquencySnapshot.objects.filter(as_of=as_of).values_list("loan_id", flat=True))
    snapshots = [
        DelinquencySnapshot(
            loan_id=row["loan_id"],
            as_of=as_of,
            days_past_due=row["days_past_due"],
            bucket=row["bucket"],
        )
        for row in frame.iter_rows(named=True)
        if row["loan_id"] not in done
    ]
    with transaction.atomic():
        DelinquencySnapshot.objects.bulk_create(snapshots, batch_size=SNAPSHOT_BATCH_SIZE)
    return len(snapshots)
