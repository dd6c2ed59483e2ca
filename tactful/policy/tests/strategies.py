"""Hypothesis strategies for attempts, facts and history around a fixed week."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import strategies as st

from tactful.policy import Attempt, Facts, HistoryEntry
from tactful.policy.types import CHANNELS, OUTCOMES, PURPOSES, RECIPIENT_ROLES

PACKS = ("cn", "us", "in", "ph", "id", "ke", "uk")
ZONES = (
    "Asia/Shanghai",
    "America/New_York",
    "America/Chicago",
    "Europe/London",
    "Asia/Jakarta",
    "Asia/Kolkata",
    "Africa/Nairobi",
    "Asia/Manila",
    "Australia/Lord_Howe",  # a half-hour daylight-saving shift
)
RECIPIENTS = ("r-1", "r-2")
DEBTS = ("d-1", "d-2", None)
# Around the 2026 spring and autumn clock changes as well as an ordinary week.
BASES = (
    datetime(2026, 5, 11, tzinfo=UTC),
    datetime(2026, 3, 7, tzinfo=UTC),
    datetime(2026, 10, 24, tzinfo=UTC),
)

instants = st.builds(
    lambda base, seconds: base + timedelta(seconds=seconds),
    st.sampled_from(BASES),
    st.integers(min_value=0, max_value=4 * 24 * 3600),
)


def history_entries(now: datetime) -> st.SearchStrategy[HistoryEntry]:
    """Entries in the ten days before `now` (some slightly after it)."""
    return st.builds(
        HistoryEntry,
        at=st.integers(min_value=-10 * 24 * 3600, max_value=3600).map(
            lambda s: now + timedelta(seconds=s)
        ),
        channel=st.sampled_from(CHANNELS),
        recipient=st.sampled_from(RECIPIENTS),
        outcome=st.sampled_from(OUTCOMES),
        debt=st.sampled_from(DEBTS),
    )


attempts = st.builds(
    Attempt,
    channel=st.sampled_from(CHANNELS),
    recipient=st.sampled_from(RECIPIENTS),
    recipient_role=st.sampled_from(RECIPIENT_ROLES),
    purpose=st.sampled_from(PURPOSES),
    recipient_timezone=st.sampled_from((*ZONES, None, "Nowhere/Land")),
    debt=st.sampled_from(DEBTS),
    collector_certified=st.sampled_from((True, True, True, False, None)),
    content=st.sampled_from((None, None, "请回电", "your loan is overdue")),
)


@st.composite
def facts_at(draw: st.DrawFn, now: datetime, *, max_history: int = 25) -> Facts:
    """Draw facts with a history around `now`."""
    return Facts(
        days_past_due=draw(st.sampled_from((None, -1, 0, 1, 12, 95))),
        holds=tuple(draw(st.lists(st.sampled_from(("complaint", "odd-kind")), max_size=1))),
        consents=frozenset(draw(st.lists(st.just("emergency_contact"), max_size=1))),
        debtor_unreachable=draw(st.booleans()),
        opted_out=draw(st.sampled_from((False, False, False, True))),
        history=tuple(draw(st.lists(history_entries(now), max_size=max_history))),
    )


json_values: st.SearchStrategy[Any] = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
