"""Hypothesis strategies shared by the money property tests."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import strategies as st

from tactful.money import Due, Entry, EntryKind, Method, ScheduledInstallment, build_schedule

principals = st.integers(min_value=1, max_value=10**9).map(lambda cents: Decimal(cents).scaleb(-2))
# Basis points up to 1000% a year, with ordinary rates drawn more often.
annual_rates = st.one_of(
    st.integers(min_value=0, max_value=6000), st.integers(min_value=0, max_value=100_000)
).map(lambda bp: Decimal(bp).scaleb(-4))
months = st.integers(min_value=1, max_value=120)
methods = st.sampled_from(list(Method))
start_dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 12, 31))


@st.composite
def schedules(draw: st.DrawFn) -> list[ScheduledInstallment]:
    """Draw a valid CNY schedule."""
    return build_schedule(
        principal=draw(principals),
        annual_rate=draw(annual_rates),
        months=draw(st.integers(min_value=1, max_value=36)),
        method=draw(methods),
        start=draw(start_dates),
    )


def dues_from(schedule: list[ScheduledInstallment]) -> list[Due]:
    """Return what each scheduled installment asks for."""
    return [Due(i.n, i.due_date, principal=i.principal, interest=i.interest) for i in schedule]


@st.composite
def ledgers(draw: st.DrawFn) -> tuple[list[Due], list[Entry]]:
    """Draw dues and a valid mix of payments, fees, waivers and reversals."""
    dues = dues_from(draw(schedules()))
    first = dues[0].due_date - timedelta(days=40)
    span = (dues[-1].due_date - first).days + 60
    entries: list[Entry] = []
    for index in range(draw(st.integers(min_value=0, max_value=12))):
        day = first + timedelta(days=draw(st.integers(min_value=0, max_value=span)))
        entries.append(draw(_entry(f"e{index}", day, entries, [due.n for due in dues])))
    return dues, entries


def _amounts(top: int) -> st.SearchStrategy[Decimal]:
    return st.integers(min_value=0, max_value=top).map(lambda cents: Decimal(cents).scaleb(-2))


@st.composite
def _entry(draw: st.DrawFn, entry_id: str, day: date, earlier: list[Entry], ns: list[int]) -> Entry:
    reversed_ids = {e.reverses for e in earlier if e.kind is EntryKind.REVERSAL}
    reversible = [
        e
        for e in earlier
        if e.kind is not EntryKind.REVERSAL
        and e.entry_id not in reversed_ids
        and e.value_date <= day
    ]
    kinds = [EntryKind.PAYMENT, EntryKind.PAYMENT, EntryKind.FEE, EntryKind.WAIVER]
    kind = draw(st.sampled_from([*kinds, EntryKind.REVERSAL] if reversible else kinds))
    if kind is EntryKind.REVERSAL:
        target = draw(st.sampled_from(reversible))
        return Entry(entry_id, kind, day, Decimal(0), reverses=target.entry_id)
    if kind is EntryKind.PAYMENT:
        return Entry(entry_id, kind, day, draw(_amounts(10**10)))
    return Entry(entry_id, kind, day, draw(_amounts(10**5)), installment=draw(st.sampled_from(ns)))
