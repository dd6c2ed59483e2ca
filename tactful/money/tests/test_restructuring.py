from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from tactful.money.irr import periodic_irr
from tactful.money.records import InstallmentState
from tactful.money.restructuring import (
    Caps,
    CarriedBalance,
    PlanTerms,
    RestructuringError,
    affordable,
    current_payment,
    lowers_payments,
    price_menu,
    price_offer,
)

D = Decimal
START = date(2026, 3, 10)
CN_CAPS = Caps(max_months=36, max_annual_rate=D("0.24"), max_fee_rate=D("0.05"), max_apr=D("0.24"))
BALANCE = CarriedBalance(principal=D("9000.00"), interest=D("270.00"), fees=D("30.00"))


def price(months: int = 12, rate: str = "0.18", fee: str = "0", caps: Caps = CN_CAPS):
    terms = PlanTerms(months=months, annual_rate=D(rate), fee=D(fee), start=START)
    return price_offer(balance=BALANCE, terms=terms, currency="CNY", caps=caps)


def test_the_plan_relends_the_whole_carried_balance() -> None:
    offer = price()
    assert offer.balance == D("9300.00")
    assert sum(row.principal for row in offer.schedule) == D("9300.00")
    assert offer.schedule[0].due_date == date(2026, 4, 10)
    assert offer.schedule[-1].balance == 0


def test_the_full_cost_is_interest_plus_fee() -> None:
    offer = price(fee="100.00")
    assert offer.total_cost == offer.total_interest + D("100.00")
    assert offer.total_repaid == offer.balance + offer.total_cost
    assert offer.first_payment == offer.schedule[0].payment + D("100.00")


def test_without_a_fee_the_annualised_cost_is_the_nominal_rate() -> None:
    assert price(rate="0.18").apr == D("0.1800")
    assert price(rate="0").apr == D("0.0000")


def test_a_fee_raises_the_annualised_cost_above_the_nominal_rate() -> None:
    offer = price(rate="0.18", fee="200.00")
    flows = [offer.balance] + [-row.payment for row in offer.schedule]
    flows[1] -= D("200.00")
    assert offer.apr == D(str(round(periodic_irr(flows) * 12, 4))).quantize(D("0.0001"))
    assert offer.apr > D("0.18")
    assert offer.effective_annual_rate > offer.apr


def test_cn_flags_a_plan_whose_annualised_cost_exceeds_24_percent() -> None:
    at_cap = price(rate="0.24")
    assert at_cap.apr == D("0.2400")
    assert not at_cap.exceeds_cap
    over = price(rate="0.22", fee="300.00")
    assert over.apr > D("0.24")
    assert over.exceeds_cap


def test_without_a_cost_cap_nothing_is_flagged() -> None:
    caps = Caps(max_months=36, max_annual_rate=D("0.36"), max_fee_rate=D("0.05"), max_apr=None)
    assert not price(rate="0.36", fee="400.00", caps=caps).exceeds_cap


@pytest.mark.parametrize(
    ("kwargs", "field", "code"),
    [
        ({"months": 37}, "months", "months_above_cap"),
        ({"months": 0}, "months", "invalid_terms"),
        ({"rate": "0.2401"}, "annual_rate", "rate_above_cap"),
        ({"rate": "-0.01"}, "annual_rate", "invalid_terms"),
        ({"fee": "465.01"}, "fee", "fee_above_cap"),
        ({"fee": "-1"}, "fee", "invalid_terms"),
        ({"fee": "1.005"}, "fee", "invalid_terms"),
    ],
)
def test_terms_beyond_the_caps_are_refused(kwargs: dict[str, Any], field: str, code: str) -> None:
    with pytest.raises(RestructuringError) as refused:
        price(**kwargs)
    assert (refused.value.field, refused.value.code) == (field, code)


def test_nothing_owed_cannot_be_restructured() -> None:
    with pytest.raises(RestructuringError) as refused:
        price_offer(
            balance=CarriedBalance(D(0), D(0), D(0)),
            terms=PlanTerms(months=6, annual_rate=D("0.1"), fee=D(0), start=START),
            currency="CNY",
            caps=CN_CAPS,
        )
    assert refused.value.field == "balance"


def test_the_menu_keeps_only_lengths_and_costs_the_caps_allow() -> None:
    menu = price_menu(
        balance=BALANCE,
        months_options=[48, 3, 6, 12, 6],
        annual_rate=D("0.20"),
        fee_rate=D("0.01"),
        start=START,
        currency="CNY",
        caps=CN_CAPS,
    )
    # A 1% fee pushes the 3-month plan's cost far above 24%; 48 months is beyond the cap.
    assert [offer.terms.months for offer in menu] == [6, 12]
    assert all(offer.fee == D("93.00") for offer in menu)


def test_affordable_offers_fit_every_payment_fee_included() -> None:
    menu = price_menu(
        balance=BALANCE,
        months_options=[6, 12, 24],
        annual_rate=D("0.12"),
        fee_rate=D("0"),
        start=START,
        currency="CNY",
        caps=CN_CAPS,
    )
    fitting = affordable(menu, D("850.00"))
    assert [offer.terms.months for offer in fitting] == [12, 24]


def _installment(n: int, due: date, *, paid: bool = False) -> InstallmentState:
    principal, interest = Decimal("900.00"), Decimal("100.00")
    return InstallmentState(
        n=n,
        due_date=due,
        fees_due=Decimal("0"),
        interest_due=interest,
        principal_due=principal,
        fees_paid=Decimal("0"),
        interest_paid=interest if paid else Decimal("0"),
        principal_paid=principal if paid else Decimal("0"),
        paid_off_on=due if paid else None,
    )


def test_the_current_payment_is_the_next_scheduled_one() -> None:
    rows = [
        _installment(1, date(2026, 1, 10), paid=True),
        _installment(2, date(2026, 2, 10)),
        _installment(3, date(2026, 3, 10)),
    ]
    assert current_payment(rows, date(2026, 2, 20)) == Decimal("1000.00")


def test_when_everything_is_due_the_current_payment_is_all_that_is_owed() -> None:
    rows = [_installment(1, date(2026, 1, 10)), _installment(2, date(2026, 2, 10))]
    assert current_payment(rows, date(2026, 3, 1)) == Decimal("2000.00")


@pytest.mark.parametrize(
    ("first", "regular", "lowers"),
    [("900", "900", True), ("1000", "900", False), ("900", "1000", False), ("999.99", "1", True)],
)
def test_a_plan_lowers_payments_only_when_every_payment_is_smaller(
    first: str, regular: str, lowers: bool
) -> None:
    assert (
        lowers_payments(
            first_payment=Decimal(first), regular_payment=Decimal(regular), current=Decimal(1000)
        )
        is lowers
    )
