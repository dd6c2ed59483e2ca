"""Gather the facts the gate decides on, from the records: never typed in by anyone.

Each fact, and where it comes from (docs/contacts.md, "Facts", says the same):

* ``recipient_timezone``: the borrower's stated zone, else the zone the number's
  numbering plan pins; None when neither is known (the gate denies: data_gap).
* ``days_past_due``: `loan_status(loan, as_of=<today in the recipient's zone>)`;
  None without a loan or a zone.
* ``holds``: kinds of the holds in force now on the loan, or on any recipient that
  reaches the same person.
* ``opted_out``: an opt-out recorded for any recipient that reaches the same person.
* ``consents``: derived from the consent records (through `tactful.contacts.ports`); own
  numbers need none, but a withdrawal or a refusal counts as ``opted_out``.
* ``history``: the person's earlier *permitted* attempts, every debt, with their outcome.
  A permit with no outcome reported yet counts as ``connected``: the most conservative
  outcome, so caps and cooling-off hold while a dialer is still calling.
* ``debtor_unreachable``: every number of the debtor is invalid (its latest outcome
  was a permanent failure), or every call to the debtor on N consecutive local days
  since the last answered one went unanswered (N from the pack).
* ``collector_certified``: automated contact counts as certified; a named collector
  needs a certificate valid now; no collector at all is missing (None).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, cast
from uuid import UUID
from zoneinfo import ZoneInfo

from tactful.accounts.models import User
from tactful.borrowers.models import Borrower
from tactful.borrowers.selectors import numbers_of
from tactful.contacts import selectors
from tactful.contacts.models import ContactAttempt, ContactOutcome, Recipient
from tactful.contacts.ports import consent_source
from tactful.errors import InvalidInput
from tactful.loans.models import Loan
from tactful.loans.selectors import loan_status
from tactful.policy import Attempt, CompiledPack, Facts, HistoryEntry, format_instant
from tactful.policy.localtime import zone_named
from tactful.policy.types import CHANNELS, PURPOSES, Channel, Outcome, Purpose
from tactful.policy.types import RecipientRole as Role

# A call that ended so has not reached the person; any other outcome (or none yet) has.
UNANSWERED: frozenset[str] = frozenset({"no_answer", "failed"})
# Before an outcome is reported the call may well be connected: count it so.
PENDING_OUTCOME: Outcome = "connected"


@dataclass(frozen=True)
class PermitRequest:
    """What someone asks to do: contact `recipient` on `channel` for `purpose`.

    The one shape of a permit request from the API (or a page, or Tactful's own messages)
    to the decision, and the one place it is checked: a request that makes no sense
    cannot be made (InvalidInput, naming each field). A request the rules refuse is
    another matter: it is made, decided and recorded as a denial.

    `automated` means no person makes the contact (Tactful's own texts, an automated
    reminder): it needs no certified collector, and has none. `requested_by_recipient`
    means the person asked for this very message that moment (a sign-in code): only
    Tactful's own automated service texts answer such a request.
    """

    loan: Loan | None
    recipient: Recipient
    channel: Channel
    purpose: Purpose
    collector: User | None = None
    automated: bool = False
    content: str | None = None
    requested_by_recipient: bool = False

    def __post_init__(self) -> None:
        problems: dict[str, str] = {}
        if self.channel not in CHANNELS:
            problems["channel"] = f"must be one of {', '.join(CHANNELS)}"
        if self.purpose not in PURPOSES:
            problems["purpose"] = f"must be one of {', '.join(PURPOSES)}"
        if self.loan is not None and self.loan.borrower_id != self.recipient.borrower_id:
            problems["loan"] = "this loan is not owed by the borrower this recipient belongs to"
        if self.automated and self.collector is not None:
            problems["collector"] = "an automated contact has no collector"
        if self.requested_by_recipient is not False and not (
            self.requested_by_recipient is True and self.purpose == "service" and self.automated
        ):
            problems["requested_by_recipient"] = (
                "only an automated service message can answer the recipient's own request"
            )
        if problems:
            raise InvalidInput(problems)


@dataclass(frozen=True)
class GateInput:
    """What the pure gate decides on: the attempt and the facts, read from the records."""

    attempt: Attempt
    facts: Facts

    def record(self) -> dict[str, Any]:
        """Return the facts as a permit records them: ids, counts, flags, no personal data."""
        return facts_record(self.attempt, self.facts)


def person_key(recipient: Recipient) -> str:
    """Return the gate's name for the person `recipient` reaches (caps count per person)."""
    if recipient.is_own_number:
        return borrower_person_key(recipient.borrower.reference)
    return f"recipient:{recipient.public_id}"


def borrower_person_key(reference: UUID) -> str:
    """Return the gate's name for the borrower of this reference, whichever own number."""
    return f"borrower:{reference}"


def debt_key(loan: Loan | None) -> str | None:
    return str(loan.reference) if loan is not None else None


def gather_facts(
    request: PermitRequest,
    *,
    now: datetime,
    pack: CompiledPack,
    person: list[int] | None = None,
) -> GateInput:
    """Read every fact the gate needs for `request` at `now` from the database.

    `person`: the ids of the recipients that reach the same person, if already known.
    """
    gathered = gather_facts_for_channels(
        request, (request.channel,), now=now, pack=pack, person=person
    )
    return gathered[request.channel]


def gather_facts_for_channels(
    request: PermitRequest,
    channels: Iterable[Channel],
    *,
    now: datetime,
    pack: CompiledPack,
    person: list[int] | None = None,
) -> dict[Channel, GateInput]:
    """Read the facts for `request` made on each of `channels`, the shared ones once.

    Only consent depends on the channel; the history, holds, days overdue, reachability
    and the collector's certificate are about the person, the debt and the collector.
    """
    recipient = request.recipient
    zone = zone_named(recipient.time_zone) if recipient.time_zone else None
    if person is None:
        person = sorted(selectors.same_person_ids(recipient))
    history = person_history(recipient, person, now=now)
    days_past_due = _days_past_due(request.loan, zone, now)
    holds = _hold_kinds(request.loan, person, now)
    unreachable = _debtor_unreachable(recipient, pack, now)
    opted_out = selectors.opted_out(recipient_ids=person, now=now)
    certified = _collector_certified(request, now)
    gathered: dict[Channel, GateInput] = {}
    for channel in channels:
        consent = consent_source().consent_facts(recipient, channel=channel, now=now)
        facts = Facts(
            days_past_due=days_past_due,
            holds=holds,
            consents=consent.consents,
            debtor_unreachable=unreachable,
            opted_out=opted_out or consent.stops_contact,
            history=history,
        )
        attempt = Attempt(
            channel=channel,
            recipient=person_key(recipient),
            recipient_role=cast(Role, recipient.role),
            purpose=request.purpose,
            recipient_timezone=zone.key if zone is not None else None,
            debt=debt_key(request.loan),
            collector_certified=certified,
            content=request.content,
            requested_by_recipient=request.requested_by_recipient,
        )
        gathered[channel] = GateInput(attempt, facts)
    return gathered


def person_history(
    recipient: Recipient, person: list[int], *, now: datetime
) -> tuple[HistoryEntry, ...]:
    """Return the permitted attempts to the person at or before `now`, oldest first."""
    rows = (
        ContactAttempt.objects.filter(
            recipient_id__in=person, decision="allow", requested_at__lte=now
        )
        .order_by("requested_at", "pk")
        .values_list("requested_at", "channel", "loan__reference", "outcome__outcome")
    )
    key = person_key(recipient)
    return tuple(
        HistoryEntry(
            at=at,
            channel=cast(Channel, channel),
            recipient=key,
            outcome=cast(Outcome, outcome or PENDING_OUTCOME),
            debt=str(debt) if debt is not None else None,
        )
        for at, channel, debt, outcome in rows
    )


def _days_past_due(loan: Loan | None, zone: ZoneInfo | None, now: datetime) -> int | None:
    if loan is None or zone is None:
        return None
    return loan_status(loan, as_of=now.astimezone(zone).date()).days_past_due


def _hold_kinds(loan: Loan | None, person: list[int], now: datetime) -> tuple[str, ...]:
    holds = selectors.active_holds(loan=loan, recipient_ids=person, now=now)
    return tuple(holds.values_list("kind", flat=True))


def _collector_certified(request: PermitRequest, now: datetime) -> bool | None:
    if request.automated:
        return True
    if request.collector is None:
        return None
    return selectors.holds_valid_certification(request.collector, now=now)


def _debtor_unreachable(recipient: Recipient, pack: CompiledPack, now: datetime) -> bool:
    # Only contact persons are governed by it; asking about the debtor costs queries for
    # nothing, and False is the value that opens no door.
    if recipient.role in ("debtor", "guarantor"):
        return False
    return debtor_unreachable(recipient.borrower, pack=pack, now=now)


def debtor_unreachable(borrower: Borrower, *, pack: CompiledPack, now: datetime) -> bool:
    """Return True when the borrower cannot be reached on any of their own numbers."""
    if every_number_invalid(borrower):
        return True
    days = pack.unreachable_after_unanswered_days
    zone = zone_named(borrower.time_zone or "")
    if days is None or zone is None:
        return False
    calls = ContactAttempt.objects.filter(
        recipient__borrower=borrower,
        recipient__role="debtor",
        decision="allow",
        channel="call",
        requested_at__lte=now,
    ).values_list("requested_at", "outcome__outcome")
    return unanswered_days_in_a_row(calls, zone) >= days


def every_number_invalid(borrower: Borrower) -> bool:
    """Return True when the latest outcome reported on each number was a permanent failure."""
    numbers = set(numbers_of(borrower).values_list("pk", flat=True))
    rows = (
        ContactOutcome.objects.filter(attempt__recipient__phone_number__in=numbers)
        .order_by("-reported_at", "-pk")
        .values_list("attempt__recipient__phone_number", "permanent_failure")
    )
    latest: dict[int, bool] = {}
    for number, permanent in rows:
        latest.setdefault(number, permanent)
    return bool(numbers) and all(latest.get(number, False) for number in numbers)


def unanswered_days_in_a_row(calls: Iterable[tuple[datetime, str | None]], zone: ZoneInfo) -> int:
    """Return the longest run of consecutive local days on which every call went unanswered.

    Only days after the last day with an answered call count. A call with no outcome yet
    counts as answered (conservative: being unreachable opens the door to contact persons).
    """
    ordered = sorted(calls, key=lambda call: call[0])
    answered = [at for at, outcome in ordered if (outcome or PENDING_OUTCOME) not in UNANSWERED]
    since = answered[-1].astimezone(zone).date() if answered else date.min
    local_days = {at.astimezone(zone).date() for at, _ in ordered}
    return _longest_run(sorted(day for day in local_days if day > since))


def _longest_run(days: list[date]) -> int:
    longest = current = 0
    previous: date | None = None
    for day in days:
        current = current + 1 if previous is not None and day - previous == timedelta(1) else 1
        longest = max(longest, current)
        previous = day
    return longest


def facts_record(attempt: Attempt, facts: Facts) -> dict[str, Any]:
    """Return the facts as a permit records them: ids, counts, flags, no personal data."""
    return {
        "recipient": attempt.recipient,
        "recipient_role": attempt.recipient_role,
        "recipient_timezone": attempt.recipient_timezone,
        "debt": attempt.debt,
        "collector_certified": attempt.collector_certified,
        "days_past_due": facts.days_past_due,
        "holds": list(facts.holds),
        "consents": sorted(facts.consents),
        "opted_out": facts.opted_out,
        "debtor_unreachable": facts.debtor_unreachable,
        "history": [
            [format_instant(entry.at), entry.channel, entry.outcome] for entry in facts.history
        ],
    }
