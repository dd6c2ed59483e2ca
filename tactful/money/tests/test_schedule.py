from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings

from tactful.money import (
    Method,
    ScheduledInstallment,
    ScheduleError,
    UnknownCurrency,
    build_schedule,
)
from tactful.money.tests.strategies import (
    annual_rates,
    methods,
    months,
    principals,
    start_dates,
)

D = Decimal


def equal_installments(
    principal: str, rate: str, n: int, **kwargs: object
) -> list[ScheduledInstallment]:
    return build_schedule(
        principal=D(principal),
        annual_rate=D(rate),
        months=n,
        method=Method.EQUAL_INSTALLMENT,
        start=kwargs.pop("start", date(2026, 1, 15)),  # type: ignore[arg-type]
        **kwargs,  # type: ignore[arg-type]
    )


def textbook_payment(principal: str, annual_rate: str, n: int) -> Decimal:
    """Compute the annuity payment exactly, independently of the code under test."""
    p = Fraction(principal)
    r = Fraction(annual_rate) / 12
    if r == 0:
        exact = p / n
    else:
        growth = (1 + r) ** n
        exact = p * r * growth / (growth - 1)
    cents = (exact * 100 + Fraction(1, 2)).__floor__()
    return D(cents) / 100


def test_known_equal_installment_schedule() -> None:
    schedule = equal_installments("12000", "0.18", 12)
    assert [i.payment for i in schedule[:-1]] == [D("1100.16")] * 11
    assert schedule[0].interest == D("180.00")
    assert schedule[0].principal == D("920.16")
    assert schedule[0].balance == D("11079.84")
    assert schedule[1].interest == D("166.20")
    assert schedule[-1].principal == schedule[-2].balance == D("1083.93")
    assert schedule[-1].interest == D("16.26")
    assert schedule[-1].payment == D("1100.19")
    assert schedule[-1].balance == D("0.00")


def test_known_equal_principal_schedule() -> None:
    schedule = build_schedule(
        principal=D("12000"),
        annual_rate=D("0.18"),
        months=12,
        method=Method.EQUAL_PRINCIPAL,
        start=date(2026, 1, 15),
    )
    assert [i.principal for i in schedule] == [D("1000.00")] * 12
    assert [i.interest for i in schedule] == [
        D(180 - 15 * k).quantize(D("0.01")) for k in range(12)
    ]
    assert schedule[0].payment == D("1180.00")
    assert schedule[-1].payment == D("1015.00")


def test_due_dates_follow_the_month_end_rule() -> None:
    schedule = equal_installments("1200", "0.12", 3, start=date(2026, 1, 31))
    assert [i.due_date for i in schedule] == [
        date(2026, 2, 28),
        date(2026, 3, 31),
        date(2026, 4, 30),
    ]
    leap = equal_installments("1200", "0.12", 1, start=date(2028, 1, 31))
    assert leap[0].due_date == date(2028, 2, 29)


def test_first_due_date_is_one_month_after_start() -> None:
    assert equal_installments("1000", "0.1", 2)[0].due_date == date(2026, 2, 15)


def test_zero_rate_splits_principal_and_last_absorbs() -> None:
    schedule = equal_installments("100", "0", 3)
    assert [i.payment for i in schedule] == [D("33.33"), D("33.33"), D("33.34")]
    assert all(i.interest == 0 for i in schedule)


def test_amounts_carry_the_currency_precision() -> None:
    schedule = equal_installments("120000", "0.18", 12, currency="JPY")
    assert schedule[0].payment == D("11002")
    assert schedule[0].interest.as_tuple().exponent == 0
    assert str(equal_installments("12000", "0.18", 12)[0].balance) == "11079.84"


def test_tiny_principal_never_goes_below_zero() -> None:
    # 0.06 / 12 rounds up to 0.01, which would repay the loan by the sixth month.
    schedule = equal_installments("0.06", "0", 12)
    assert [i.principal for i in schedule] == [D("0.01")] * 6 + [D("0.00")] * 6
    assert all(i.balance >= 0 for i in schedule)


@pytest.mark.parametrize(
    ("principal", "rate", "n"),
    [
        ("12000", "0.18", 12),
        ("5000", "0.1", 24),
        ("100000", "0.0435", 360),
        ("3333.33", "0.365", 7),
        ("0.01", "0.24", 6),
        ("999999.99", "9.99", 600),
        ("1", "0.000001", 1),
        ("0.60", "0.1", 1),
    ],
)
def test_payment_matches_exact_formula(principal: str, rate: str, n: int) -> None:
    schedule = equal_installments(principal, rate, n)
    assert schedule[0].payment == textbook_payment(principal, rate, n)


@settings(max_examples=150, deadline=None)
@given(principals, annual_rates, months)
def test_payment_matches_exact_formula_for_any_terms(principal: D, rate: D, n: int) -> None:
    schedule = equal_installments(str(principal), str(rate), n)
    expected = textbook_payment(str(principal), str(rate), n)
    level = [i.payment for i in schedule[:-1] if i.balance > 0]
    assert all(payment == expected for payment in level)


@settings(max_examples=200, deadline=None)
@given(principals, annual_rates, months, methods, start_dates)
def test_schedule_invariants(principal: D, rate: D, n: int, method: Method, start: date) -> None:
    schedule = build_schedule(
        principal=principal, annual_rate=rate, months=n, method=method, start=start
    )
    assert len(schedule) == n
    assert [i.n for i in schedule] == list(range(1, n + 1))
    assert sum(i.principal for i in schedule) == principal
    assert sum(i.payment for i in schedule) == principal + sum(i.interest for i in schedule)
    assert schedule[-1].balance == 0
    balances = [principal] + [i.balance for i in schedule]
    assert all(after <= before for before, after in zip(balances, balances[1:], strict=False))
    for before, installment in zip(balances[:-1], schedule, strict=True):
        assert installment.principal >= 0
        assert installment.payment == installment.principal + installment.interest
        assert installment.balance == before - installment.principal
        assert installment.interest == (before * rate / 12).quantize(D("0.01"), "ROUND_HALF_UP")
    dates = [i.due_date for i in schedule]
    assert dates == sorted(set(dates))


@settings(max_examples=100, deadline=None)
@given(principals, months, start_dates)
def test_equal_principal_repays_level_principal(principal: D, n: int, start: date) -> None:
    schedule = build_schedule(
        principal=principal,
        annual_rate=D("0.2"),
        months=n,
        method=Method.EQUAL_PRINCIPAL,
        start=start,
    )
    level = (principal / n).quantize(D("0.01"), "ROUND_HALF_UP")
    assert all(i.principal == level for i in schedule[:-1] if i.balance > 0)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"principal": D(0)}, "principal", "greater than zero"),
        ({"principal": D(-5)}, "principal", "greater than zero"),
        ({"principal": D("10.001")}, "principal", "more decimals than CNY allows"),
        ({"principal": D("NaN")}, "principal", "finite"),
        ({"principal": 100.0}, "principal", "finite Decimal"),
        ({"annual_rate": D("-0.01")}, "annual_rate", "between 0 and 10"),
        ({"annual_rate": D("10.01")}, "annual_rate", "between 0 and 10"),
        ({"annual_rate": D("Infinity")}, "annual_rate", "finite"),
        ({"annual_rate": D("1E-13")}, "annual_rate", "at most 12 decimals"),
        ({"months": 0}, "months", "between 1 and 600"),
        ({"months": 601}, "months", "between 1 and 600"),
        ({"months": True}, "months", "whole number"),
        ({"method": "balloon"}, "method", "one of equal_installment, equal_principal"),
    ],
)
def test_bad_terms_are_refused(changes: dict[str, object], field: str, message: str) -> None:
    terms: dict[str, object] = {
        "principal": D("1000"),
        "annual_rate": D("0.1"),
        "months": 12,
        "method": Method.EQUAL_INSTALLMENT,
        "start": date(2026, 1, 1),
    }
    with pytest.raises(ScheduleError, match=message) as caught:
        build_schedule(**(terms | changes))  # type: ignore[arg-type]
    assert caught.value.field == field


def test_unknown_currency_is_refused() -> None:
    with pytest.raises(UnknownCurrency):
        equal_installments("1000", "0.1", 12, currency="ABC")


def test_method_may_be_given_as_text() -> None:
    schedule = build_schedule(
        principal=D("1000"),
        annual_rate=D("0"),
        months=4,
        method="equal_principal",  # type: ignore[arg-type]
        start=date(2026, 1, 1),
    )
    assert [i.principal for i in schedule] == [D("250.00")] * 4
