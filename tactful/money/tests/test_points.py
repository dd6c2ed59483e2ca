from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tactful.money.ledger import InstallmentState
from tactful.money.points import (
    PointsEntry,
    PointsError,
    PointsKind,
    PointsRules,
    balance,
    check_redemption,
    earned_on_time,
    redeemable_value,
    redemption_value,
)

D = Decimal
RULES = PointsRules(
    per_on_time_installment=100,
    plan_completion_bonus=500,
    expiry_months=12,
    value_per_point=D("0.01"),
    minimum_redemption=100,
)


def entry(kind: PointsKind, points: int, on: date) -> PointsEntry:
    return PointsEntry(kind, points, on)


def test_earnings_add_up_and_redemptions_take_from_the_oldest_lot() -> None:
    entries = [
        entry(PointsKind.EARN, 100, date(2026, 1, 10)),
        entry(PointsKind.EARN, 100, date(2026, 2, 10)),
        entry(PointsKind.REDEEM, 150, date(2026, 3, 1)),
    ]
    state = balance(entries, RULES, date(2026, 3, 2))
    assert state.points == 50
    assert [(lot.earned_on, lot.remaining) for lot in state.lots] == [(date(2026, 2, 10), 50)]


def test_points_expire_twelve_months_after_they_were_earned() -> None:
    entries = [
        entry(PointsKind.EARN, 100, date(2026, 1, 10)),
        entry(PointsKind.BONUS, 500, date(2026, 6, 1)),
    ]
    assert balance(entries, RULES, date(2027, 1, 9)).points == 600
    after = balance(entries, RULES, date(2027, 1, 10))
    assert after.points == 500
    assert after.expired == 100
    assert after.expirations == ((date(2027, 1, 10), 100),)
    assert after.expiring_by(date(2027, 6, 1)) == 500


def test_spent_points_do_not_expire_again() -> None:
    entries = [
        entry(PointsKind.EARN, 100, date(2026, 1, 10)),
        entry(PointsKind.REDEEM, 100, date(2026, 5, 1)),
    ]
    assert balance(entries, RULES, date(2027, 2, 1)).expired == 0


def test_stored_expiry_rows_do_not_count_twice() -> None:
    entries = [
        entry(PointsKind.EARN, 100, date(2026, 1, 10)),
        entry(PointsKind.EXPIRE, 100, date(2027, 1, 10)),
    ]
    state = balance(entries, RULES, date(2027, 2, 1))
    assert (state.points, state.expired) == (0, 100)


def test_the_balance_as_of_a_day_ignores_later_entries() -> None:
    entries = [entry(PointsKind.EARN, 100, date(2026, 5, 1))]
    assert balance(entries, RULES, date(2026, 4, 30)).points == 0


def test_only_installments_paid_by_their_due_date_earn() -> None:
    def paid(on: date | None) -> InstallmentState:
        return InstallmentState(1, date(2026, 3, 10), D(0), D(10), D(90), D(0), D(10), D(90), on)

    assert earned_on_time(paid(date(2026, 3, 10)))
    assert not earned_on_time(paid(date(2026, 3, 11)))
    assert not earned_on_time(paid(None))


def installments() -> list[InstallmentState]:
    return [
        InstallmentState(
            1, date(2026, 1, 10), D(0), D(20), D(80), D(0), D(20), D(80), date(2026, 1, 9)
        ),
        InstallmentState(2, date(2026, 2, 10), D(15), D(18), D(82), D(5), D(0), D(0), None),
        InstallmentState(3, date(2026, 3, 10), D(0), D(16), D(84), D(0), D(0), D(0), None),
    ]


def test_points_may_pay_only_the_next_installments_fees_and_interest() -> None:
    assert redeemable_value(installments()) == D("28")


def test_a_redemption_within_the_rules_is_valued() -> None:
    state = balance([entry(PointsKind.EARN, 2000, date(2026, 1, 9))], RULES, date(2026, 2, 1))
    assert check_redemption(1500, state, RULES, D("28"), "CNY") == D("15.00")
    assert redemption_value(1999, RULES, "CNY") == D("19.99")


@pytest.mark.parametrize(
    ("points", "code"),
    [
        (0, "invalid_points"),
        (-100, "invalid_points"),
        (99, "below_minimum_redemption"),
        (2001, "not_enough_points"),
        (2000, "redemption_above_fees_and_interest"),
    ],
)
def test_redemptions_breaking_a_rule_are_refused(points: int, code: str) -> None:
    state = balance([entry(PointsKind.EARN, 2000, date(2026, 1, 9))], RULES, date(2026, 2, 1))
    with pytest.raises(PointsError) as refused:
        check_redemption(points, state, RULES, D("15.00"), "CNY")
    assert refused.value.code == code
