"""What I agreed to: who may contact a borrower, when, how often, how, and what is never done.

Read from the rule pack in force (the same compiled pack the gate decides with) and the
borrower's own consents, so the summary cannot drift from what the gate does: a narrower
window in a lender's override shows here the moment it applies.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from tactful.borrowers.models import Borrower
from tactful.consent import selectors
from tactful.consent.facts import CHANNEL_PURPOSES
from tactful.consent.models import ConsentPurpose
from tactful.contacts.packs import configured_pack, opening_hours
from tactful.policy.packs import CompiledPack, Route
from tactful.policy.rules import AccountStateRule, CountRule

# The channels a borrower is contacted on, in the order a person thinks of them.
CHANNELS = ("call", "sms", "push", "email", "letter", "visit")
ALL_WEEK = frozenset(range(7))


@dataclass(frozen=True)
class Cap:
    """At most `limit` contacts of `outcomes` in `days` local days (a cooling-off if kind)."""

    kind: str
    limit: int
    days: int
    outcomes: tuple[str, ...]


@dataclass(frozen=True)
class ChannelTerms:
    channel: str
    used: bool  # False: this channel is never used to collect
    hours: tuple[time, time] | None  # local hours; None: no hours set
    weekdays: tuple[int, ...]  # 0 is Monday; all seven: every day
    holiday_calendars: tuple[str, ...]
    caps: tuple[Cap, ...]
    stopped_by_you: bool  # the borrower withdrew this channel (or all own-number contact)


@dataclass(frozen=True)
class EmergencyContactTerms:
    allowed: bool
    purposes: tuple[str, ...]  # what they may be contacted for (locate: ask you to call back)
    needs_their_acceptance: bool
    only_when_unreachable_days: int | None
    your_consent_in_force: bool


@dataclass(frozen=True)
class Terms:
    pack: str
    version: str
    zone: str | None
    collection_after_days: int | None
    channels: tuple[ChannelTerms, ...]
    emergency_contacts: EmergencyContactTerms
    others_ever: bool  # False: nobody else (colleagues, the address book) is ever contacted
    consents: tuple[selectors.ConsentState, ...]


def terms_for(borrower: Borrower, *, now: datetime) -> Terms:
    """Return what `borrower` agreed to and what the rules allow, as of `now`."""
    pack = configured_pack()
    states = tuple(state for state in selectors.borrower_consents(borrower, now=now))
    own_stopped = selectors.withdrawn(borrower, ConsentPurpose.OWN_NUMBER_CONTACT, now=now)
    return Terms(
        pack=pack.name,
        version=pack.version,
        zone=borrower.time_zone,
        collection_after_days=_collection_after(pack),
        channels=tuple(_channel(pack, channel, own_stopped, borrower, now) for channel in CHANNELS),
        emergency_contacts=_emergency_contacts(pack, borrower, now),
        others_ever=not _always_denied(pack.route("call", "third_party", "locate")),
        consents=tuple(state for state in states if state.in_force),
    )


def _collection_after(pack: CompiledPack) -> int | None:
    rules = [rule for rule, _ in pack.route("call", "debtor", "collection").rules]
    minimums = [rule.minimum for rule in rules if isinstance(rule, AccountStateRule)]
    return max(minimums) if minimums else None


def _channel(
    pack: CompiledPack, channel: str, own_stopped: bool, borrower: Borrower, now: datetime
) -> ChannelTerms:
    route = pack.route(channel, "debtor", "collection")
    window = route.window
    purpose = CHANNEL_PURPOSES.get(channel)
    channel_stopped = purpose is not None and selectors.withdrawn(borrower, purpose, now=now)
    return ChannelTerms(
        channel=channel,
        used=not _always_denied(route),
        hours=opening_hours(channel, "debtor", "collection"),
        weekdays=tuple(sorted(window.weekdays)) if window is not None else (),
        holiday_calendars=tuple(sorted(window.holidays)) if window is not None else (),
        caps=tuple(_cap(rule) for rule in route.counts),
        stopped_by_you=own_stopped or channel_stopped,
    )


def _cap(rule: CountRule) -> Cap:
    return Cap(
        kind=rule.spec.kind, limit=rule.limit, days=rule.days, outcomes=tuple(sorted(rule.outcomes))
    )


def _emergency_contacts(
    pack: CompiledPack, borrower: Borrower, now: datetime
) -> EmergencyContactTerms:
    allowed_purposes = tuple(
        purpose
        for purpose in ("locate", "reminder", "collection")
        if not _always_denied(pack.route("call", "emergency_contact", purpose))
    )
    rules = [rule for rule, _ in pack.route("call", "emergency_contact", "locate").rules]
    unreachable = pack.unreachable_after_unanswered_days
    return EmergencyContactTerms(
        allowed=bool(allowed_purposes),
        purposes=allowed_purposes,
        needs_their_acceptance=pack.spec.records.contact_must_accept,
        only_when_unreachable_days=unreachable
        if any(rule.spec.kind == "unreachable_required" for rule in rules)
        else None,
        your_consent_in_force=selectors.in_force(
            borrower, ConsentPurpose.LOCATE_VIA_EMERGENCY_CONTACT, now=now
        ),
    )


def _always_denied(route: Route) -> bool:
    """Tell whether the route is closed whatever the facts (a denied role or purpose)."""
    return any(always for _, always in route.rules)
