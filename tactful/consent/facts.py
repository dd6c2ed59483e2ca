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
    from tactful.consent.models import EmergencyContact
    from tactful.consent.selectors import ConsentState
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
    """The gate's `ConsentSource`: consent derived from this app's records.

    Each call reads the borrower's consent events once (and, for an emergency contact,
    their answer and any refusal of the number once): the account page asks for several
    channels of several people, and every read is a query.
    """

    def consent_facts(self, recipient: Recipient, *, channel: str, now: datetime) -> ConsentFacts:
        borrower_states = selectors.borrower_consents(recipient.borrower, now=now)
        if recipient.emergency_contact is None:
            return _own_number_facts(borrower_states, channel=channel)
        return _emergency_contact_facts(recipient, borrower_states, now=now)


def _own_number_facts(states: list[ConsentState], *, channel: str) -> ConsentFacts:
    withdrawn = {state.purpose for state in states if state.withdrawn}
    channel_purpose = CHANNEL_PURPOSES.get(channel)
    return ConsentFacts(
        consents=frozenset(state.purpose for state in states if state.in_force),
        stops_contact=ConsentPurpose.OWN_NUMBER_CONTACT in withdrawn
        or (channel_purpose is not None and channel_purpose in withdrawn),
    )


def _emergency_contact_facts(
    recipient: Recipient, borrower_states: list[ConsentState], *, now: datetime
) -> ConsentFacts:
    contact = recipient.emergency_contact
    assert contact is not None
    answer = selectors.contact_consent(contact, now=now)
    stopped = _contact_stopped(contact, answer, borrower_states, now=now)
    reachable = answer is not None and answer.in_force and not stopped
    return ConsentFacts(
        consents=frozenset({EMERGENCY_CONTACT_CONSENT}) if reachable else frozenset(),
        stops_contact=stopped,
    )


def _contact_stopped(
    contact: EmergencyContact,
    answer: ConsentState | None,
    borrower_states: list[ConsentState],
    *,
    now: datetime,
) -> bool:
    if contact.removed_at is not None and contact.removed_at <= now:
        return True
    if answer is not None and answer.withdrawn:
        return True
    granted = {state.purpose for state in borrower_states if state.in_force and not state.scope}
    if not all(purpose in granted for purpose in _BORROWER_PURPOSES_FOR_CONTACTS):
        return True
    return selectors.number_refused(*selectors.contact_phone_indexes(contact))
