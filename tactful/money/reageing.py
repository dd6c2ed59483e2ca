"""Re-ageing after a restructuring: the watch period, and the days past due it yields.

When a borrower accepts a plan, the old schedule closes and the plan's schedule starts.
How many days past due the account shows from then on is a rule-pack setting:

* ``on_acceptance``: the plan's own days past due only. The delinquency is reset the
  day the plan starts.
* ``after_watch``: the days past due the account had when the plan started are
  *carried*, frozen: they neither grow nor fall while the plan is paid on time, and any
  days the plan itself falls behind add to them. Once the first ``watch_installments``
  installments are all paid in time, the account is re-aged to the plan's own figure
  (that day is a reset). If one of them is not paid in time the watch has failed and
  the carried days stay until the plan is repaid.

"In time" means on or before the due date, or, when the due date fell inside a
hardship pause, on or before the day the pause ended.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from tactful.money.ledger import InstallmentState
from tactful.money.pauses import Pause


class ReageMode(StrEnum):
    """When the days past due of a restructured account go back to the plan's own."""

    ON_ACCEPTANCE = "on_acceptance"
    AFTER_WATCH = "after_watch"


class WatchState(StrEnum):
    """Where the watch period of a plan stands."""

    WATCHING = "watching"
    PASSED = "passed"
    FAILED = "failed"


@dataclass(frozen=True)
class Watch:
    """The watch period's state on a day; ``decided_on`` is when it passed or failed."""

    state: WatchState
    decided_on: date | None
    watched: int


def deadline(installment: InstallmentState, pauses: Sequence[Pause]) -> date:
    """Return the last day ``installment`` may be paid and still count as in time."""
    covering = next((p for p in pauses if p.covers(installment.due_date)), None)
    return installment.due_date if covering is None else covering.ends_on


def watch(
    plan: Sequence[InstallmentState], watch_installments: int, as_of: date, pauses: Sequence[Pause]
) -> Watch:
    """Return the watch state on ``as_of`` of a plan whose first installments are watched."""
    watched = sorted(plan, key=lambda i: (i.due_date, i.n))[:watch_installments]
    for installment in watched:
        last_day = deadline(installment, pauses)
        paid_on = installment.paid_off_on
        if paid_on is not None and paid_on <= min(last_day, as_of):
            continue
        if as_of > last_day:
            return Watch(WatchState.FAILED, last_day + timedelta(days=1), len(watched))
        return Watch(WatchState.WATCHING, None, len(watched))
    passed_on = max((i.paid_off_on or i.due_date for i in watched), default=None)
    return Watch(WatchState.PASSED, passed_on, len(watched))


def reaged_days_past_due(
    mode: ReageMode, *, plan_days_past_due: int, carried_days_past_due: int, state: Watch
) -> int:
    """Return the account's days past due under ``mode``."""
    if mode is ReageMode.ON_ACCEPTANCE or state.state is WatchState.PASSED:
        return plan_days_past_due
    return carried_days_past_due + plan_days_past_due
