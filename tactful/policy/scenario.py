"""Read one decision request (a parsed JSON line of ``tactful gate decide``) into values.

Two kinds of trouble, kept apart as the contract says:

* a *malformed* request lacks ``id``, ``now``, ``attempt.channel``, ``attempt.recipient``,
  ``attempt.recipient_role`` or ``attempt.purpose``, or has an unknown value of those
  enums: `MalformedScenario` is raised and the line gets an error object;
* a *missing fact* is anything else absent or of the wrong type: it is read as missing,
  and ``decide()`` denies with ``data_gap`` where the attempt needs it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import cast

from tactful.policy.types import (
    CHANNELS,
    OUTCOMES,
    PURPOSES,
    RECIPIENT_ROLES,
    Attempt,
    Channel,
    Facts,
    HistoryEntry,
    Outcome,
    Purpose,
    RecipientRole,
)

RequestId = str | int | None
EARLIEST_YEAR, LATEST_YEAR = 1900, 2999


class MalformedScenario(ValueError):
    """A request the gate cannot even read as an attempt."""

    def __init__(self, request_id: RequestId, message: str) -> None:
        super().__init__(message)
        self.request_id = request_id
        self.message = message


@dataclass(frozen=True, slots=True)
class Scenario:
    """One request: decide `attempt` with `facts` at `now`, under `pack` if given."""

    id: str | int
    now: datetime
    attempt: Attempt
    facts: Facts
    pack: str | None = None


def parse_scenario(data: object) -> Scenario:
    """Return the scenario in `data` (a parsed JSON value) or raise MalformedScenario."""
    if not isinstance(data, dict):
        raise MalformedScenario(None, "a line must be a JSON object")
    request_id = _request_id(data)
    if request_id is None:
        raise MalformedScenario(None, "id must be a string or an integer")
    now = parse_instant(data.get("now"))
    if now is None:
        raise MalformedScenario(request_id, "now must be an ISO 8601 time with a UTC offset")
    pack = data.get("pack")
    if pack is not None and not isinstance(pack, str):
        raise MalformedScenario(request_id, "pack must be a string")
    attempt = _attempt(data.get("attempt"), request_id)
    facts = parse_facts(data.get("facts"))
    return Scenario(request_id, now, attempt, facts, pack)


def parse_facts(data: object) -> Facts:
    """Return the facts in `data`; anything absent or of the wrong type is missing."""
    if not isinstance(data, dict):
        data = {}
    history, gaps = _history(data.get("history"))
    return Facts(
        days_past_due=_integer(data.get("days_past_due")),
        holds=_holds(data.get("holds")),
        consents=frozenset(_strings(data.get("consents"))),
        debtor_unreachable=data.get("debtor_unreachable") is True,
        opted_out=data.get("opted_out") is True,
        history=history,
        gaps=gaps,
    )


def parse_instant(value: object) -> datetime | None:
    """Return the aware instant written in `value` (ISO 8601 with an offset), else None.

    Instants outside the years 1900-2999 are refused: no contact history is that old, and
    calendar arithmetic near the ends of ``datetime``'s range would overflow.
    """
    if not isinstance(value, str):
        return None
    try:
        instant = datetime.fromisoformat(value)
        if instant.tzinfo is None or instant.utcoffset() is None:
            return None
        in_utc = instant.astimezone(UTC)
    except (ValueError, OverflowError):
        return None
    return in_utc if EARLIEST_YEAR <= in_utc.year <= LATEST_YEAR else None


def _attempt(data: object, request_id: str | int) -> Attempt:
    if not isinstance(data, dict):
        raise MalformedScenario(request_id, "attempt must be an object")
    recipient = data.get("recipient")
    if not isinstance(recipient, str) or not recipient:
        raise MalformedScenario(request_id, "attempt.recipient must be a non-empty string")
    return Attempt(
        channel=cast(Channel, _choice(data, "channel", CHANNELS, request_id)),
        recipient=recipient,
        recipient_role=cast(
            RecipientRole, _choice(data, "recipient_role", RECIPIENT_ROLES, request_id)
        ),
        purpose=cast(Purpose, _choice(data, "purpose", PURPOSES, request_id)),
        recipient_timezone=_text(data.get("recipient_timezone")),
        debt=_text(data.get("debt")),
        collector_certified=_boolean(data.get("collector_certified")),
        content=_text(data.get("content")),
    )


def _choice(
    data: Mapping[str, object], key: str, choices: tuple[str, ...], request_id: str | int
) -> str:
    value = data.get(key)
    if not isinstance(value, str) or value not in choices:
        raise MalformedScenario(
            request_id, f"attempt.{key} must be one of {', '.join(choices)}; got {value!r}"
        )
    return value


def _history(data: object) -> tuple[tuple[HistoryEntry, ...], tuple[str, ...]]:
    if not isinstance(data, list):
        return (), ()
    entries: list[HistoryEntry] = []
    gaps: list[str] = []
    for index, item in enumerate(data):
        entry = _history_entry(item)
        if entry is None:
            # An entry that cannot be placed could be the call that reaches a cap: the gate
            # does not guess (fail closed).
            gaps.append(f"history[{index}]")
        else:
            entries.append(entry)
    return tuple(entries), tuple(gaps)


def _history_entry(data: object) -> HistoryEntry | None:
    if not isinstance(data, dict):
        return None
    at = parse_instant(data.get("at"))
    channel, outcome, recipient = data.get("channel"), data.get("outcome"), data.get("recipient")
    if at is None or channel not in CHANNELS or outcome not in OUTCOMES:
        return None
    if not isinstance(recipient, str) or not recipient:
        return None
    return HistoryEntry(
        at=at,
        channel=cast(Channel, channel),
        recipient=recipient,
        outcome=cast(Outcome, outcome),
        debt=_text(data.get("debt")),
    )


def _holds(data: object) -> tuple[str, ...]:
    if not isinstance(data, list):
        return ()
    # Every entry is a hold, even one that is not a string: an unreadable hold still
    # says someone asked to stop, so it blocks (fail closed).
    return tuple(item if isinstance(item, str) else repr(item) for item in data)


def _strings(data: object) -> list[str]:
    if not isinstance(data, list):
        return []
    return [item for item in data if isinstance(item, str)]


def _integer(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _boolean(value: object) -> bool | None:
    return value if isinstance(value, bool) else None


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _request_id(data: Mapping[str, object]) -> str | int | None:
    value = data.get("id")
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    return value
