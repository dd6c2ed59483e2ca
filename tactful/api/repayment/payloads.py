"""Turn help-to-repay records into the API's response shapes (amounts as exact strings)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from tactful.api.repayment.schemas import (
    AcceptanceOut,
    AccountStatusOut,
    AssumptionsOut,
    BudgetOut,
    LotOut,
    MandateOut,
    OfferOut,
    PauseOut,
    PointsOut,
    PointsRowOut,
    PromiseOut,
    RedemptionOut,
    ScheduleRowOut,
    WatchOut,
)
from tactful.api.schemas import amount_text, rate_text
from tactful.borrowers.models import Borrower
from tactful.money.budget import BudgetPlan
from tactful.repayment import selectors
from tactful.repayment.models import (
    Acceptance,
    DebitMandate,
    HardshipPause,
    PointsEntry,
    RestructuringOffer,
)
from tactful.repayment.rules import configured_rules


def budget_out(plan: BudgetPlan) -> BudgetOut:
    def money(value: Decimal) -> str:
        return amount_text(value, plan.currency)

    return BudgetOut(
        currency=plan.currency,
        income=money(plan.income),
        spending=money(plan.spending),
        obligations=money(plan.obligations),
        disposable=money(plan.disposable),
        safety_margin=money(plan.safety_margin),
        share_limit=money(plan.share_limit),
        affordable_installment=money(plan.affordable_installment),
        limited_by=plan.limited_by.value,
        assumptions=AssumptionsOut(
            safety_margin=rate_text(plan.assumptions.safety_margin),
            max_repayment_share=rate_text(plan.assumptions.max_repayment_share),
        ),
    )


def offer_out(offer: RestructuringOffer) -> OfferOut:
    currency = offer.loan.currency
    return OfferOut(
        reference=offer.reference,
        loan_external_id=offer.loan.external_id,
        currency=currency,
        priced_on=offer.priced_on,
        expires_on=offer.expires_on,
        balance=amount_text(offer.balance, currency),
        months=offer.months,
        annual_rate=rate_text(offer.annual_rate),
        fee=amount_text(offer.fee, currency),
        apr=f"{offer.apr:.4f}",
        effective_annual_rate=f"{offer.effective_annual_rate:.4f}",
        total_interest=amount_text(offer.total_interest, currency),
        total_repaid=amount_text(offer.total_repaid, currency),
        first_payment=amount_text(offer.first_payment, currency),
        regular_payment=amount_text(offer.regular_payment, currency),
        schedule=[ScheduleRowOut(**row) for row in offer.schedule],
    )


def acceptance_out(acceptance: Acceptance) -> AcceptanceOut:
    return AcceptanceOut(
        offer=acceptance.offer.reference,
        old_loan_external_id=acceptance.old_loan.external_id,
        plan_loan_external_id=acceptance.plan_loan.external_id,
        accepted_on=acceptance.accepted_on,
        closing_amount=amount_text(acceptance.closing_amount, acceptance.old_loan.currency),
        carried_days_past_due=acceptance.carried_days_past_due,
        reage_mode=acceptance.reage_mode,
        watch_installments=acceptance.watch_installments,
    )


def status_out(account: selectors.AccountStatus) -> AccountStatusOut:
    currency = account.loan.currency
    watch = account.watch
    return AccountStatusOut(
        external_id=account.loan.external_id,
        as_of=account.as_of,
        currency=currency,
        outstanding=amount_text(account.status.outstanding, currency),
        due_now=amount_text(account.status.due_now, currency),
        contact_days_past_due=account.contact_days_past_due,
        days_past_due=account.days_past_due,
        bucket=account.bucket,
        paused=account.active_pause is not None,
        restructured_into=(
            account.restructured.plan_loan.external_id if account.restructured else None
        ),
        plan_of=account.plan.old_loan.external_id if account.plan else None,
        watch=(
            WatchOut(
                state=watch.state.value,
                decided_on=watch.decided_on,
                watched_installments=watch.watched,
            )
            if watch is not None
            else None
        ),
    )


def pause_out(pause: HardshipPause) -> PauseOut:
    resumption = getattr(pause, "resumption", None)
    return PauseOut(
        reference=pause.reference,
        loan_external_id=pause.loan.external_id,
        starts_on=pause.starts_on,
        ends_on=pause.ends_on,
        resumes_on=resumption.resumes_on if resumption is not None else None,
        reason=pause.reason,
        hold=pause.hold_reference,
    )


def promise_out(view: selectors.PromiseView) -> PromiseOut:
    row = view.row
    currency = row.loan.currency
    return PromiseOut(
        reference=row.reference,
        loan_external_id=row.loan.external_id,
        amount=amount_text(row.amount, currency),
        made_on=row.made_on,
        due_on=row.due_on,
        channel=row.channel,
        state=view.state.value,
        paid=amount_text(view.paid, currency),
    )


def mandate_out(mandate: DebitMandate) -> MandateOut:
    cancellation = getattr(mandate, "cancellation", None)
    return MandateOut(
        reference=mandate.reference,
        loan_external_id=mandate.loan.external_id,
        account_hint=mandate.account_hint,
        max_amount=amount_text(mandate.max_amount, mandate.loan.currency),
        debit_day=mandate.debit_day,
        created_at=mandate.created_at,
        consent_version=mandate.consent.wording_version,
        cancelled_at=cancellation.cancelled_at if cancellation is not None else None,
        cancellation_reason=cancellation.reason if cancellation is not None else None,
    )


def points_out(borrower: Borrower, *, as_of: date) -> PointsOut:
    state = selectors.points_balance(borrower, as_of=as_of, rules=configured_rules())
    return PointsOut(
        borrower_external_id=borrower.external_id,
        as_of=as_of,
        balance=state.points,
        lots=[
            LotOut(earned_on=lot.earned_on, expires_on=lot.expires_on, points=lot.remaining)
            for lot in state.lots
        ],
        history=[_points_row(row) for row in selectors.points_entries(borrower)[:200]],
    )


def redemption_out(entry: PointsEntry, borrower: Borrower) -> RedemptionOut:
    ledger = entry.ledger_entry
    if ledger is None or entry.loan is None:
        raise ValueError("a redemption has a loan and a ledger entry")
    state = selectors.points_balance(borrower, as_of=entry.on, rules=configured_rules())
    return RedemptionOut(
        points=entry.points,
        value=amount_text(ledger.amount, entry.loan.currency),
        currency=entry.loan.currency,
        ledger_entry=ledger.reference,
        balance=state.points,
    )


def _points_row(row: PointsEntry) -> PointsRowOut:
    return PointsRowOut(
        kind=row.kind,  # type: ignore[arg-type]
        points=row.points,
        on=row.on,
        loan_external_id=row.loan.external_id if row.loan is not None else None,
    )
