"""Small builders for attempts, facts and history, with readable defaults."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tactful.policy import Attempt, Decision, Facts, HistoryEntry, decide, load_pack

SHANGHAI = "Asia/Shanghai"
ZONE_OF_PACK = {
    "cn": "Asia/Shanghai",
    "us": "America/Chicago",
    "in": "Asia/Kolkata",
    "ph": "Asia/Manila",
    "id": "Asia/Jakarta",
    "ke": "Africa/Nairobi",
    "uk": "Europe/London",
}
# A Monday that is not a holiday in any of the packs' countries.
MONDAY = "2026-05-11"


def local(text: str, zone: str = SHANGHAI) -> datetime:
    """Return the UTC instant of local wall time `text` ("2026-05-11 08:00") in `zone`."""
    wall = datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(zone))
    return wall.astimezone(UTC)


def attempt(**changes: Any) -> Attempt:
    """Return a certified collection call to debtor b-1 in Shanghai, changed by `changes`."""
    values: dict[str, Any] = {
        "channel": "call",
        "recipient": "b-1",
        "recipient_role": "debtor",
        "purpose": "collection",
        "recipient_timezone": SHANGHAI,
        "debt": "L-1",
        "collector_certified": True,
    }
    values.update(changes)
    return Attempt(**values)


def facts(**changes: Any) -> Facts:
    """Return facts of an account 12 days past due with nothing else known."""
    values: dict[str, Any] = {"days_past_due": 12}
    values.update(changes)
    return Facts(**values)


def call(
    at: datetime,
    outcome: str = "no_answer",
    *,
    recipient: str = "b-1",
    debt: str | None = "L-1",
    channel: str = "call",
) -> HistoryEntry:
    """Return a history entry (a call to b-1 about L-1 by default)."""
    return HistoryEntry(at=at, channel=channel, recipient=recipient, outcome=outcome, debt=debt)  # type: ignore[arg-type]


def calls(
    at: datetime, count: int, outcome: str = "no_answer", **kw: Any
) -> tuple[HistoryEntry, ...]:
    """Return `count` calls a minute apart, the last one at `at`."""
    return tuple(call(at - timedelta(minutes=i), outcome, **kw) for i in range(count))


def decide_in(
    pack: str, now: datetime, a: Attempt | None = None, f: Facts | None = None
) -> Decision:
    """Decide under the named pack; the attempt defaults to the pack's usual zone."""
    chosen = a or attempt(recipient_timezone=ZONE_OF_PACK[pack])
    return decide(chosen, f or facts(), now, load_pack(pack))


def instant(text: str) -> datetime:
    """Return the aware instant written in ISO 8601 ("2026-05-11T00:00:00Z")."""
    return datetime.fromisoformat(text)
