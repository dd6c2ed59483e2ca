"""The consent facts the contact gate reads through its port (`tactful.contacts.ports`).

* Own numbers: ``consents`` names every purpose the borrower consents to now. Contact on
  own numbers rests on the loan contract and needs no consent, but an explicit withdrawal
  (of own-number contact, or of one electronic channel) stops it: ``stops_contact``.
* Emergency contacts: ``emergency_contact`` is in ``consents`` only while the person
  accepted, and the borrower's consents to name them and to reach them through them hold.
  A refusal of the number (for every borrower), a removal by the borrower, or the
  borrower's withdrawal stops contact whatever the pack says.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from tactful.consent import selectors
from tactful.consent.models import ConsentPurpose
from tactful.contacts.ports import ConsentFacts

if TYPE_CHECKING:
    from tactful.contacts.models import Recipient

EMERGENCY_CONTACT_CONSENT = "emergency_contact"
CHANNEL_PURPOSES = {
    "sms": ConsentPurpose.CHANNEL_SMS,
    "email": ConsentPurpose.CHANNEL_EMAIL,
    "push": ConsentPurpose.CHANNEL_PUSH,
}
_BORROWER_PURPOSES_FOR_CONTACTS = (
    ConsentPurpose.DESIGNATE_EMERGENCY_CONTACT,
    ConsentPurpose.LOCATE_VIA_EMERGENCY_CONTACT,
)


class ConsentRecords:
    """The gate's `ConsentSource`: consent derived from this app's records."""

    def consent_facts(self, recipient: Recipient, *, channel: str, now: datetime) -> ConsentFacts:
        return ConsentFacts(
            consents=consents(recipient, now=now),
            stops_contact=stops_contact(recipient, channel=channel, now=now),
        )


def consents(recipient: Recipient, *, now: datetime) -> frozenset[str]:
    """Return the names of the consents in force for the person `recipient` reaches."""
    contact = recipient.emergency_contact
    if contact is None:
        states = selectors.borrower_consents(recipient.borrower, now=now)
        return frozenset(state.purpose for state in states if state.in_force)
    if _contact_may_be_reached(recipient, now):
        return frozenset({EMERGENCY_CONTACT_CONSENT})
    return frozenset()


def stops_contact(recipient: Recipient, *, channel: str, now: datetime) -> bool:
    """Return True when a withdrawal, refusal or removal stops contact with this person."""
    contact = recipient.emergency_contact
    borrower = recipient.borrower
    if contact is None:
        channel_purpose = CHANNEL_PURPOSES.get(channel)
        return selectors.withdrawn(borrower, ConsentPurpose.OWN_NUMBER_CONTACT, now=now) or (
            channel_purpose is not None and selectors.withdrawn(borrower, channel_purpose, now=now)
        )
    if contact.removed_at is not None and contact.removed_at <= now:
        return True
    if selectors.number_refused(*selectors.contact_phone_indexes(contact)):
        return True
    answer = selectors.contact_consent(contact, now=now)
    if answer is not None and answer.withdrawn:
        return True
    return not all(
        selectors.in_force(borrower, purpose, now=now)
        for purpose in _BORROWER_PURPOSES_FOR_CONTACTS
    )


def _contact_may_be_reached(recipient: Recipient, now: datetime) -> bool:
    contact = recipient.emergency_contact
    assert contact is not None
    answer = selectors.contact_consent(contact, now=now)
    accepted = answer is not None and answer.in_force
    return accepted and not stops_contact(recipient, channel="", now=now)
