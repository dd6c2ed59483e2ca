"""What the gate needs to know from records kept above it, behind a registered port.

Consent is recorded by the consent app, which itself asks the gate before every
invitation it sends; the gate may not import it back. So the consent app registers its
`ConsentSource` here when Django starts (`ConsentConfig.ready`), and the gate asks it.
Without one registered, gathering facts fails, and the gate denies with ``data_gap``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from tactful.contacts.models import Recipient


@dataclass(frozen=True)
class ConsentFacts:
    """The consent facts of one person at one instant.

    `consents`: the names of the consents in force (``emergency_contact`` for a contact
    person who accepted). `stops_contact`: a withdrawal, a refusal or a removal stops
    contact on this channel whatever the pack says.
    """

    consents: frozenset[str]
    stops_contact: bool


class ConsentSource(Protocol):
    def consent_facts(self, recipient: Recipient, *, channel: str, now: datetime) -> ConsentFacts:
        """Return the consent facts of the person `recipient` reaches, at `now`."""
        ...


class NoConsentSource(LookupError):
    """No consent source was registered: the gate cannot know consent, so it denies."""


_source: ConsentSource | None = None


def use_consent_source(source: ConsentSource | None) -> None:
    """Register where the gate reads consent (None forgets it: every contact is denied)."""
    global _source
    _source = source


def consent_source() -> ConsentSource:
    if _source is None:
        raise NoConsentSource("no consent source is registered")
    return _source
