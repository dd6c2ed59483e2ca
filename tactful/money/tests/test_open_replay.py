"""An open replay answers what a fresh replay of the same entries would, however they came."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tactful.money import Due, Entry, EntryKind, LedgerError, OpenReplay, replay, replay_each
from tactful.money.tests.strategies import ledgers

PROPERTY_SETTINGS = settings(max_examples=200, deadline=None)
D = Decimal
FEB, MAR = date(2026, 2, 15), date(2026, 3, 15)
DUES = [Due(1, FEB, D("100.00"), D("10.00")), Due(2, MAR, D("100.00"), D("8.00"))]


def paid_off(dues: list[Due], entries: list[Entry]) -> dict[int, date | None]:
    return {row.n: row.paid_off_on for row in replay(dues, entries, date.max).installments}


@PROPERTY_SETTINGS
@given(ledgers(), st.data())
def test_entries_added_later_give_what_a_fresh_replay_gives(ledger, data) -> None:
    dues, entries = ledger
    split = data.draw(st.integers(min_value=0, max_value=len(entries)))
    before, added = entries[:split], entries[split:]
    as_of = dues[0].due_date + timedelta(days=data.draw(st.integers(-60, 1500)))
    opened = OpenReplay(dues, before)
    assert opened.state(as_of) == replay(dues, before, as_of)
    assert opened.paid_off_dates() == paid_off(dues, before)
    opened.add(added)
    assert opened.entries == tuple(entries)
    assert opened.state(as_of) == replay(dues, entries, as_of)
    assert opened.paid_off_dates() == paid_off(dues, entries)


@PROPERTY_SETTINGS
@given(ledgers(), st.data())
def test_a_payment_after_every_entry_is_applied_last(ledger, data) -> None:
    dues, entries = ledger
    latest = max((entry.value_date for entry in entries), default=dues[0].due_date)
    day = latest + timedelta(days=data.draw(st.integers(0, 60)))
    amount = D(data.draw(st.integers(min_value=1, max_value=10**8))).scaleb(-2)
    payment = Entry("later", EntryKind.PAYMENT, day, amount)
    opened = OpenReplay(dues, entries)
    opened.add([payment])
    assert opened.state(day) == replay(dues, [*entries, payment], day)
    assert opened.paid_off_dates() == paid_off(dues, [*entries, payment])


def test_a_payment_pays_off_the_installment_it_covers() -> None:
    opened = OpenReplay(DUES, [Entry("1", EntryKind.PAYMENT, FEB, D("50.00"))])
    assert opened.paid_off_dates() == {1: None, 2: None}
    opened.add([Entry("2", EntryKind.PAYMENT, MAR, D("60.00"))])
    assert opened.paid_off_dates() == {1: MAR, 2: None}
    assert opened.state(MAR).installments[0].is_paid


def test_a_state_before_the_latest_entry_leaves_the_later_ones_out() -> None:
    opened = OpenReplay(DUES, [Entry("1", EntryKind.PAYMENT, MAR, D("110.00"))])
    assert opened.state(FEB) == replay(DUES, [], FEB)
    assert opened.state(MAR).installments[0].paid_off_on == MAR


def test_an_added_entry_breaking_the_rules_is_refused() -> None:
    opened = OpenReplay(DUES, [Entry("1", EntryKind.PAYMENT, FEB, D("50.00"))])
    with pytest.raises(LedgerError):
        opened.add([Entry("1", EntryKind.PAYMENT, MAR, D("10.00"))])
    with pytest.raises(LedgerError):
        opened.add([Entry("2", EntryKind.FEE, MAR, D("10.00"), installment=9)])


@PROPERTY_SETTINGS
@given(ledgers(), st.data())
def test_the_first_installments_replay_as_they_do_with_the_rest(ledger, data) -> None:
    """The waterfall pays in due order: a prefix of the schedule does not see what follows.

    So a replay of the installments falling due before some day gives them the states a
    replay of all of them gives, as long as no entry names a later one (a fee, a waiver).
    """
    dues, entries = ledger
    in_order = sorted(dues, key=lambda due: (due.due_date, due.n))
    first = in_order[: data.draw(st.integers(min_value=0, max_value=len(dues)))]
    numbers = {due.n for due in first}
    if any(entry.installment is not None and entry.installment not in numbers for entry in entries):
        return
    as_of = dues[0].due_date + timedelta(days=data.draw(st.integers(-60, 1500)))
    whole = replay(dues, entries, as_of).installments
    assert replay(first, entries, as_of).installments == whole[: len(first)]
    prefix = OpenReplay(first, entries)
    unapplied = prefix.unapplied
    later = max((entry.value_date for entry in entries), default=as_of)
    payment = Entry("new", EntryKind.PAYMENT, later, D(data.draw(st.integers(1, 10**8))).scaleb(-2))
    prefix.add([payment])
    full = paid_off(dues, [*entries, payment])
    if prefix.unapplied == unapplied:
        # The payment stayed within the prefix: the later installments are as they were.
        assert prefix.paid_off_dates() == {n: full[n] for n in numbers}
        assert {n: date_ for n, date_ in full.items() if n not in numbers} == {
            n: date_ for n, date_ in paid_off(dues, entries).items() if n not in numbers
        }


@PROPERTY_SETTINGS
@given(ledgers(), st.lists(st.integers(-60, 1500), min_size=0, max_size=8))
def test_replaying_at_each_day_gives_what_a_replay_of_each_day_gives(ledger, offsets) -> None:
    dues, entries = ledger
    days = [dues[0].due_date + timedelta(days=offset) for offset in offsets]
    assert replay_each(dues, entries, days) == [replay(dues, entries, day) for day in days]


def test_a_reversal_between_two_days_takes_its_entry_out_of_the_later_one() -> None:
    entries = [
        Entry("1", EntryKind.PAYMENT, FEB, D("110.00")),
        Entry("2", EntryKind.REVERSAL, MAR, D("110.00"), reverses="1"),
    ]
    before, after = replay_each(DUES, entries, [FEB, MAR])
    assert before.installments[0].is_paid
    assert not after.installments[0].is_paid
    assert [before, after] == [replay(DUES, entries, FEB), replay(DUES, entries, MAR)]
