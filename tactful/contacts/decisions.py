"""Decide one permit request: gather the facts, ask the pure gate, fail closed on any error.

`decide_request` is shared by the recorded path (`services.request_permit`) and the dry
run (`preview_permit`), so both give the same answer for the same records. A decision is
made once, in `STORED_LANGUAGE`; each reason carries its message in every language of
the pack (`Reason.messages`), which is how a permit stores it (`stored_reasons`).
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from tactful.contacts.facts import GateInput, PermitRequest, gather_facts_for_channels
from tactful.contacts.packs import pack_at
from tactful.policy import CompiledPack, Decision, decide
from tactful.policy.types import Channel, Language

logger = logging.getLogger(__name__)

STORED_LANGUAGE: Language = "en"
# Channels that need the recipient's phone number.
_PHONE_CHANNELS = frozenset({"call", "sms"})


@dataclass(frozen=True)
class Decided:
    """The gate's answer to a request, with the facts as a permit records them."""

    decision: Decision
    facts: dict[str, Any]
    checked_at: datetime


def decide_request(
    request: PermitRequest,
    *,
    now: datetime,
    pack: CompiledPack | None = None,
    person: list[int] | None = None,
) -> Decided:
    """Return the gate's decision on `request` at `now`; any trouble is a data-gap denial.

    `person` lists the ids of the recipients that reach the same person, when the caller
    has them already (it locked them).
    """
    channel = request.channel
    return _decide_on(request, (channel,), now, pack or pack_at(now), person)[channel]


def preview_permit(request: PermitRequest, *, now: datetime | None = None) -> Decided:
    """Return what the gate would answer now, recording nothing (a dry run)."""
    return decide_request(request, now=now or timezone.now())


def preview_channels(
    request: PermitRequest, channels: Sequence[Channel], *, now: datetime
) -> dict[Channel, Decided]:
    """Return what the gate would answer now for `request` on each channel (dry runs).

    The same answers as `preview_permit` once per channel, with the facts that do not
    depend on the channel read once (the account page asks about a call and a text to
    every recipient). Any trouble denies every channel for a data gap.
    """
    return _decide_on(request, channels, now, pack_at(now), None)


def _decide_on(
    request: PermitRequest,
    channels: Sequence[Channel],
    now: datetime,
    pack: CompiledPack,
    person: list[int] | None,
) -> dict[Channel, Decided]:
    decided: dict[Channel, Decided] = {}
    asked: list[Channel] = []
    for channel in channels:
        missing = _missing_address(replace(request, channel=channel))
        if missing is not None:
            decided[channel] = _denied_for_gap(pack, missing, {"error": f"no {missing}"}, now)
        else:
            asked.append(channel)
    gathered = _gather_or_none(request, asked, now, pack, person) if asked else {}
    for channel in asked:
        found = gathered.get(channel) if gathered is not None else None
        if found is None:
            gap = {"error": "facts could not be gathered"}
            decided[channel] = _denied_for_gap(pack, "facts", gap, now)
            continue
        decision = decide(found.attempt, found.facts, now, pack, language=STORED_LANGUAGE)
        decided[channel] = Decided(decision, found.record(), now)
    return decided


def stored_reasons(decision: Decision) -> list[dict[str, Any]]:
    """Return the reasons as a permit keeps them: the contract's fields plus `messages`."""
    return [{**reason.to_json(), "messages": dict(reason.messages)} for reason in decision.reasons]


def _gather_or_none(
    request: PermitRequest,
    channels: list[Channel],
    now: datetime,
    pack: CompiledPack,
    person: list[int] | None,
) -> dict[Channel, GateInput] | None:
    try:
        # A savepoint: a failed query must not spoil the transaction that records the denial.
        with transaction.atomic():
            return gather_facts_for_channels(request, channels, now=now, pack=pack, person=person)
    except Exception as error:  # the gate fails closed on anything at all
        # The stack without the message: a message may quote personal data.
        stack = "".join(traceback.format_tb(error.__traceback__))
        logger.error("permit facts could not be gathered: %s\n%s", type(error).__name__, stack)
        return None


def _missing_address(request: PermitRequest) -> str | None:
    recipient = request.recipient
    dropped = recipient.role == "debtor" and recipient.phone_number_id is None
    return "phone_number" if dropped and request.channel in _PHONE_CHANNELS else None


def _denied_for_gap(pack: CompiledPack, fact: str, facts: dict[str, Any], now: datetime) -> Decided:
    reason = pack.fail_closed.gap_reason(fact, STORED_LANGUAGE)
    decision = Decision(
        "deny", (reason,), ("data_gap",), None, pack.name, pack.version, pack.digest
    )
    return Decided(decision, facts, now)
