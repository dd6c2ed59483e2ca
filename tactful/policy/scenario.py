"""Read one decision request (a parsed JSON line of ``tactful gate decide``) into values.

Two kinds of trouble, kept apart as the contract says:

* a *malformed* request lacks ``id``, ``now``, ``attempt.channel``, ``attempt.recipient``,
  ``attempt.recipient_role`` or ``attempt.purpose``, or has an unknown value of those
  enums: `MalformedScenario` is raised and the line gets an error object;
* a *missing fact* is anything else absent (or null): it is read as missing, and
  ``decide()`` denies with ``data_gap`` where the attempt needs it;
* a *malformed fact* is one given with the wrong type (``"opted_out": "true"``,
  ``"holds": "complaint"``, a history that is not a list): read as nothing it could mean,
  it denies every attempt with ``data_gap`` naming the field. The gate never guesses
  what a wrongly typed value meant, so no malformed input can allow a contact.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
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
    malformed: list[str] = []
    attempt = _attempt(data.get("attempt"), request_id, malformed)
    facts = parse_facts(data.get("facts"))
    if malformed:
        facts = replace(facts, malformed=(*malformed, *facts.malformed))
    return Scenario(request_id, now, attempt, facts, pack)


def parse_facts(data: object) -> Facts:
    """Return the facts in `data`: absent ones missing, wrongly typed ones malformed."""
    malformed: list[str] = []
    if data is not None and not isinstance(data, dict):
        malformed.append("facts")
    facts = data if isinstance(data, dict) else {}
    history, gaps = _history(facts.get("history"), malformed)
    return Facts(
        days_past_due=_days_past_due(facts.get("days_past_due"), malformed),
        holds=_holds(facts.get("holds"), malformed),
        consents=frozenset(_strings(facts.get("consents"), "consents", malformed)),
        debtor_unreachable=_flag(facts.get("debtor_unreachable"), "debtor_unreachable", malformed),
        opted_out=_flag(facts.get("opted_out"), "opted_out", malformed),
        history=history,
        gaps=gaps,
        malformed=tuple(malformed),
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


def _attempt(data: object, request_id: str | int, malformed: list[str]) -> Attempt:
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
        recipient_timezone=_optional_text(data, "recipient_timezone", malformed),
        debt=_optional_text(data, "debt", malformed),
        collector_certified=_optional_flag(data, "collector_certified", malformed),
        content=_optional_text(data, "content", malformed),
        requested_by_recipient=_optional_flag(data, "requested_by_recipient", malformed) is True,
    )


def _optional_text(data: Mapping[str, object], key: str, malformed: list[str]) -> str | None:
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        malformed.append(key)
        return None
    return value


def _optional_flag(data: Mapping[str, object], key: str, malformed: list[str]) -> bool | None:
    value = data.get(key)
    if value is not None and not isinstance(value, bool):
        malformed.append(key)
        return None
    return value


def _choice(
    data: Mapping[str, object], key: str, choices: tuple[str, ...], request_id: str | int
) -> str:
    value = data.get(key)
    if not isinstance(value, str) or value not in choices:
        raise MalformedScenario(
            request_id, f"attempt.{key} must be one of {', '.join(choices)}; got {value!r}"
        )
    return value


def _history(
    data: object, malformed: list[str]
) -> tuple[tuple[HistoryEntry, ...], tuple[str, ...]]:
    if data is None:
        return (), ()
    if not isinstance(data, list):
        malformed.append("history")
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
    debt = data.get("debt")
    if debt is not None and not isinstance(debt, str):
        return None
    return HistoryEntry(
        at=at,
        channel=cast(Channel, channel),
        recipient=recipient,
        outcome=cast(Outcome, outcome),
        debt=debt,
    )


def _holds(data: object, malformed: list[str]) -> tuple[str, ...]:
    if data is None:
        return ()
    if not isinstance(data, list):
        malformed.append("holds")
        return ()
    # Every entry is a hold, even one that is not a string: an unreadable hold still
    # says someone asked to stop, so it blocks (fail closed).
    return tuple(item if isinstance(item, str) else repr(item) for item in data)


def _strings(data: object, name: str, malformed: list[str]) -> list[str]:
    if data is None:
        return []
    if not isinstance(data, list) or not all(isinstance(item, str) for item in data):
        malformed.append(name)
        return []
    return list(data)


def _days_past_due(value: object, malformed: list[str]) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        malformed.append("days_past_due")
        return None
    return value


def _flag(value: object, name: str, malformed: list[str]) -> bool:
    if value is None:
        return False
    if not isinstance(value, bool):
        malformed.append(name)
        return False
    return value


def _request_id(data: Mapping[str, object]) -> str | int | None:
    value = data.get("id")
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    return value
