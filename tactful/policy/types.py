"""The vocabulary of the contact gate: attempts, facts, history and decisions.

Everything here is a frozen value. Enumerations are plain string literals rather than
``Enum`` classes: ``decide()`` compares and hashes them on every call, and ``str`` does
that in C while ``Enum.__hash__`` runs Python code.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal, get_args

Channel = Literal["call", "sms", "push", "email", "letter", "visit"]
RecipientRole = Literal["debtor", "guarantor", "emergency_contact", "third_party"]
Purpose = Literal["collection", "reminder", "locate", "service"]
Outcome = Literal["connected", "no_answer", "failed", "delivered"]
Category = Literal[
    "time_window",
    "frequency",
    "cooling_off",
    "third_party",
    "consent",
    "hold",
    "certification",
    "content",
    "account_state",
    "data_gap",
]
Verdict = Literal["allow", "deny"]
# The languages a decision is asked in: every rule's messages are in each of them.
Language = Literal["en", "zh-Hans"]
# The languages a rule's messages may be in: those, and Traditional Chinese where a pack
# writes it (its content rules must).
MessageLanguage = Literal["en", "zh-Hans", "zh-Hant"]
# What the content checker may find in a message (`tactful.inspection`'s finding
# categories); a pack has one content rule for each, so a denial says which was found.
ContentFinding = Literal[
    "threat",
    "insult",
    "impersonation",
    "false_legal_claim",
    "exposure_threat",
    "third_party_disclosure",
    "unreadable",
]

CHANNELS: tuple[Channel, ...] = get_args(Channel)
RECIPIENT_ROLES: tuple[RecipientRole, ...] = get_args(RecipientRole)
PURPOSES: tuple[Purpose, ...] = get_args(Purpose)
OUTCOMES: tuple[Outcome, ...] = get_args(Outcome)
VERDICTS: tuple[Verdict, ...] = get_args(Verdict)
CATEGORIES: tuple[Category, ...] = get_args(Category)
LANGUAGES: tuple[Language, ...] = get_args(Language)
MESSAGE_LANGUAGES: tuple[MessageLanguage, ...] = get_args(MessageLanguage)
CONTENT_FINDINGS: tuple[ContentFinding, ...] = get_args(ContentFinding)

# The categories whose block lifts by itself as time passes; next_allowed_at exists only
# when every reason of a denial is one of these.
TIMED_CATEGORIES: frozenset[Category] = frozenset({"time_window", "frequency", "cooling_off"})


@dataclass(frozen=True, slots=True)
class Attempt:
    """A contact someone wants to make. Optional fields are None when not given or unreadable."""

    channel: Channel
    recipient: str
    recipient_role: RecipientRole
    purpose: Purpose
    recipient_timezone: str | None = None
    debt: str | None = None
    collector_certified: bool | None = None
    content: str | None = None
    # The recipient asked for this very message moments ago (a sign-in code they pressed
    # for). Only with purpose ``service``; a time window whose pack exempts such requests
    # then does not hold it back. Anything but True reads as False.
    requested_by_recipient: bool = False


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """An earlier contact attempt and how it ended. ``at`` must be timezone-aware."""

    at: datetime
    channel: Channel
    recipient: str
    outcome: Outcome
    debt: str | None = None
    # Seconds since the epoch, kept beside `at`: the engine compares thousands of these,
    # and comparing floats is several times cheaper than comparing aware datetimes.
    timestamp: float = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.at.tzinfo is None:
            raise ValueError("HistoryEntry.at must be timezone-aware")
        object.__setattr__(self, "timestamp", self.at.timestamp())


@dataclass(frozen=True, slots=True)
class Facts:
    """What is known about the debt and the recipient when the attempt is decided.

    ``gaps`` names facts that were given but could not be read (for instance a history
    entry without a time); the gate treats them as a data gap rather than guess.
    ``malformed`` names facts given with the wrong type (``"opted_out": "true"``, a hold
    given as a string): the whole request is unreadable, and every purpose is denied.
    """

    days_past_due: int | None = None
    holds: tuple[str, ...] = ()
    consents: frozenset[str] = frozenset()
    debtor_unreachable: bool = False
    opted_out: bool = False
    history: tuple[HistoryEntry, ...] = ()
    gaps: tuple[str, ...] = ()
    malformed: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Reason:
    """One violated rule, with the words shown to people.

    `message` is in the language the decision was asked in; `messages` holds it in every
    language the rule is written in, so one decision can be shown to any reader later.
    """

    rule: str
    category: Category
    citation: str
    message: str
    messages: Mapping[MessageLanguage, str] = field(default_factory=dict, compare=False)

    def to_json(self) -> dict[str, str]:
        """Return the reason as the decision contract writes it."""
        return {
            "rule": self.rule,
            "category": self.category,
            "citation": self.citation,
            "message": self.message,
        }


@dataclass(frozen=True, slots=True)
class Decision:
    """The gate's answer: every violated rule, and when the same attempt could pass."""

    verdict: Verdict
    reasons: tuple[Reason, ...]
    categories: tuple[Category, ...]
    next_allowed_at: datetime | None
    pack: str
    pack_version: str
    # The SHA-256 of the pack's rules as read (`CompiledPack.digest`): a version is what a
    # pack says of itself, the digest what it is.
    pack_digest: str = ""

    @property
    def allowed(self) -> bool:
        """Return True when the attempt may go ahead."""
        return self.verdict == "allow"

    def to_json(self) -> dict[str, object]:
        """Return the decision fields of the contract (the caller adds the line's ``id``)."""
        return {
            "decision": self.verdict,
            "categories": list(self.categories),
            "reasons": [reason.to_json() for reason in self.reasons],
            "next_allowed_at": format_instant(self.next_allowed_at),
            "pack": self.pack,
            "pack_version": self.pack_version,
        }


def format_instant(instant: datetime | None) -> str | None:
    """Write an instant as UTC ISO 8601 with a ``Z`` suffix (None stays None)."""
    if instant is None:
        return None
    text = instant.astimezone(UTC).isoformat()
    return text.removesuffix("+00:00") + "Z"
