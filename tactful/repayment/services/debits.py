"""The daily auto-debit run: collect what is due, exactly once, whatever crashes.

For each batch of due mandates (`CHUNK_SIZE`), a fixed number of queries whatever its size:

1. Claim. Read the mandates, their loans' schedules and ledgers and their earlier
   attempts, one query each for the batch; plan the day's attempts
   (`money.debits.plan_attempts`) and insert them, each with its idempotency key
   (mandate, installment, attempt), in one committed transaction. A unique key per
   (mandate, installment, attempt) means two runs racing for the same work cannot both
   claim it. A mandate cancelled (its consent withdrawn) since the run listed it is
   not claimed: that is checked again inside the claim's transaction.
2. Charge. Call the processor with each attempt's key, outside any transaction.
3. Record. In one transaction per batch: every result, and for money collected the
   ledger payment (reference = the key), posted together through `loans.post_payments`,
   which adds the payments to the ledgers the claim read and replayed rather than reading
   and replaying them again (it checks they are still current). An attempt that already
   has a result is skipped, so a result is never recorded twice.

A run that dies between 2 and 3 leaves claimed attempts without a result. The next run
first finishes those ("resumes"): it asks the processor again with the same keys, and a
processor answers a key it has seen with the first result and moves no money. So no
installment is charged twice and no charge goes unrecorded.

Loans under a hardship pause, and loans moved into a plan, are not collected from.
A failure that will not be retried (permanent, or the last attempt of the retry
policy) ends the mandate: an empty or closed account is not tried again and again.
"""

from __future__ import annotations

import gc
import logging
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import partial

from django.db import IntegrityError, transaction
from django.utils import timezone

from tactful.audit.services import NewEvent, record_event, record_events
from tactful.batches import services as batches
from tactful.batches.models import BatchRun
from tactful.batches.services import Counts, in_chunks
from tactful.batches.tasks import enqueue_helpers
from tactful.errors import ServiceError
from tactful.loans import services as loans
from tactful.loans.ledger_view import LedgerRead, read_ledgers
from tactful.loans.models import LedgerEntry
from tactful.money.debits import (
    PlannedAttempt,
    PreviousAttempt,
    idempotency_key,
    next_debit_day,
    plan_attempts,
)
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
from tactful.telemetry import metrics

logger = logging.getLogger(__name__)

ACTOR = "portal:auto-debit"
JOB = "repayment.auto_debit"
CHUNK_SIZE = 500
# A claimed attempt younger than this may belong to a run still in progress.
RESUME_AFTER = timedelta(minutes=10)
MISSED_RETRY_WINDOW = timedelta(days=7)
# The cyclic collector's first threshold during a run (Python's default is 700); see
# `_collector_for_batches`.
RUN_GC_THRESHOLD = 50_000
ZERO = Decimal(0)
# What a claimed attempt needs of its mandate and loan, all the way to the ledger: the
# rest of the two rows is left unread (a test checks no query is made per mandate).
CLAIM_FIELDS = (
    "reference",
    "account_token",
    "max_amount",
    "debit_day",
    "loan",
    "loan__reference",
    "loan__currency",
    "loan__disbursed_on",
)

Progress = Callable[[int, int], None]  # chunks done, chunks in all


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
    helpers: int = 0,
) -> DebitRunReport:
    """Collect what is due on ``as_of`` through every active mandate; return what happened.

    The day is a batch run of the due mandates in chunks of ``chunk_size``
    (`tactful.batches`): this process works on it, and ``helpers`` task workers are asked
    to share it. A run of the same day left unfinished (its workers killed) is picked up
    where it stopped: a chunk leased longer than ``resume_after`` ago is done again, and
    its attempts left without a result are asked of the processor again with the same keys.
    """
    processor = port or payment_port()
    run = open_debit_day(
        as_of=as_of, port=processor, chunk_size=chunk_size, resume_after=resume_after
    )
    enqueue_helpers(str(run.reference), helpers)
    with _collector_for_batches():
        batches.drain(
            run,
            work=partial(_debit_chunk, processor=processor),
            lease=resume_after,
            progress=progress,
        )
    run.refresh_from_db()
    return report_of(run)


def open_debit_day(
    *,
    as_of: date,
    port: PaymentPort | None = None,
    chunk_size: int = CHUNK_SIZE,
    resume_after: timedelta = RESUME_AFTER,
) -> BatchRun:
    """Return the day's unfinished run, or open one over the mandates due on ``as_of``.

    Opening a run first finishes what earlier runs left half done (attempts claimed more
    than ``resume_after`` ago without a result); their counts join the new run's.
    """
    existing = batches.unfinished_run(job=JOB, key=as_of.isoformat())
    if existing is not None:
        return existing
    processor = port or payment_port()
    earlier = DebitRunReport(as_of=as_of, run_id=uuid.uuid4())
    with _collector_for_batches():
        for orphans in in_chunks(_orphaned_attempt_ids(timezone.now() - resume_after), chunk_size):
            attempts = _attempts(orphans)
            earlier.resumed += len(attempts)
            _charge_and_record(attempts, processor, configured_rules(), earlier, reads={})
    run, _ = batches.open_run(
        job=JOB,
        key=as_of.isoformat(),
        items=lambda: _due_mandate_ids(as_of),
        chunk_size=chunk_size,
        chunk_function=f"{__name__}.debit_chunk",
        finish_function=f"{__name__}.finish_day",
        arguments={"as_of": as_of.isoformat(), "earlier": _counts(earlier)},
    )
    return run


def debit_chunk(run: BatchRun, mandate_ids: list[int]) -> Counts:
    """Do one chunk of a day's run with the configured processor (a task worker's entry)."""
    return _debit_chunk(run, mandate_ids, processor=payment_port())


def _debit_chunk(run: BatchRun, mandate_ids: list[int], *, processor: PaymentPort) -> Counts:
    """Claim, charge and record the chunk's mandates; first finish what a dead worker left.

    Done twice, a chunk changes nothing the second time: its attempts exist (unique keys),
    and those with a result are not recorded again.
    """
    as_of = date.fromisoformat(str(run.arguments["as_of"]))
    rules = configured_rules()
    report = DebitRunReport(as_of=as_of, run_id=run.reference, mandates=len(mandate_ids))
    left = _left_by_this_run(run.reference, mandate_ids)
    if left:
        report.resumed += len(left)
        _charge_and_record(left, processor, rules, report, reads={})
    attempts, reads = _claim(mandate_ids, as_of, run.reference)
    report.attempts += len(attempts)
    _charge_and_record(attempts, processor, rules, report, reads=reads)
    return _counts(report)


def finish_day(run: BatchRun, totals: Counts) -> None:
    """Record the day's run once every chunk is done (in the finishing transaction)."""
    _record_run(report_of(run, totals))


def report_of(run: BatchRun, totals: Counts | None = None) -> DebitRunReport:
    """Return what the run did: its totals once finished, else the chunks done so far."""
    counts = totals if totals is not None else (run.totals or batches.counts_so_far(run))
    earlier = run.arguments.get("earlier", {})
    every = batches.add_counts([counts, earlier if isinstance(earlier, dict) else {}])
    return DebitRunReport(
        as_of=date.fromisoformat(str(run.arguments["as_of"])),
        run_id=run.reference,
        mandates=int(counts.get("mandates", 0)),
        attempts=int(every.get("attempts", 0)),
        resumed=int(every.get("resumed", 0)),
        collected=int(every.get("collected", 0)),
        failed=int(every.get("failed", 0)),
        unknown=int(every.get("unknown", 0)),
        amount_collected=Decimal(str(every.get("amount_collected", "0"))),
    )


def _counts(report: DebitRunReport) -> Counts:
    return {
        "mandates": report.mandates,
        "attempts": report.attempts,
        "resumed": report.resumed,
        "collected": report.collected,
        "failed": report.failed,
        "unknown": report.unknown,
        "amount_collected": str(report.amount_collected),
    }


def _left_by_this_run(run_id: uuid.UUID, mandate_ids: list[int]) -> list[DebitAttempt]:
    """This run's attempts at these mandates without a result: a worker died between them."""
    rows = DebitAttempt.objects.filter(
        run_id=run_id, mandate_id__in=mandate_ids, result__isnull=True
    )
    return list(rows.select_related("mandate", "loan").order_by("pk"))


@contextmanager
def _collector_for_batches() -> Iterator[None]:
    """Run the block with Python's cyclic collector looking at young objects less often.

    A chunk's rows, model instances and replays live until the chunk is recorded. With
    the default threshold they outlive many young collections, reach the oldest
    generation and set off full collections of the whole heap, which on a 100,000-mandate
    run cost about as much as the run's own work. Collecting young objects every
    ``RUN_GC_THRESHOLD`` allocations instead lets most of them die young; the garbage
    waiting for a collection stays bounded by that threshold. The thresholds are restored
    afterwards, whatever happens.
    """
    thresholds = gc.get_threshold()
    gc.set_threshold(max(thresholds[0], RUN_GC_THRESHOLD), *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


# --- 1. claim ----------------------------------------------------------------------------


def _due_mandate_ids(as_of: date) -> list[int]:
    """Return the active mandates whose day it is, or with a failed attempt to retry.

    Two indexed reads (by debit day, by retry day) rather than one OR across a join of
    every attempt ever made, which would grow with the history.
    """
    on_their_day = DebitMandate.objects.filter(cancellation__isnull=True, debit_day=as_of.day)
    # Retries whose day passed without a run are made up, within a week.
    retrying = DebitResult.objects.filter(
        outcome=DebitOutcome.FAILED,
        retry_on__range=(as_of - MISSED_RETRY_WINDOW, as_of),
        attempt__mandate__cancellation__isnull=True,
    )
    ids = set(on_their_day.values_list("pk", flat=True))
    ids.update(retrying.values_list("attempt__mandate_id", flat=True))
    return sorted(ids)


def _claim(
    mandate_ids: list[int], as_of: date, run_id: uuid.UUID
) -> tuple[list[DebitAttempt], dict[int, LedgerRead]]:
    """Insert this run's attempts for the chunk; return them and their loans' ledgers.

    A mandate cancelled since the run listed it (its consent withdrawn) is left out: the
    cancellation is checked again when the mandates are read, and once more inside the
    claim's transaction.
    """
    active = DebitMandate.objects.filter(pk__in=mandate_ids, cancellation__isnull=True)
    mandates = list(active.select_related("loan").only(*CLAIM_FIELDS).order_by("pk"))
    loan_ids = [mandate.loan_id for mandate in mandates]
    blocked = selectors.uncollectable_loans(loan_ids, on=as_of)
    collectable = [loan_id for loan_id in loan_ids if loan_id not in blocked]
    # Read and replayed once: the plan here, and the posting of what is collected, which
    # adds the payments to these replays (`loans.post_payments` checks they are current).
    # Only installments due before a mandate's next debit day can be collected, and they
    # come first in the waterfall: the rest of each schedule is left unread.
    horizon = max((next_debit_day(m.debit_day, as_of) for m in mandates), default=as_of)
    reads = read_ledgers(collectable, due_before=horizon)
    states = ledgers.installment_states(collectable, as_of, ledgers=reads)
    # One read of the mandates' attempts: which installments were tried, and today's total.
    history = _history(mandate_ids, as_of)
    now = timezone.now()
    rows: list[DebitAttempt] = []
    for mandate in mandates:
        if mandate.loan_id in blocked:
            continue
        planned = plan_attempts(
            states[mandate.loan_id],
            debit_day=mandate.debit_day,
            maximum=mandate.max_amount - history.used_today.get(mandate.pk, ZERO),
            on=as_of,
            previous=history.latest.get(mandate.pk, {}),
        )
        rows.extend(_attempt_row(mandate, plan, as_of, run_id, now) for plan in planned)
    with transaction.atomic():
        rows = _still_active(rows)
        DebitAttempt.objects.bulk_create(rows, ignore_conflicts=True)
    return _ours(rows, run_id), reads


def _still_active(rows: list[DebitAttempt]) -> list[DebitAttempt]:
    """Leave out the attempts of mandates cancelled since they were read (one query)."""
    mandate_ids = {row.mandate_id for row in rows}
    cancelled = set(
        MandateCancellation.objects.filter(mandate_id__in=mandate_ids).values_list(
            "mandate_id", flat=True
        )
    )
    return [row for row in rows if row.mandate_id not in cancelled]


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


@dataclass
class _History:
    """What earlier attempts of a chunk's mandates tell the plan, from one read of them.

    ``latest``: the latest attempt at each installment, by mandate and installment number.
    ``used_today``: what each mandate collected or is collecting on the run day already
    (every attempt of the day but the failed ones, a resumed one included), which the
    day's maximum covers.
    """

    latest: dict[int, dict[int, PreviousAttempt]] = field(default_factory=dict)
    used_today: dict[int, Decimal] = field(default_factory=dict)


def _history(mandate_ids: list[int], as_of: date) -> _History:
    rows = (
        DebitAttempt.objects.filter(mandate_id__in=mandate_ids)
        .order_by("mandate_id", "installment_n", "attempt_no")
        .values_list(
            "mandate_id",
            "installment_n",
            "attempt_no",
            "scheduled_on",
            "amount",
            "result__outcome",
            "result__retry_on",
        )
    )
    history = _History()
    for mandate_id, n, attempt_no, scheduled_on, amount, outcome, retry_on in rows:
        history.latest.setdefault(mandate_id, {})[n] = PreviousAttempt(
            attempt_no=attempt_no,
            scheduled_on=scheduled_on,
            finished=outcome is not None,
            succeeded=outcome == DebitOutcome.SUCCEEDED,
            retry_on=retry_on,
        )
        if scheduled_on == as_of and outcome != DebitOutcome.FAILED:
            history.used_today[mandate_id] = history.used_today.get(mandate_id, ZERO) + amount
    return history


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
    *,
    reads: Mapping[int, LedgerRead],
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
        recorded = _record_batch(fresh, rules, report, reads)
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
    reads: Mapping[int, LedgerRead],
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
        collected = [attempt for attempt, result in recorded if result.succeeded]
        entries = _post_collected(collected, reads)
        rows = [
            (attempt, _result_row(attempt, result, rules, entries.get(attempt.pk)))
            for attempt, result in recorded
        ]
        DebitResult.objects.bulk_create([row for _, row in rows])
        _end_mandates([attempt.mandate for attempt, row in rows if _given_up(row)])
        if rows:
            ids = [attempt.pk for attempt, _ in rows]
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


def _post_collected(
    attempts: list[DebitAttempt], reads: Mapping[int, LedgerRead]
) -> dict[int, LedgerEntry]:
    """Post the collected attempts to the ledger in one batch; return entries by attempt id."""
    entries = loans.post_payments(
        payments=[_payment(attempt) for attempt in attempts], actor=ACTOR, ledgers=reads
    )
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
    # By id, not by instance: an instance would cache the result on its attempt and entry,
    # and the reference cycles would keep a whole batch alive for the cyclic collector.
    return DebitResult(
        attempt_id=attempt.pk,
        outcome=DebitOutcome.SUCCEEDED if result.succeeded else DebitOutcome.FAILED,
        failure_code=result.failure_code[:40],
        permanent=result.permanent,
        processor_reference=result.reference[:64],
        ledger_entry_id=entry.pk if entry is not None else None,
        retry_on=retry_on,
        recorded_at=timezone.now(),
    )


def _given_up(row: DebitResult) -> bool:
    return row.outcome == DebitOutcome.FAILED and row.retry_on is None


def _end_mandates(mandates: list[DebitMandate]) -> None:
    """End the mandates not tried again: a cancellation and an audit event each, in a batch.

    A mandate ended already (by its borrower, or by two failures in one batch) is left.
    """
    unique = {mandate.pk: mandate for mandate in mandates}
    if not unique:
        return
    ended = set(
        MandateCancellation.objects.filter(mandate_id__in=list(unique)).values_list(
            "mandate_id", flat=True
        )
    )
    ending = [mandate for pk, mandate in sorted(unique.items()) if pk not in ended]
    now = timezone.now()
    MandateCancellation.objects.bulk_create(
        MandateCancellation(
            mandate=mandate,
            reason=CancellationReason.ACCOUNT_UNUSABLE,
            cancelled_at=now,
            cancelled_by=ACTOR,
        )
        for mandate in ending
    )
    record_events(
        events=[
            NewEvent(
                actor=ACTOR,
                action="repayment.mandate_cancelled",
                target=mandate,
                payload={"reason": CancellationReason.ACCOUNT_UNUSABLE},
            )
            for mandate in ending
        ]
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
    metrics.record_debit_run(
        collected=report.collected,
        failed=report.failed,
        unknown=report.unknown,
        resumed=report.resumed,
    )
