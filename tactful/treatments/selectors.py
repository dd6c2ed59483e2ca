"""Read paths: the overdue accounts a plan is made of, and the plans made.

`accounts_frame_of` turns each overdue loan of a chunk into one row of the pure planner's input:
the model's columns from the loan's ledger (`tactful.screening.ledger`), and the gate's
columns (time zone, holds, opt-out, today's calls) from the contacts records.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any, cast

import polars as pl
from django.db.models import Count, OuterRef, QuerySet

from tactful.batches import selectors as batches
from tactful.batches.services import in_chunks
from tactful.contacts import selectors as contacts
from tactful.contacts.facts import PENDING_OUTCOME, borrower_person_key
from tactful.loans import selectors as loans
from tactful.loans.ledger_view import entries_by_loan, schedule_rows_of
from tactful.loans.models import Loan
from tactful.loans.selectors import PlanLoan, loans_for_planning
from tactful.policy import HistoryEntry
from tactful.policy.plan import COUNT_COLUMN, call_counts_from_history
from tactful.policy.types import Outcome
from tactful.screening.columns import BEHAVIOUR_COLUMNS
from tactful.screening.ledger_arrays import LoanLedger, Schedules, read_chunk
from tactful.screening.reasons import describe
from tactful.screening.strategy import parse_strategy
from tactful.treatments.models import DailyPlan, PlanEntry

# The batch job that builds a plan (`services.build_daily_plan`).
PLAN_JOB = "treatments.nightly_plan"
# Days of call history the gate's planner is given; the longest cap window of any pack.
CALL_HISTORY_DAYS = 7


def overdue_loans(*, as_of: date) -> QuerySet[Loan]:
    """Return the loans with an installment due before `as_of` and unpaid on it."""
    return loans.overdue_loans(as_of=as_of)


def overdue_loan_ids(*, as_of: date) -> list[int]:
    """Return the ids of the loans overdue on `as_of`, in id order (what a plan is made of)."""
    return list(overdue_loans(as_of=as_of).values_list("pk", flat=True))


def plan_accounts_frame(*, as_of: date, at: datetime, chunk: int = 2000) -> pl.DataFrame:
    """Return one planner row per overdue loan (``account`` is the loan's primary key)."""
    ids = overdue_loan_ids(as_of=as_of)
    frames = [accounts_frame_of(part, as_of=as_of, at=at) for part in in_chunks(ids, chunk)]
    return pl.concat(frames) if frames else _frame([])


def accounts_frame_of(loan_ids: list[int], *, as_of: date, at: datetime) -> pl.DataFrame:
    """Return the planner rows of these loans, those overdue on `as_of`, in a fixed number
    of queries whatever their count: the loans, their schedules and ledgers, the
    borrowers' own numbers, holds, opt-outs and recent calls, one query each."""
    loans = loans_for_planning(loan_ids)
    schedules = Schedules.of_rows(schedule_rows_of(loan_ids))
    entries = entries_by_loan(loan_ids)
    gate = _GateFacts.read(loans, at)
    ledgers = [
        LoanLedger(
            key=loan.pk,
            entries=entries[loan.pk],
            opened_on=loan.disbursed_on,
            limit=loan.principal,
            currency=loan.currency,
        )
        for loan in loans
    ]
    rows = []
    for loan, reading in zip(loans, read_chunk(ledgers, schedules, as_of=as_of), strict=True):
        if reading.days_past_due < 1:
            continue
        row: dict[str, Any] = dict(reading.behaviour)
        row.update(
            account=str(loan.pk),
            days_past_due=reading.days_past_due,
            amount_due=str(reading.due_now),
        )
        row.update(gate.columns(loan))
        rows.append(row)
    return _frame(rows)


@dataclass
class _GateFacts:
    """The gate's columns of a batch of loans, read once for the batch."""

    at: datetime
    recipients: dict[int, list[int]]
    holds: list[Any]
    opted_out: set[int]
    calls: dict[int, list[tuple[datetime, str | None]]]

    @classmethod
    def read(cls, loans: Sequence[PlanLoan], at: datetime) -> _GateFacts:
        recipients = contacts.own_number_recipient_ids_of({loan.borrower_id for loan in loans})
        person_ids = [recipient for group in recipients.values() for recipient in group]
        holds = contacts.holds_in_force(
            loan_ids=[loan.pk for loan in loans], recipient_ids=person_ids, now=at
        )
        since = at - timedelta(days=CALL_HISTORY_DAYS + 1)
        calls: dict[int, list[tuple[datetime, str | None]]] = {}
        for recipient_id, requested_at, outcome in contacts.permitted_calls_between(
            recipient_ids=person_ids, since=since, until=at
        ):
            calls.setdefault(recipient_id, []).append((requested_at, outcome))
        opted = contacts.recipients_opted_out(recipient_ids=person_ids, now=at)
        return cls(at, recipients, holds, opted, calls)

    def columns(self, loan: PlanLoan) -> dict[str, str]:
        person = set(self.recipients.get(loan.borrower_id, ()))
        holds = [h for h in self.holds if h.loan_id == loan.pk or h.recipient_id in person]
        columns = {
            "recipient_timezone": loan.zone,
            "holds": ";".join(hold.kind for hold in holds),
            "opted_out": "true" if person & self.opted_out else "false",
            # The plan's contacts are made by the system or by a certified collector; the
            # permit asked at contact time checks the real collector's certificate.
            "collector_certified": "true",
        }
        columns.update(self._call_counts(loan, person))
        return columns

    def _call_counts(self, loan: PlanLoan, person: set[int]) -> dict[str, str]:
        if not person or not loan.zone:
            return _no_calls()
        key = borrower_person_key(loan.borrower_reference)
        history = sorted(
            (
                HistoryEntry(
                    at=requested_at,
                    channel="call",
                    recipient=key,
                    outcome=cast(Outcome, outcome or PENDING_OUTCOME),
                    debt=None,
                )
                for recipient_id in person
                for requested_at, outcome in self.calls.get(recipient_id, ())
            ),
            key=lambda entry: entry.at,
        )
        return call_counts_from_history(
            history, recipient=key, zone=loan.zone, at=self.at, days=CALL_HISTORY_DAYS
        )


def _no_calls() -> dict[str, str]:
    return {column: ";".join(["0"] * CALL_HISTORY_DAYS) for column in COUNT_COLUMN.values()}


def _frame(rows: list[dict[str, Any]]) -> pl.DataFrame:
    schema: dict[str, Any] = dict.fromkeys(BEHAVIOUR_COLUMNS, pl.Float64)
    schema.update(
        account=pl.String,
        days_past_due=pl.Int64,
        amount_due=pl.String,
        recipient_timezone=pl.String,
        holds=pl.String,
        opted_out=pl.String,
        collector_certified=pl.String,
        **dict.fromkeys(COUNT_COLUMN.values(), pl.String),
    )
    return pl.DataFrame(rows, schema=schema, orient="row") if rows else pl.DataFrame(schema=schema)


@dataclass(frozen=True)
class PlanInProgress:
    """A plan whose rows are still being stored: how many of its parts are done."""

    plan_date: date
    pack: str
    done: int
    parts: int


def plan_run_key(plan_date: date, pack: str) -> str:
    """The key of the batch run that builds the plan of `plan_date` under `pack`."""
    return f"{plan_date.isoformat()}:{pack}"


def plans_being_built() -> list[PlanInProgress]:
    """The plans not yet complete whose batch run is under way, newest first."""
    runs = {
        row.key: row
        for row in batches.recent_runs(limit=10, unfinished_only=True)
        if row.job == PLAN_JOB
    }
    building = DailyPlan.objects.filter(completion__isnull=True).order_by("-plan_date", "pack")
    found = []
    for plan in building[:10]:
        run = runs.get(plan_run_key(plan.plan_date, plan.pack))
        if run is not None:
            found.append(PlanInProgress(plan.plan_date, plan.pack, run.done, run.chunks))
    return found


def latest_plan(*, pack: str | None = None) -> DailyPlan | None:
    """Return the most recent plan (of `pack`, if given)."""
    # Only a complete plan: one still being built has only some of its rows.
    plans = DailyPlan.objects.select_related("strategy", "completion").filter(
        completion__isnull=False
    )
    if pack is not None:
        plans = plans.filter(pack=pack)
    return plans.order_by("-plan_date", "-pk").first()


def plan_entries(plan: DailyPlan, *, treatment: str | None = None) -> QuerySet[PlanEntry]:
    """Return the plan's rows, the longest overdue first, optionally of one treatment."""
    entries = PlanEntry.objects.filter(plan=plan).select_related("loan")
    if treatment:
        entries = entries.filter(treatment=treatment)
    return entries.order_by("-days_past_due", "pk")


def entries_with_ids(entry_ids: list[int]) -> QuerySet[PlanEntry]:
    """Return the plan rows with these ids (in no particular order)."""
    return PlanEntry.objects.filter(pk__in=entry_ids)


def treatment_grid(plan: DailyPlan) -> dict[tuple[str, str], int]:
    """Return how many of the plan's rows fall in each (band, bucket) cell."""
    rows = PlanEntry.objects.filter(plan=plan).values("band", "bucket").annotate(n=Count("pk"))
    return {(row["band"], row["bucket"]): row["n"] for row in rows}


def plan_buckets(plan: DailyPlan) -> list[str]:
    """Return the names of the days-overdue buckets of the strategy the plan was made with."""
    return list(_bucket_names(plan.strategy.sha256, plan.strategy.text))


@cache
def _bucket_names(sha256: str, text: str) -> tuple[str, ...]:
    # A stored strategy never changes (its hash names it), so its parse is kept.
    strategy = parse_strategy(text, source=f"strategy {sha256[:12]}")
    return tuple(bucket.name for bucket in strategy.buckets)


def reason_counts(plan: DailyPlan, *, limit: int = 8) -> list[tuple[str, int]]:
    """Return the most frequent first reasons of the plan's rows, with their counts."""
    counts: dict[str, int] = {}
    for reasons in PlanEntry.objects.filter(plan=plan).values_list("reasons", flat=True):
        first = reasons.split(";", 1)[0]
        if first:
            counts[first] = counts.get(first, 0) + 1
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]


def latest_entry_for_loan(loan: Loan) -> PlanEntry | None:
    """Return the loan's row in the most recent plan that has one (for "why this treatment?")."""
    return (
        PlanEntry.objects.filter(loan=loan)
        .select_related("plan")
        .order_by("-plan__plan_date", "-pk")
        .first()
    )


def reasons_in(entry: PlanEntry, language: str, *, raising_only: bool = False) -> list[str]:
    """Return the entry's reasons in plain words (``en``, ``zh-Hans`` or ``zh-Hant``).

    ``raising_only`` keeps the reasons that raised the estimated risk: why help is offered.
    A factor that lowered the estimate against the average account (15 days late when the
    average overdue account is later) is true for staff but reads as nonsense to the
    borrower it is offered to.
    """
    keys = [key for key in entry.reasons.split(";") if key]
    if raising_only:
        keys = [key for key in keys if key.endswith("+")]
    return [describe(key, language) for key in keys]


# (day, pack, the parts of the key, how many): what the oversight roll-ups store.
DayCounts = list[tuple[date, str, tuple[str, ...], int]]


def plan_entry_counts_per_day(*, first: date, last: date) -> DayCounts:
    """Count the rows of the plans of `first` to `last` (included) per plan day, pack and
    treatment, grouped in the database."""
    rows = (
        PlanEntry.objects.filter(plan__plan_date__gte=first, plan__plan_date__lte=last)
        .values_list("plan__plan_date", "plan__pack", "treatment")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [(day, pack, (treatment,), n) for day, pack, treatment, n in rows]


def paying_entry_counts_per_day(*, first: date, last: date) -> DayCounts:
    """Count the rows of the plans of `first` to `last` whose loan was paid on the plan's
    day, per plan day, pack and treatment: what each treatment recovers, account by account."""
    rows = (
        _paid_on_plan_day(
            PlanEntry.objects.filter(plan__plan_date__gte=first, plan__plan_date__lte=last)
        )
        .values_list("plan__plan_date", "plan__pack", "treatment")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [(day, pack, (treatment,), n) for day, pack, treatment, n in rows]


def _paid_on_plan_day(entries: QuerySet[PlanEntry]) -> QuerySet[PlanEntry]:
    return entries.filter(
        loans.payment_valued_on(loan=OuterRef("loan"), day=OuterRef("plan__plan_date"))
    )


def plan_entries_between(
    *, first: date, last: date, pack: str = "", treatment: str = "", paid: bool = False
) -> QuerySet[PlanEntry]:
    """Return the rows of the plans of `first` to `last` (included), the newest plan first;
    with `paid`, only those whose loan was paid on the plan's day."""
    entries = PlanEntry.objects.filter(plan__plan_date__gte=first, plan__plan_date__lte=last)
    if pack:
        entries = entries.filter(plan__pack=pack)
    if treatment:
        entries = entries.filter(treatment=treatment)
    if paid:
        entries = _paid_on_plan_day(entries)
    return entries.select_related("plan", "loan").order_by("-plan__plan_date", "pk")
