"""What the roll-ups count: each metric, the parts of its key, and the selector that counts it.

Every counter groups in the database of the app that owns the records (its selectors.py)
and returns (local day, pack, key parts, count) rows; `services.rebuild_rollups` stores them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from tactful.callqa import selectors as callqa
from tactful.complaints import selectors as complaints
from tactful.consent import selectors as consent
from tactful.contacts import selectors as contacts
from tactful.repayment import selectors as repayment
from tactful.treatments import selectors as treatments

KEY_SEPARATOR = "|"
DayCounts = list[tuple[date, str, tuple[str, ...], int]]


@dataclass(frozen=True)
class Window:
    """The days `first` to `last` (included) in `zone`, and the instants they span."""

    first: date
    last: date
    start: datetime
    end: datetime
    zone: ZoneInfo


@dataclass(frozen=True)
class Metric:
    name: str
    parts: tuple[str, ...]
    count: Callable[[Window], DayCounts]
    # False for records that carry no pack: counted once with an empty pack.
    pack_scoped: bool = True


def _instants(
    counter: Callable[..., DayCounts],
) -> Callable[[Window], DayCounts]:
    return lambda window: counter(start=window.start, end=window.end, zone=window.zone)


PERMITS = Metric(
    "permits",
    ("decision", "channel", "role", "categories"),
    _instants(contacts.permit_counts_per_day),
)
OPT_OUTS = Metric("opt_outs", ("role",), _instants(contacts.opt_out_counts_per_day), False)
COMPLAINTS = Metric("complaints", ("category",), _instants(complaints.complaint_counts_per_day))
CALLS = Metric("inspected_calls", ("collector",), _instants(callqa.inspected_call_counts_per_day))
FINDINGS = Metric("findings", ("category", "collector"), _instants(callqa.finding_counts_per_day))
SIGNALS = Metric("signals", ("kind",), _instants(callqa.signal_counts_per_day))
ALERT_REVIEWS = Metric(
    "alert_reviews", ("kind", "within"), _instants(callqa.alert_review_counts_per_day)
)
WITHDRAWALS = Metric(
    "withdrawals",
    ("purpose", "subject"),
    _instants(consent.withdrawal_counts_per_day),
    False,
)
PROMISES = Metric(
    "promise_outcomes",
    ("state",),
    lambda window: repayment.promise_outcome_counts_per_day(first=window.first, last=window.last),
    False,
)
DEBITS = Metric(
    "debit_results", ("outcome",), _instants(repayment.debit_result_counts_per_day), False
)
# The plan's rows per treatment: a contact-everyone practice contacts every one of them.
PLAN_ENTRIES = Metric(
    "plan_entries",
    ("treatment",),
    lambda window: treatments.plan_entry_counts_per_day(first=window.first, last=window.last),
)

# The plan's rows whose loan was paid on the plan's day: recovery by treatment.
PAYING_ENTRIES = Metric(
    "paying_plan_entries",
    ("treatment",),
    lambda window: treatments.paying_entry_counts_per_day(first=window.first, last=window.last),
)

METRICS: tuple[Metric, ...] = (
    PERMITS,
    OPT_OUTS,
    COMPLAINTS,
    CALLS,
    FINDINGS,
    SIGNALS,
    ALERT_REVIEWS,
    WITHDRAWALS,
    PROMISES,
    DEBITS,
    PLAN_ENTRIES,
    PAYING_ENTRIES,
)


def join_key(parts: tuple[str, ...]) -> str:
    return KEY_SEPARATOR.join(parts)


def split_key(key: str) -> tuple[str, ...]:
    return tuple(key.split(KEY_SEPARATOR))
