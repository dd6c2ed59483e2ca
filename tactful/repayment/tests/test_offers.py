from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from tactful.audit.models import AuditEvent
from tactful.errors import Conflict, InvalidInput
from tactful.loans.models import EntryKind, LedgerEntry, Loan
from tactful.loans.selectors import loan_status
from tactful.loans.services import post_payment
from tactful.repayment import selectors, services
from tactful.repayment.models import Acceptance, RestructuringOffer
from tactful.repayment.services import OfferRequest

D = Decimal


def price(loan, today, **terms):
    return services.price_offers(
        loan=loan, request=OfferRequest(**terms), actor="test", today=today
    )


def accept(offer, today, **kwargs):
    return services.accept_offer(
        offer=offer, actor="borrower:1", confirmed_via="portal_code", today=today, **kwargs
    )


def test_a_menu_is_priced_for_the_pack_lengths_at_the_contract_rate(loan, today) -> None:
    offers = price(loan, today)
    assert [offer.months for offer in offers] == [3, 6, 9, 12, 18, 24, 36]
    status = loan_status(loan, as_of=today)
    carried = selectors.carried_balance(status)
    for offer in offers:
        assert offer.balance == carried.total
        assert offer.annual_rate == D("0.18")
        assert offer.apr == D("0.1800")
        assert len(offer.schedule) == offer.months
        assert offer.expires_on == today + timedelta(days=7)


def test_the_carried_balance_leaves_out_interest_not_yet_due(loan, today) -> None:
    status = loan_status(loan, as_of=today)
    carried = selectors.carried_balance(status)
    assert carried.principal == D("12000.00")
    due = [row for row in status.state.installments if row.due_date <= today]
    assert carried.interest == sum(row.interest_due for row in due)
    assert carried.total < status.outstanding


def test_cn_refuses_a_plan_costing_more_than_24_percent_and_stores_nothing(loan, today) -> None:
    loan.annual_rate = D("0.36")
    Loan.objects.filter(pk=loan.pk).update(annual_rate=D("0.36"))
    with pytest.raises(InvalidInput) as refused:
        price(loan, today, months=12, annual_rate=D("0.30"))
    assert refused.value.code == "cost_cap_exceeded"
    with pytest.raises(InvalidInput) as refused:
        price(loan, today, months=6, annual_rate=D("0.23"), fee=D("300.00"))
    assert refused.value.code == "cost_cap_exceeded"
    assert not RestructuringOffer.objects.exists()


@pytest.mark.parametrize(
    ("terms", "code"),
    [
        ({"months": 48}, "months_above_cap"),
        ({"months": 12, "annual_rate": D("0.19")}, "rate_above_cap"),
        ({"months": 12, "fee": D("9999.00")}, "fee_above_cap"),
        ({"months": 12, "fee": D("-1")}, "invalid_terms"),
        ({"months": 12, "fee": D("1.001")}, "invalid_terms"),
    ],
)
def test_terms_beyond_the_caps_are_refused_and_nothing_is_stored(loan, today, terms, code) -> None:
    with pytest.raises(InvalidInput) as refused:
        price(loan, today, **terms)
    assert refused.value.code == code
    assert not RestructuringOffer.objects.exists()


def test_accepting_closes_the_old_schedule_and_opens_the_plan(loan, today) -> None:
    offer = next(o for o in price(loan, today) if o.months == 12)
    outstanding = loan_status(loan, as_of=today).outstanding
    acceptance = accept(offer, today)

    old = loan_status(loan, as_of=today)
    assert old.is_settled
    closing = acceptance.closing_entry
    assert closing.kind == EntryKind.PAYMENT
    assert closing.amount == outstanding
    assert closing.external_reference == f"restructure:{offer.reference.hex}"
    assert acceptance.future_interest_dropped == outstanding - offer.balance

    plan = acceptance.plan_loan
    assert plan.principal == offer.balance
    assert plan.term_months == 12
    assert plan.disbursed_on == today
    assert [str(row.payment) for row in _plan_rows(plan, today)] == [
        row["payment"] for row in offer.schedule
    ]
    assert acceptance.carried_days_past_due > 60
    assert AuditEvent.objects.filter(action="repayment.offer_accepted").count() == 1


def _plan_rows(plan, today):
    from tactful.money.schedule import Method, build_schedule

    return build_schedule(
        principal=plan.principal,
        annual_rate=plan.annual_rate,
        months=plan.term_months,
        method=Method.EQUAL_INSTALLMENT,
        start=plan.disbursed_on,
    )


def test_a_fee_is_charged_on_the_plans_first_installment(loan, today) -> None:
    [offer] = price(loan, today, months=12, fee=D("100.00"))
    acceptance = accept(offer, today)
    fee = LedgerEntry.objects.get(loan=acceptance.plan_loan, kind=EntryKind.FEE)
    assert (fee.amount, fee.installment_n) == (D("100.00"), 1)
    first = loan_status(acceptance.plan_loan, as_of=today).state.installments[0]
    assert first.fees_due + first.interest_due + first.principal_due == offer.first_payment


def test_cn_carries_the_days_past_due_through_the_watch_period(loan, today) -> None:
    [offer] = price(loan, today, months=12)
    acceptance = accept(offer, today)
    status = selectors.account_status(acceptance.plan_loan, as_of=today)
    assert status.contact_days_past_due == 0
    assert status.days_past_due == acceptance.carried_days_past_due
    assert status.watch is not None
    assert status.watch.state == "watching"


def test_on_acceptance_re_ageing_starts_from_zero(loan, today, settings) -> None:
    settings.GATE_PACK = "ke"
    [offer] = price(loan, today, months=12)
    acceptance = accept(offer, today)
    assert acceptance.reage_mode == "on_acceptance"
    assert selectors.account_status(acceptance.plan_loan, as_of=today).days_past_due == 0


def test_an_offer_is_stale_once_the_balance_moves(loan, today) -> None:
    [offer] = price(loan, today, months=6)
    post_payment(loan=loan, amount=D("100.00"), value_date=today, actor="test")
    with pytest.raises(Conflict) as refused:
        accept(offer, today)
    assert refused.value.code == "offer_stale"
    assert not Acceptance.objects.exists()
    assert not loan_status(loan, as_of=today).is_settled


def test_an_expired_offer_cannot_be_accepted(loan, today) -> None:
    [offer] = price(loan, today - timedelta(days=8), months=6)
    with pytest.raises(Conflict) as refused:
        accept(offer, today)
    assert refused.value.code == "offer_expired"


def test_a_loan_is_restructured_once(loan, today) -> None:
    first, second = price(loan, today)[:2]
    acceptance = accept(first, today)
    with pytest.raises(Conflict) as refused:
        accept(second, today)
    assert refused.value.code == "loan_restructured"
    with pytest.raises(Conflict) as refused:
        price(acceptance.plan_loan, today)
    assert refused.value.code == "plan_not_restructurable"
    assert Acceptance.objects.count() == 1


def test_an_unknown_confirmation_is_refused(loan, today) -> None:
    [offer] = price(loan, today, months=6)
    with pytest.raises(InvalidInput):
        services.accept_offer(offer=offer, actor="x", confirmed_via="telepathy", today=today)
    assert not Acceptance.objects.exists()
