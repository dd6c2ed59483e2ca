"""Read paths of help-to-repay: a loan's account status with pauses and re-ageing applied,
offers, promises, mandates and points.

Two day counts are kept apart on purpose (docs/repayment.md, "Two day counts"):

* ``contact_days_past_due``: how late the loan's own schedule is now, paused days left
  out. This is what matters before anyone is contacted.
* ``days_past_due``: the same, re-aged as the pack says after a restructuring (it may
  carry the days the old schedule had). This is what buckets and reports show.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from decimal import Decimal
from uuid import UUID

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate

from tactful.borrowers.models import Borrower
from tactful.loans import selectors as loans
from tactful.loans.credits import is_from_borrower
from tactful.loans.ledger_view import bucket_scheme
from tactful.loans.models import Loan
from tactful.loans.selectors import (
    LoanStatus,
    live_payments,
    loan_status,
    loans_of_borrower,
    newest_entry_id,
)
from tactful.money.pauses import Pause, days_past_due_paused, resumed
from tactful.money.points import PointsBalance
from tactful.money.points import PointsEntry as PurePointsEntry
from tactful.money.points import PointsKind as PurePointsKind
from tactful.money.points import balance as points_balance_of
from tactful.money.promises import Promise, PromiseState, paid_towards, promise_state
from tactful.money.reageing import ReageMode, Watch, WatchState, reaged_days_past_due, watch
from tactful.money.restructuring import CarriedBalance, current_payment, lowers_payments
from tactful.repayment.models import (
    Acceptance,
    DebitAttempt,
    DebitMandate,
    DebitResult,
    HardshipPause,
    PointsEntry,
    PromiseOutcome,
    PromiseToPay,
    RestructuringOffer,
)
from tactful.repayment.rules import RepaymentRules
from tactful.treatments.selectors import latest_entry_for_loan, reasons_in

ZERO = Decimal(0)
# Ledger entries Tactful itself posts that are not money from the borrower: the closing
# entry of a restructuring and a points redemption. Promises do not count them.


@dataclass(frozen=True)
class AccountStatus:
    """A loan as help-to-repay sees it on ``as_of``."""

    loan: Loan
    as_of: date
    status: LoanStatus
    contact_days_past_due: int
    days_past_due: int
    bucket: str
    pauses: tuple[Pause, ...]
    active_pause: HardshipPause | None
    plan: Acceptance | None
    watch: Watch | None
    restructured: Acceptance | None

    @property
    def is_closed(self) -> bool:
        """Tell whether the loan was moved into a plan and takes no more payments."""
        return self.restructured is not None

    @property
    def is_settled(self) -> bool:
        return self.status.is_settled


# --- pauses ------------------------------------------------------------------------------


def pauses_of(loan: Loan) -> QuerySet[HardshipPause]:
    return (
        HardshipPause.objects.filter(loan=loan)
        .select_related("resumption")
        .order_by("starts_on", "pk")
    )


def pause_interval(row: HardshipPause) -> Pause | None:
    """Return the days ``row`` pauses, after any early resumption (None: no day at all)."""
    planned = Pause(row.starts_on, row.ends_on)
    resumption = getattr(row, "resumption", None)
    return resumed(planned, resumption.resumes_on) if resumption is not None else planned


def effective_pauses(loan: Loan) -> list[Pause]:
    intervals = (pause_interval(row) for row in pauses_of(loan))
    return [interval for interval in intervals if interval is not None]


def active_pause(loan: Loan, *, on: date) -> HardshipPause | None:
    """Return the pause covering ``on``, if any."""
    for row in pauses_of(loan):
        interval = pause_interval(row)
        if interval is not None and interval.covers(on):
            return row
    return None


# --- restructuring -----------------------------------------------------------------------


def plan_acceptance(loan: Loan) -> Acceptance | None:
    """Return the acceptance that opened ``loan`` as a restructured plan, if it is one."""
    return Acceptance.objects.filter(plan_loan=loan).select_related("offer", "old_loan").first()


def closing_acceptance(loan: Loan) -> Acceptance | None:
    """Return the acceptance that moved ``loan`` into a plan, if it was restructured."""
    return Acceptance.objects.filter(old_loan=loan).select_related("plan_loan").first()


def carried_balance(status: LoanStatus) -> CarriedBalance:
    """Return what a plan starting on ``status.as_of`` would carry over.

    Principal still owed, interest of installments already due and unpaid, and unpaid
    fees. Interest of installments not yet due is not carried: the plan charges its own.
    """
    rows = status.state.installments
    return CarriedBalance(
        principal=status.state.principal_outstanding,
        interest=sum(
            (i.interest_due - i.interest_paid for i in rows if i.due_date <= status.as_of),
            start=ZERO,
        ),
        fees=sum((i.fees_due - i.fees_paid for i in rows), start=ZERO),
    )


def last_entry_id(loan: Loan) -> int:
    return newest_entry_id(loan)


def offers_of(loan: Loan) -> QuerySet[RestructuringOffer]:
    return RestructuringOffer.objects.filter(loan=loan).order_by("-priced_on", "months", "pk")


def open_offers(loan: Loan, *, today: date) -> list[RestructuringOffer]:
    """Return the offers that could still be accepted ``today``: unexpired and not stale."""
    if Acceptance.objects.filter(old_loan=loan).exists():
        return []
    newest = last_entry_id(loan)
    rows = offers_of(loan).filter(expires_on__gte=today, last_entry_id=newest)
    return list(rows.order_by("months", "pk"))


@dataclass(frozen=True)
class ComparedOffer:
    """An offer beside the current schedule: how much more (or, negative, less) it costs."""

    offer: RestructuringOffer
    extra_cost: Decimal

    @property
    def saving(self) -> Decimal:
        """Return how much less than the current schedule the plan costs (negative: more)."""
        return -self.extra_cost


@dataclass(frozen=True)
class OfferComparison:
    """The open offers split by whether they lower the monthly payment, as the page says."""

    current_payment: Decimal
    still_to_repay: Decimal
    smaller: list[ComparedOffer]
    larger: list[ComparedOffer]


def compare_offers(offers: list[RestructuringOffer], status: LoanStatus) -> OfferComparison:
    """Set each offer against what the loan asks today and what it would still cost.

    Only plans whose every payment is smaller than the current one are "smaller monthly
    payments"; the rest are told apart, never offered under that name. The extra cost is
    what the plan repays in all minus what the current schedule still asks in all.
    """
    current = current_payment(status.state.installments, status.as_of)
    smaller: list[ComparedOffer] = []
    larger: list[ComparedOffer] = []
    for offer in offers:
        compared = ComparedOffer(offer=offer, extra_cost=offer.total_repaid - status.outstanding)
        lowers = lowers_payments(
            first_payment=offer.first_payment,
            regular_payment=offer.regular_payment,
            current=current,
        )
        (smaller if lowers else larger).append(compared)
    return OfferComparison(
        current_payment=current, still_to_repay=status.outstanding, smaller=smaller, larger=larger
    )


# The reason words are keyed by BCP 47 tags; Django's active language is lower case.
_REASON_LANGUAGES = {"zh-hans": "zh-Hans", "zh-hant": "zh-Hant"}


def offer_reasons(loan: Loan, *, language: str) -> list[str]:
    """Return, in plain words, what made the latest nightly plan offer `loan` help.

    Only the reasons that raised the estimated risk: those are why help is offered. Empty
    when no plan has a row for the loan: the page then says nothing about it.
    """
    entry = latest_entry_for_loan(loan)
    if entry is None:
        return []
    return reasons_in(entry, _REASON_LANGUAGES.get(language.lower(), "en"), raising_only=True)


def offer_by_reference(reference: UUID) -> RestructuringOffer | None:
    return (
        RestructuringOffer.objects.select_related("loan__borrower")
        .filter(reference=reference)
        .first()
    )


# --- account status ----------------------------------------------------------------------


def account_status(loan: Loan, *, as_of: date) -> AccountStatus:
    """Return ``loan`` on ``as_of`` with its pauses and any re-ageing applied."""
    status = loan_status(loan, as_of=as_of)
    pauses = tuple(effective_pauses(loan))
    own_days = days_past_due_paused(status.state.installments, as_of, pauses)
    plan = plan_acceptance(loan)
    state = (
        watch(status.state.installments, plan.watch_installments, as_of, pauses) if plan else None
    )
    days = _reaged(plan, state, own_days)
    return AccountStatus(
        loan=loan,
        as_of=as_of,
        status=status,
        contact_days_past_due=own_days,
        days_past_due=days,
        bucket=bucket_scheme().bucket_for(days).label,
        pauses=pauses,
        active_pause=active_pause(loan, on=as_of),
        plan=plan,
        watch=state,
        restructured=closing_acceptance(loan),
    )


def _reaged(plan: Acceptance | None, state: Watch | None, own_days: int) -> int:
    if plan is None or state is None:
        return own_days
    return reaged_days_past_due(
        ReageMode(plan.reage_mode),
        plan_days_past_due=own_days,
        carried_days_past_due=plan.carried_days_past_due,
        state=state,
    )


def effective_days_past_due(loan: Loan, *, as_of: date) -> int:
    """Return the days past due buckets and reports should show (pauses, re-ageing)."""
    return account_status(loan, as_of=as_of).days_past_due


def last_reset(loan: Loan, *, as_of: date) -> date:
    """Return the latest day the loan's days past due were reset: its start or a re-ageing.

    A pause may not be backdated before it: days before a reset were already judged.
    """
    plan = plan_acceptance(loan)
    if plan is None or plan.reage_mode != ReageMode.AFTER_WATCH:
        return loan.disbursed_on
    state = watch(
        loan_status(loan, as_of=as_of).state.installments,
        plan.watch_installments,
        as_of,
        effective_pauses(loan),
    )
    if state.state is WatchState.PASSED and state.decided_on is not None:
        return max(loan.disbursed_on, state.decided_on)
    return loan.disbursed_on


# --- promises ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PromiseView:
    row: PromiseToPay
    state: PromiseState
    paid: Decimal


def borrower_payments(loan: Loan, *, as_of: date) -> list[tuple[date, Decimal]]:
    """Return the live payments from the borrower valued on or before ``as_of``.

    Reversed payments are left out once their reversal is valued; Tactful's own credits
    (closing into a plan, points, complaint compensation) are not money from the borrower
    and never count (`tactful.loans.credits`).
    """
    return [
        (row.value_date, row.amount)
        for row in live_payments(loan, as_of=as_of)
        if is_from_borrower(row.external_reference)
    ]


def promises_of(loan: Loan, *, as_of: date) -> list[PromiseView]:
    payments = borrower_payments(loan, as_of=as_of)
    return [_promise_view(row, payments, as_of) for row in PromiseToPay.objects.filter(loan=loan)]


def pending_promise(loan: Loan, *, today: date) -> PromiseView | None:
    return next(
        (view for view in promises_of(loan, as_of=today) if view.state is PromiseState.PENDING),
        None,
    )


def _promise_view(
    row: PromiseToPay, payments: list[tuple[date, Decimal]], as_of: date
) -> PromiseView:
    promise = Promise(amount=row.amount, made_on=row.made_on, due_on=row.due_on)
    return PromiseView(
        row=row,
        state=promise_state(promise, payments, as_of),
        paid=paid_towards(promise, payments),
    )


def contact_suppressed_until(loan: Loan, *, today: date) -> date | None:
    """Return the promised day while a promise stands: strategies should not chase before it."""
    pending = pending_promise(loan, today=today)
    return pending.row.due_on if pending is not None and pending.row.due_on > today else None


# --- mandates ----------------------------------------------------------------------------


def active_mandate(loan: Loan) -> DebitMandate | None:
    return (
        DebitMandate.objects.filter(loan=loan, cancellation__isnull=True)
        .select_related("consent")
        .first()
    )


def uncollectable_loans(loan_ids: list[int], *, on: date) -> set[int]:
    """Return the loans nothing is collected from on ``on``: paused, or moved into a plan."""
    paused = HardshipPause.objects.filter(
        loan_id__in=loan_ids, starts_on__lte=on, ends_on__gt=on
    ).filter(Q(resumption__isnull=True) | Q(resumption__resumes_on__gt=on))
    closed = Acceptance.objects.filter(old_loan_id__in=loan_ids)
    return set(paused.values_list("loan_id", flat=True)) | set(
        closed.values_list("old_loan_id", flat=True)
    )


def active_mandates_of_borrower(borrower_id: int) -> QuerySet[DebitMandate]:
    """The borrower's auto-debit mandates in force, with their consent and loan."""
    return (
        DebitMandate.objects.filter(loan__borrower_id=borrower_id, cancellation__isnull=True)
        .select_related("consent", "loan")
        .order_by("created_at", "pk")
    )


def mandates_of(loan: Loan) -> QuerySet[DebitMandate]:
    return DebitMandate.objects.filter(loan=loan).select_related("cancellation").order_by("-pk")


def mandate_by_reference(reference: UUID) -> DebitMandate | None:
    return (
        DebitMandate.objects.select_related("loan__borrower", "cancellation", "consent")
        .filter(reference=reference)
        .first()
    )


def pause_by_reference(reference: UUID) -> HardshipPause | None:
    return HardshipPause.objects.select_related("loan").filter(reference=reference).first()


def attempts_of(mandate: DebitMandate, *, limit: int = 50) -> QuerySet[DebitAttempt]:
    return (
        DebitAttempt.objects.filter(mandate=mandate)
        .select_related("result")
        .order_by("-scheduled_on", "-pk")[:limit]
    )


# --- points ------------------------------------------------------------------------------


def points_entries(borrower: Borrower) -> QuerySet[PointsEntry]:
    return (
        PointsEntry.objects.filter(borrower=borrower).select_related("loan").order_by("-on", "-pk")
    )


def points_balance(borrower: Borrower, *, as_of: date, rules: RepaymentRules) -> PointsBalance:
    rows = PointsEntry.objects.filter(borrower=borrower).values_list("kind", "points", "on")
    entries = [PurePointsEntry(PurePointsKind(kind), points, on) for kind, points, on in rows]
    return points_balance_of(entries, rules.points, as_of)


def borrower_loans(borrower: Borrower) -> QuerySet[Loan]:
    return loans_of_borrower(borrower.pk).order_by("-disbursed_on", "-pk")


def loan_of_borrower(borrower: Borrower, reference: UUID) -> Loan | None:
    return loans.loan_of_borrower(borrower, reference)


def promise_days_of_loans(loan_ids: Iterable[int]) -> dict[int, date]:
    """Return, per loan id, the day of its promise still waiting for an outcome (one query)."""
    rows = PromiseToPay.objects.filter(loan_id__in=list(loan_ids), outcome__isnull=True)
    return dict(rows.order_by("due_on").values_list("loan_id", "due_on"))


def promise_counts_by_actor(actors: Iterable[str]) -> dict[str, tuple[int, int]]:
    """Return, per recording actor ("user:<id>"), (promises taken, promises kept)."""
    rows = PromiseToPay.objects.filter(recorded_by__in=list(actors)).values_list(
        "recorded_by", "outcome__state"
    )
    counts: dict[str, tuple[int, int]] = {}
    for actor, state in rows:
        made, kept = counts.get(actor, (0, 0))
        counts[actor] = (made + 1, kept + (state == "kept"))
    return counts


# (local day, pack, the parts of the key, how many): what the oversight roll-ups store.
DayCounts = list[tuple[date, str, tuple[str, ...], int]]


def promise_outcome_counts_per_day(*, first: date, last: date) -> DayCounts:
    """Count the promise outcomes decided from `first` to `last` (included) per day and
    state, kept or broken (promises carry no pack: the pack is empty)."""
    rows = (
        PromiseOutcome.objects.filter(decided_on__gte=first, decided_on__lte=last)
        .values_list("decided_on", "state")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [(day, "", (state,), n) for day, state, n in rows]


def promise_outcomes_between(
    *, first: date, last: date, state: str = ""
) -> QuerySet[PromiseOutcome]:
    """Return the promise outcomes decided from `first` to `last` (included), newest first."""
    outcomes = PromiseOutcome.objects.filter(decided_on__gte=first, decided_on__lte=last)
    if state:
        outcomes = outcomes.filter(state=state)
    return outcomes.select_related("promise__loan").order_by("-decided_on", "-pk")


def debit_result_counts_per_day(*, start: datetime, end: datetime, zone: tzinfo) -> DayCounts:
    """Count the auto-debit results recorded in [start, end) per day in `zone` and outcome,
    collected or not (debits carry no pack: the pack is empty)."""
    rows = (
        DebitResult.objects.filter(recorded_at__gte=start, recorded_at__lt=end)
        .annotate(day=TruncDate("recorded_at", tzinfo=zone))
        .values_list("day", "outcome")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [(day, "", (outcome,), n) for day, outcome, n in rows]


def debit_results_between(
    *, start: datetime, end: datetime, outcome: str = ""
) -> QuerySet[DebitResult]:
    """Return the auto-debit results recorded in [start, end), newest first."""
    results = DebitResult.objects.filter(recorded_at__gte=start, recorded_at__lt=end)
    if outcome:
        results = results.filter(outcome=outcome)
    return results.select_related("attempt__loan").order_by("-recorded_at", "-pk")
