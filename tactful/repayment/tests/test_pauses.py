from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from tactful.contacts.models import Hold, HoldLift
from tactful.errors import Conflict, InvalidInput
from tactful.loans.selectors import loan_status
from tactful.loans.services import post_payment, reverse_entry
from tactful.repayment import selectors, services
from tactful.repayment.models import HardshipPause, PauseResumption, RestructuringOffer

D = Decimal


def pause(loan, today, start_ago, days, **kwargs):
    return services.request_pause(
        loan=loan,
        starts_on=today - timedelta(days=start_ago),
        ends_on=today - timedelta(days=start_ago) + timedelta(days=days),
        reason=kwargs.pop("reason", "job_loss"),
        via="portal",
        actor="borrower:1",
        today=today,
        **kwargs,
    )


def dpd(loan, day):
    return selectors.account_status(loan, as_of=day).contact_days_past_due


def test_a_backdated_pause_stops_ageing_from_its_start(loan, today) -> None:
    before = dpd(loan, today)
    recorded = pause(loan, today, start_ago=10, days=30)
    assert dpd(loan, today) == before - 10
    assert dpd(loan, today + timedelta(days=5)) == before - 10
    # Ageing resumes on the end date.
    end = recorded.pause.ends_on
    assert dpd(loan, end + timedelta(days=1)) == dpd(loan, end) + 1
    # The loan's own figure (without pauses) is untouched: nothing owed changed.
    assert loan_status(loan, as_of=today).days_past_due == before


def test_a_pause_holds_contact_in_the_gate_and_invites_offers(loan, today) -> None:
    recorded = pause(loan, today, start_ago=0, days=30)
    hold = Hold.objects.get(reference=recorded.pause.hold_reference)
    assert (hold.kind, hold.loan_id) == ("hardship", loan.pk)
    assert hold.ends_at is not None
    assert hold.ends_at.date() >= recorded.pause.ends_on - timedelta(1)
    assert recorded.offers
    assert RestructuringOffer.objects.filter(loan=loan).count() == len(recorded.offers)


def test_resuming_early_lifts_the_hold_and_ageing_restarts(loan, today) -> None:
    recorded = pause(loan, today, start_ago=5, days=30)
    paused_days = dpd(loan, today)
    services.resume_pause(pause=recorded.pause, actor="borrower:1", today=today)
    assert HoldLift.objects.filter(hold__reference=recorded.pause.hold_reference).exists()
    assert dpd(loan, today) == paused_days
    assert dpd(loan, today + timedelta(days=3)) == paused_days + 3
    with pytest.raises(Conflict) as refused:
        services.resume_pause(pause=recorded.pause, actor="borrower:1", today=today)
    assert refused.value.code == "pause_already_resumed"


@pytest.mark.parametrize(
    ("start_ago", "days", "code"),
    [
        (31, 40, "backdate_too_far"),
        (-1, 10, "pause_in_future"),
        (0, 91, "pause_too_long"),
        (0, 0, "pause_too_short"),
    ],
)
def test_pauses_breaking_a_limit_are_refused_and_nothing_stored(
    loan, today, start_ago, days, code
) -> None:
    with pytest.raises(InvalidInput) as refused:
        pause(loan, today, start_ago=start_ago, days=days)
    assert refused.value.code == code
    assert not HardshipPause.objects.exists()
    assert not Hold.objects.exists()


def test_overlapping_pauses_are_refused(loan, today) -> None:
    pause(loan, today, start_ago=20, days=10)
    with pytest.raises(InvalidInput) as refused:
        pause(loan, today, start_ago=15, days=10)
    assert refused.value.code == "pause_overlaps"
    assert HardshipPause.objects.count() == 1
    # Right after the first one is fine.
    pause(loan, today, start_ago=10, days=10)


def test_a_pause_cannot_be_backdated_before_the_last_reset(loan, today) -> None:
    [offer] = services.price_offers(
        loan=loan, request=services.OfferRequest(months=12), actor="t", today=today - timedelta(3)
    )
    plan = services.accept_offer(
        offer=offer, actor="t", confirmed_via="integrator", today=today - timedelta(3)
    ).plan_loan
    with pytest.raises(InvalidInput) as refused:
        pause(plan, today, start_ago=5, days=10)
    assert refused.value.code == "backdate_before_reset"
    pause(plan, today, start_ago=3, days=10)


def test_backdated_payment_and_pause_replay_day_by_day(loan, today) -> None:
    # Before: unpaid since the first due date.
    first_due = loan.installments.order_by("n").first().due_date
    pause(loan, today, start_ago=20, days=10)
    history_before = {day: dpd(loan, day) for day in _days(today - timedelta(25), today)}
    # A payment of the first installment, posted today but valued 15 days ago.
    paid_on = today - timedelta(days=15)
    entry = post_payment(loan=loan, amount=D("1100.16"), value_date=paid_on, actor="test")
    second_due = loan.installments.get(n=2).due_date
    for day, before in history_before.items():
        after = dpd(loan, day)
        if day < paid_on:
            assert after == before
        else:
            # From the payment on, the second installment is the oldest unpaid one.
            expected = (day - second_due).days - _paused_between(loan, second_due, day)
            assert after == max(0, expected)
    assert first_due < paid_on
    # A correction that reverses the payment from 5 days ago brings the days back then.
    reverse_entry(
        loan=loan, entry_reference=str(entry.reference), value_date=today - timedelta(5), actor="t"
    )
    assert dpd(loan, today) == history_before[today]
    assert dpd(loan, today - timedelta(days=6)) < history_before[today - timedelta(days=6)]


def _days(start, end):
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)


def _paused_between(loan, start, end):
    from tactful.money.pauses import paused_days

    return paused_days(start, end, selectors.effective_pauses(loan))


def test_a_restructured_loan_cannot_be_paused(loan, today) -> None:
    [offer] = services.price_offers(
        loan=loan, request=services.OfferRequest(months=6), actor="t", today=today
    )
    services.accept_offer(offer=offer, actor="t", confirmed_via="integrator", today=today)
    with pytest.raises(Conflict) as refused:
        pause(loan, today, start_ago=0, days=10)
    assert refused.value.code == "loan_restructured"


def test_accepting_a_plan_ends_the_pause_of_the_old_loan(loan, today) -> None:
    recorded = pause(loan, today, start_ago=2, days=30)
    offer = recorded.offers[0]
    services.accept_offer(offer=offer, actor="t", confirmed_via="integrator", today=today)
    assert PauseResumption.objects.get(pause=recorded.pause).resumes_on == today
    assert HoldLift.objects.filter(hold__reference=recorded.pause.hold_reference).exists()
