"""Background work of help-to-repay: tasks take plain values and call one service each.

Run daily, in this order: `collect_auto_debits`, `award_reward_points`,
`settle_due_promises`, `expire_reward_points`, `send_upcoming_debit_notices`.
Pauses need no task: a pause ends on its end date by itself, and so does its hold.
"""

from __future__ import annotations

from datetime import date

from django_tasks import task

from tactful.repayment import services


@task()
def collect_auto_debits(as_of: str) -> dict[str, object]:
    """Collect what is due on `as_of` (ISO date) through every active mandate."""
    report = services.run_auto_debits(as_of=date.fromisoformat(as_of))
    return {
        "run_id": str(report.run_id),
        "attempts": report.attempts,
        "resumed": report.resumed,
        "collected": report.collected,
        "failed": report.failed,
        "unknown": report.unknown,
        "amount_collected": str(report.amount_collected),
    }


@task()
def send_debit_result_notices(attempt_ids: list[int]) -> int:
    """Tell borrowers what came of these collection attempts (through the gate)."""
    return services.send_result_notices(attempt_ids=attempt_ids)


@task()
def send_upcoming_debit_notices(today: str) -> int:
    """Tell borrowers about collections due in the pack's notice days."""
    return services.send_upcoming_notices(today=date.fromisoformat(today))


@task()
def settle_due_promises(as_of: str) -> int:
    """Record kept or broken for promises whose day ended before `as_of`."""
    return services.settle_promises(as_of=date.fromisoformat(as_of))


@task()
def award_reward_points(as_of: str) -> int:
    """Reward installments paid on time and finished plans."""
    return services.award_points(as_of=date.fromisoformat(as_of))


@task()
def expire_reward_points(as_of: str) -> int:
    """Write expiry entries for points that expired unspent."""
    return services.record_expiries(as_of=date.fromisoformat(as_of))
