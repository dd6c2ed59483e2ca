"""The daily auto-debit run: collect what is due, exactly once, whatever crashes.

For each batch of due mandates:

1. Claim. Plan the day's attempts (`money.debits.plan_attempts`) and insert them, each
   with its idempotency key (mandate, installment, attempt), in one committed
   transaction. A unique key per (mandate, installment, attempt) means two runs racing
   for the same work cannot both claim it.
2. Charge. Call the processor with each attempt's key, outside any transaction.
3. Record. In one transaction per batch: every result, and for money collected the
   ledger payment (reference = the key), posted together through `loans.post_payments`.
   An attempt that already has a result is skipped, so a result is never recorded twice.

A run that dies between 2 and 3 leaves claimed attempts without a result. The next run
first finishes those ("resumes"): it asks the processor again with the same keys, and a
processor answers a key it has seen with the first result and moves no money. So no
installment is charged twice and no charge goes unrecorded.

Loans under a hardship pause, and loans moved into a plan, are not collected from.
A failure that will not be retried (permanent, or the last attempt of the retry
policy) ends the mandate: an empty or closed account is not tried again and again.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import islice

from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone

from tactful.audit.services import record_event
from tactful.errors import ServiceError
from tactful.loans import services as loans
from tactful.loans.models import LedgerEntry
from tactful.money.debits import PlannedAttempt, PreviousAttempt, idempotency_key, plan_attempts
from tactful.repayment import ledgers, selectors
from tactful.repayment.models import (
    CancellationReason,
    DebitAttempt,
    DebitMandate,
    DebitOutcome,
    DebitResult,
    MandateCancellation,
)
from tactful.repayment.payments import (
    ChargeRequest,
    ChargeResult,
    PaymentPort,
    ProcessorUnavailable,
    payment_port,
)
from tactful.repayment.rules import RepaymentRules, configured_rules

logger = logging.getLogger(__name__)

ACTOR = "repayment:auto-debit"
CHUNK_SIZE = 500
# A claimed attempt younger than this may belong to a run still in progress.
RESUME_AFTER = timedelta(minutes=10)
MISSED_RETRY_WINDOW = timedelta(days=7)

Progress = Callable[[int, int], None]


@dataclass
class DebitRunReport:
    """What one run did."""

    as_of: date
    run_id: uuid.UUID
    mandates: int = 0
    attempts: int = 0
    resumed: int = 0
    collected: int = 0
    failed: int = 0
    unknown: int = 0
    amount_collected: Decimal = field(default_factory=Decimal)


def run_auto_debits(
    *,
    as_of: date,
    port: PaymentPort | None = None,
    chunk_size: int = CHUNK_SIZE,
    resume_after: timedelta = RESUME_AFTER,
    progress: Progress | None = None,
) -> DebitRunReport:
    """Collect what is due on ``as_of`` through every active mandate; return what happened."""
    processor = port or payment_port()
    rules = configured_rules()
    report = DebitRunReport(as_of=as_of, run_id=uuid.uuid4())
    for orphans in _batched(_orphaned_attempt_ids(timezone.now() - resume_after), chunk_size):
        attempts = _attempts(orphans)
        report.resumed += len(attempts)
        _charge_and_record(attempts, processor, rules, report)
    mandate_ids = _due_mandate_ids(as_of)
    report.mandates = len(mandate_ids)
    done = 0
    for chunk in _batched(mandate_ids, chunk_size):
        attempts = _claim(chunk, as_of, report.run_id)
        report.attempts += len(attempts)
        _charge_and_record(attempts, processor, rules, report)
        done += len(chunk)
        if progress is not None:
            progress(done, len(mandate_ids))
    _record_run(report)
    return report


# --- 1. claim ----------------------------------------------------------------------------


def _due_mandate_ids(as_of: date) -> list[int]:
    active = DebitMandate.objects.filter(cancellation__isnull=True)
    # Retries whose day passed without a run are made up, within a week.
    retrying = Q(
        attempts__result__outcome=DebitOutcome.FAILED,
        attempts__result__retry_on__range=(as_of - MISSED_RETRY_WINDOW, as_of),
    )
    ids = active.filter(Q(debit_day=as_of.day) | retrying).values_list("pk", flat=True)
    return sorted(set(ids))


def _claim(mandate_ids: list[int], as_of: date, run_id: uuid.UUID) -> list[DebitAttempt]:
    mandates = list(DebitMandate.objects.filter(pk__in=mandate_ids).select_related("loan"))
    loan_ids = [mandate.loan_id for mandate in mandates]
    blocked = selectors.uncollectable_loans(loan_ids, on=as_of)
    states = ledgers.installment_states(
        [loan_id for loan_id in loan_ids if loan_id not in blocked], as_of
    )
    history = _previous_attempts(mandate_ids)
    used = _used_today(mandate_ids, as_of)
    now = timezone.now()
    rows: list[DebitAttempt] = []
    for mandate in mandates:
        if mandate.loan_id in blocked:
            continue
        planned = plan_attempts(
            states[mandate.loan_id],
            debit_day=mandate.debit_day,
            maximum=mandate.max_amount - used.get(mandate.pk, Decimal(0)),
            on=as_of,
            previous=history.get(mandate.pk, {}),
        )
        rows.extend(_attempt_row(mandate, plan, as_of, run_id, now) for plan in planned)
    with transaction.atomic():
        DebitAttempt.objects.bulk_create(rows, ignore_conflicts=True)
    return _ours(rows, run_id)


def _ours(rows: list[DebitAttempt], run_id: uuid.UUID) -> list[DebitAttempt]:
    """Return the rows this run inserted (a racing run may have claimed some), with their ids.

    The rows in hand already carry their mandate and loan; only the ids are read back.
    """
    keys = [row.idempotency_key for row in rows]
    inserted = dict(
        DebitAttempt.objects.filter(run_id=run_id, idempotency_key__in=keys).values_list(
            "idempotency_key", "pk"
        )
    )
    ours = []
    for row in rows:
        if row.idempotency_key in inserted:
            row.pk = inserted[row.idempotency_key]
            ours.append(row)
    return ours


def _attempt_row(
    mandate: DebitMandate, plan: PlannedAttempt, as_of: date, run_id: uuid.UUID, now: datetime
) -> DebitAttempt:
    return DebitAttempt(
        mandate=mandate,
        loan=mandate.loan,
        installment_n=plan.n,
        attempt_no=plan.attempt_no,
        amount=plan.amount,
        scheduled_on=as_of,
        idempotency_key=idempotency_key(mandate.reference.hex, plan.n, plan.attempt_no),
        run_id=run_id,
        created_at=now,
    )


def _used_today(mandate_ids: list[int], as_of: date) -> dict[int, Decimal]:
    """Return what each mandate collected or is collecting on ``as_of`` already.

    The day's maximum covers every attempt of the day, a resumed one included.
    """
    rows = (
        DebitAttempt.objects.filter(mandate_id__in=mandate_ids, scheduled_on=as_of)
        .exclude(result__outcome=DebitOutcome.FAILED)
        .values("mandate_id")
        .annotate(total=Sum("amount"))
        .values_list("mandate_id", "total")
    )
    return dict(rows)


def _previous_attempts(mandate_ids: list[int]) -> dict[int, dict[int, PreviousAttempt]]:
    """Return the latest attempt at each installment, by mandate and installment number."""
    rows = (
        DebitAttempt.objects.filter(mandate_id__in=mandate_ids)
        .order_by("mandate_id", "installment_n", "attempt_no")
        .values_list(
            "mandate_id",
            "installment_n",
            "attempt_no",
            "scheduled_on",
            "result__outcome",
            "result__retry_on",
        )
    )
    latest: dict[int, dict[int, PreviousAttempt]] = {}
    for mandate_id, n, attempt_no, scheduled_on, outcome, retry_on in rows:
        latest.setdefault(mandate_id, {})[n] = PreviousAttempt(
            attempt_no=attempt_no,
            scheduled_on=scheduled_on,
            finished=outcome is not None,
            succeeded=outcome == DebitOutcome.SUCCEEDED,
            retry_on=retry_on,
        )
    return latest


def _orphaned_attempt_ids(claimed_before: datetime) -> list[int]:
    rows = DebitAttempt.objects.filter(result__isnull=True, created_at__lt=claimed_before)
    return list(rows.order_by("pk").values_list("pk", flat=True))


def _attempts(ids: Iterable[int]) -> list[DebitAttempt]:
    return list(
        DebitAttempt.objects.filter(pk__in=list(ids))
        .select_related("mandate", "loan")
        .order_by("pk")
    )


# --- 2. charge and 3. record -------------------------------------------------------------


def _charge_and_record(
    attempts: list[DebitAttempt],
    processor: PaymentPort,
    rules: RepaymentRules,
    report: DebitRunReport,
) -> None:
    answered = []
    for attempt in attempts:
        result = _charge(attempt, processor)
        if result is None:
            report.unknown += 1
        else:
            answered.append((attempt, result))
    done_before = _recorded_already([attempt.pk for attempt, _ in answered])
    fresh = [(attempt, result) for attempt, result in answered if attempt.pk not in done_before]
    try:
        recorded = _record_batch(fresh, rules, report)
    except IntegrityError:
        # Another run recorded one of these meanwhile: the whole batch, ledger payments
        # included, was rolled back; the next run resumes the attempts left without result.
        logger.warning("a racing run recorded part of this batch; it is left to the next run")
        report.unknown += len(fresh)
        return
    for attempt, result in recorded:
        _count(report, attempt, result)


def _recorded_already(attempt_ids: list[int]) -> set[int]:
    """Return the attempts another run recorded meanwhile (one query for the batch)."""
    rows = DebitResult.objects.filter(attempt_id__in=attempt_ids)
    return set(rows.values_list("attempt_id", flat=True))


def _charge(attempt: DebitAttempt, processor: PaymentPort) -> ChargeResult | None:
    request = ChargeRequest(
        token=attempt.mandate.account_token,
        amount=attempt.amount,
        currency=attempt.loan.currency,
        idempotency_key=attempt.idempotency_key,
    )
    try:
        return processor.charge(request)
    except ProcessorUnavailable:
        # The outcome is unknown: the attempt stays claimed and the next run asks again.
        logger.warning("payment processor unavailable for attempt %s", attempt.pk)
        return None


def _record_batch(
    answered: list[tuple[DebitAttempt, ChargeResult]],
    rules: RepaymentRules,
    report: DebitRunReport,
) -> list[tuple[DebitAttempt, ChargeResult]]:
    """Post the money collected and record every result, all in one transaction.

    The payments go to the ledger together (`loans.post_payments`: one replay per loan,
    one lock of the audit chain). The results' one-to-one key on their attempt is the
    last word: if a racing run recorded one of them, the insert fails and the whole batch,
    payments included, is rolled back.
    """
    recorded = [(attempt, result) for attempt, result in answered if _recordable(attempt, result)]
    report.unknown += len(answered) - len(recorded)
    with transaction.atomic():
        entries = _post_collected([attempt for attempt, result in recorded if result.succeeded])
        rows = [
            _result_row(attempt, result, rules, entries.get(attempt.pk))
            for attempt, result in recorded
        ]
        DebitResult.objects.bulk_create(rows)
        _end_mandates([row.attempt.mandate for row in rows if _given_up(row)])
        if rows:
            ids = [row.attempt_id for row in rows]
            transaction.on_commit(lambda: _notify(ids))
    return recorded


def _recordable(attempt: DebitAttempt, result: ChargeResult) -> bool:
    """Tell whether the result can be recorded: money collected must be postable."""
    if not result.succeeded:
        return True
    try:
        loans.validate_payment(_payment(attempt))
    except ServiceError:
        # Collected but not postable: left without a result for a person to look at.
        logger.exception("could not post auto-debit attempt %s", attempt.pk)
        return False
    return True


def _post_collected(attempts: list[DebitAttempt]) -> dict[int, LedgerEntry]:
    """Post the collected attempts to the ledger in one batch; return entries by attempt id."""
    entries = loans.post_payments(payments=[_payment(attempt) for attempt in attempts], actor=ACTOR)
    return {attempt.pk: entry for attempt, entry in zip(attempts, entries, strict=True)}


def _payment(attempt: DebitAttempt) -> loans.PaymentRequest:
    return loans.PaymentRequest(
        loan=attempt.loan,
        amount=attempt.amount,
        value_date=attempt.scheduled_on,
        external_reference=attempt.idempotency_key,
    )


def _result_row(
    attempt: DebitAttempt,
    result: ChargeResult,
    rules: RepaymentRules,
    entry: LedgerEntry | None,
) -> DebitResult:
    retry_on = None
    if not result.succeeded:
        retry_on = rules.retry.retry_on(
            attempt.attempt_no, attempt.scheduled_on, permanent=result.permanent
        )
    return DebitResult(
        attempt=attempt,
        outcome=DebitOutcome.SUCCEEDED if result.succeeded else DebitOutcome.FAILED,
        failure_code=result.failure_code[:40],
        permanent=result.permanent,
        processor_reference=result.reference[:64],
        ledger_entry=entry,
        retry_on=retry_on,
        recorded_at=timezone.now(),
    )


def _given_up(row: DebitResult) -> bool:
    return row.outcome == DebitOutcome.FAILED and row.retry_on is None


def _end_mandates(mandates: list[DebitMandate]) -> None:
    for mandate in mandates:
        _end_mandate(mandate)


def _end_mandate(mandate: DebitMandate) -> None:
    if MandateCancellation.objects.filter(mandate=mandate).exists():
        return
    MandateCancellation.objects.create(
        mandate=mandate,
        reason=CancellationReason.ACCOUNT_UNUSABLE,
        cancelled_at=timezone.now(),
        cancelled_by=ACTOR,
    )
    record_event(
        actor=ACTOR,
        action="repayment.mandate_cancelled",
        target=mandate,
        payload={"reason": CancellationReason.ACCOUNT_UNUSABLE},
    )


def _count(report: DebitRunReport, attempt: DebitAttempt, result: ChargeResult) -> None:
    if result.succeeded:
        report.collected += 1
        report.amount_collected += attempt.amount
    else:
        report.failed += 1


def _notify(attempt_ids: list[int]) -> None:
    from tactful.repayment.tasks import send_debit_result_notices

    send_debit_result_notices.enqueue(attempt_ids)


def _record_run(report: DebitRunReport) -> None:
    record_event(
        actor=ACTOR,
        action="repayment.auto_debit_run",
        target=("repayment.debitrun", str(report.run_id)),
        payload={
            "as_of": report.as_of.isoformat(),
            "mandates": report.mandates,
            "attempts": report.attempts,
            "resumed": report.resumed,
            "collected": report.collected,
            "failed": report.failed,
            "unknown": report.unknown,
            "amount_collected": str(report.amount_collected),
        },
    )


def _batched(ids: Iterable[int], size: int) -> Iterator[list[int]]:
    iterator = iter(ids)
    while chunk := list(islice(iterator, size)):
        yield chunk
