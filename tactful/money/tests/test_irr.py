from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tactful.money.irr import CashFlowError, annualised, effective_annual, npv, periodic_irr

D = Decimal


def exact_npv(rate: Fraction, flows: list[Decimal]) -> Fraction:
    return sum((Fraction(flow) / (1 + rate) ** k for k, flow in enumerate(flows)), Fraction(0))


def test_a_level_annuity_returns_its_own_rate() -> None:
    # 1000 lent, 12 payments of 88.85 (1% a month, rounded to the fen).
    flows = [D(1000)] + [D("-88.85")] * 12
    rate = periodic_irr(flows)
    assert abs(rate - 0.01) < 2e-5
    assert abs(npv(rate, [float(f) for f in flows])) < 1e-6


def test_the_rate_solves_the_equation_to_the_documented_tolerance() -> None:
    flows = [D("5000.00"), D("-1800.00"), D("-1800.00"), D("-1800.00")]
    rate = periodic_irr(flows)
    # Exact arithmetic on either side of the answer: the root lies within 1e-11.
    below = exact_npv(Fraction(rate) - Fraction(1, 10**11), flows)
    above = exact_npv(Fraction(rate) + Fraction(1, 10**11), flows)
    assert below < 0 < above


def test_zero_interest_is_a_zero_rate() -> None:
    assert abs(periodic_irr([D(1200)] + [D(-100)] * 12)) < 1e-12


def test_repaying_less_than_lent_is_a_negative_rate() -> None:
    assert periodic_irr([D(1000), D(-500), D(-400)]) < 0


def test_annualised_rates_are_quoted_to_a_hundredth_of_a_percent() -> None:
    assert annualised(0.02) == D("0.2400")
    assert annualised(0.0200004) == D("0.2400")
    assert annualised(0.0200005) == D("0.2400")
    assert annualised(0.020005) == D("0.2401")
    assert effective_annual(0.02) == D("0.2682")


@pytest.mark.parametrize(
    "flows",
    [
        [D(1000)],
        [D(0), D(-10)],
        [D(-1000), D(1100)],
        [D(1000), D(10), D(-1100)],
        [D(1000), D(0), D(0)],
        [D(1000), D("NaN")],
    ],
)
def test_flows_without_a_single_rate_are_refused(flows: list[Decimal]) -> None:
    with pytest.raises(CashFlowError):
        periodic_irr(flows)


@given(
    principal=st.integers(min_value=100_000, max_value=10_000_000),
    monthly_basis_points=st.integers(min_value=1, max_value=400),
    months=st.integers(min_value=2, max_value=60),
)
def test_the_rate_of_an_exact_annuity_is_recovered(
    principal: int, monthly_basis_points: int, months: int
) -> None:
    rate = Fraction(monthly_basis_points, 10_000)
    growth = (1 + rate) ** months
    payment = Fraction(principal) * rate * growth / (growth - 1)
    flows = [D(principal)] + [-D(payment.numerator) / D(payment.denominator)] * months
    assert abs(periodic_irr(flows) - float(rate)) < 1e-10
