from __future__ import annotations

from decimal import Decimal

import pytest

from tactful.money import (
    AmountError,
    UnknownCurrency,
    minor_units,
    parse_amount,
    quantum,
    to_minor_precision,
)


@pytest.mark.parametrize(
    ("currency", "expected"),
    [("CNY", Decimal("0.01")), ("USD", Decimal("0.01")), ("JPY", Decimal(1))],
)
def test_quantum_is_the_minor_unit(currency: str, expected: Decimal) -> None:
    assert quantum(currency) == expected


def test_jpy_has_no_decimals() -> None:
    assert minor_units("JPY") == 0


def test_unknown_currency_is_refused() -> None:
    with pytest.raises(UnknownCurrency, match="unknown currency 'XYZ'"):
        quantum("XYZ")


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        ("1.005", "CNY", "1.01"),
        ("1.004", "CNY", "1.00"),
        ("2.5", "JPY", "3"),
        ("-1.005", "CNY", "-1.01"),
    ],
)
def test_to_minor_precision_rounds_half_up(amount: str, currency: str, expected: str) -> None:
    assert str(to_minor_precision(Decimal(amount), currency)) == expected


@pytest.mark.parametrize(
    ("text", "currency", "expected"),
    [
        ("12000", "CNY", "12000.00"),
        (" 12.5 ", "CNY", "12.50"),
        ("12.50", "CNY", "12.50"),
        ("12.0", "JPY", "12"),
        ("1E+3", "USD", "1000.00"),
        ("-0", "CNY", "0.00"),
    ],
)
def test_parse_amount_accepts_plain_amounts(text: str, currency: str, expected: str) -> None:
    assert str(parse_amount(text, currency)) == expected


def test_parse_amount_accepts_decimal() -> None:
    assert parse_amount(Decimal("3.1"), "CNY") == Decimal("3.10")


@pytest.mark.parametrize(
    ("value", "currency", "message"),
    [
        ("-1", "CNY", "must not be negative"),
        ("abc", "CNY", "must be a number"),
        ("", "CNY", "must be a number"),
        ("NaN", "CNY", "finite"),
        ("Infinity", "CNY", "finite"),
        ("1.001", "CNY", "more decimals than CNY allows"),
        ("1.5", "JPY", "more decimals than JPY allows"),
        ("1E+20", "CNY", "must be below"),
        (1.5, "CNY", "text or Decimal"),
    ],
)
def test_parse_amount_refuses_bad_amounts(value: object, currency: str, message: str) -> None:
    with pytest.raises(AmountError, match=message):
        parse_amount(value, currency)  # type: ignore[arg-type]


def test_parse_amount_refuses_unknown_currency() -> None:
    with pytest.raises(UnknownCurrency):
        parse_amount("1", "XXX")
