from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from tactful.money.ledger import Due, Entry, EntryKind, InstallmentState
from tactful.money.pauses import (
    Pause,
    PauseError,
    PauseLimits,
    check_new_pause,
    days_past_due_paused,
    paused_days,
    paused_history,
    resumed,
)

D = Decimal
JAN1 = date(2026, 1, 1)
LIMITS = PauseLimits(max_backdate_days=30, max_days=90)


def day(n: int) -> date:
    return JAN1 + timedelta(days=n - 1)


def unpaid(due: date, n: int = 1) -> InstallmentState:
    return InstallmentState(n, due, D(0), D(0), D(100), D(0), D(0), D(0), None)


def test_paused_days_are_not_counted() -> None:
    pauses = [Pause(day(5), day(8))]
    counts = [days_past_due_paused([unpaid(JAN1)], day(n), pauses) for n in range(4, 11)]
    assert counts == [3, 4, 4, 4, 4, 5, 6]


def test_an_installment_falling_due_in_a_pause_ages_from_its_end() -> None:
    pauses = [Pause(day(10), day(20))]
    assert days_past_due_paused([unpaid(day(12))], day(19), pauses) == 0
    assert days_past_due_paused([unpaid(day(12))], day(20), pauses) == 0
    assert days_past_due_paused([unpaid(day(12))], day(21), pauses) == 1


def test_without_pauses_the_count_is_the_plain_one() -> None:
    assert days_past_due_paused([unpaid(JAN1)], day(31), []) == 30


def test_paused_days_clip_to_the_window() -> None:
    pauses = [Pause(day(1), day(5)), Pause(day(10), day(12))]
    assert paused_days(day(3), day(11), pauses) == 3


def test_a_backdated_pause_and_a_backdated_payment_replay_every_day() -> None:
    dues = [Due(1, JAN1, D(100), D(0)), Due(2, date(2026, 2, 1), D(100), D(0))]
    entries = [Entry("p1", EntryKind.PAYMENT, day(20), D(100))]
    pauses = [Pause(day(6), day(11))]
    history = paused_history(dues, entries, pauses, day(1), day(22))
    counts = {row[0]: row[1] for row in history}
    assert counts[day(6)] == 5
    assert counts[day(11)] == 5
    assert counts[day(19)] == 13
    # The backdated payment of day 20 settles installment 1: nothing is late any more.
    assert counts[day(20)] == 0
    assert {row[2] for row in history if row[0] >= day(20)} == {"M0"}


def test_a_reversed_payment_makes_the_days_come_back_from_the_reversal_on() -> None:
    dues = [Due(1, JAN1, D(100), D(0))]
    entries = [
        Entry("p1", EntryKind.PAYMENT, day(3), D(100)),
        Entry("r1", EntryKind.REVERSAL, day(9), D(100), reverses="p1"),
    ]
    counts = {row[0]: row[1] for row in paused_history(dues, entries, [], day(1), day(10))}
    assert counts[day(8)] == 0
    assert counts[day(9)] == 8


def test_a_pause_must_end_after_it_starts() -> None:
    with pytest.raises(PauseError):
        Pause(day(5), day(5))


@pytest.mark.parametrize(
    ("pause", "code"),
    [
        (Pause(day(41), day(50)), "pause_in_future"),
        (Pause(day(9), day(20)), "backdate_too_far"),
        (Pause(day(12), day(20)), "backdate_before_reset"),
        (Pause(day(36), day(127)), "pause_too_long"),
        (Pause(day(16), day(21)), "pause_overlaps"),
        (Pause(day(14), day(16)), "pause_overlaps"),
    ],
)
def test_pauses_breaking_a_rule_are_refused(pause: Pause, code: str) -> None:
    existing = [Pause(day(15), day(20))]
    with pytest.raises(PauseError) as refused:
        check_new_pause(pause, existing, today=day(40), last_reset=day(13), limits=LIMITS)
    assert refused.value.code == code


def test_a_pause_right_after_another_is_allowed() -> None:
    existing = [Pause(day(15), day(20))]
    check_new_pause(
        Pause(day(20), day(30)), existing, today=day(40), last_reset=day(13), limits=LIMITS
    )


def test_resuming_early_shortens_the_pause() -> None:
    assert resumed(Pause(day(5), day(30)), day(12)) == Pause(day(5), day(12))
    assert resumed(Pause(day(5), day(30)), day(5)) is None
    with pytest.raises(PauseError):
        resumed(Pause(day(5), day(30)), day(4))
    with pytest.raises(PauseError):
        resumed(Pause(day(5), day(30)), day(31))
