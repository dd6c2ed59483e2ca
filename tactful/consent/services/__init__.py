"""Write path of consent: grants and withdrawals, emergency contacts and their answers.

Every change is an append-only event plus an audit event (ids and names of purposes only,
no personal data), and takes effect at the very next gate decision: nothing is cached.
The borrower's consents are in `consents`, emergency contacts in `emergency_contacts`, the
public verification page in `verification`.
"""

from __future__ import annotations

from tactful.consent.services.consents import (
    BORROWER_PURPOSES,
    LANGUAGES,
    MAX_SCOPE_LENGTH,
    grant_consent,
    record_consent_event,
    withdraw_consent,
)
from tactful.consent.services.emergency_contacts import (
    INVITATION_DAYS,
    MAX_NAME_LENGTH,
    answer_for_number,
    answer_invitation,
    contact_for_invitation,
    contact_phone,
    designate_emergency_contact,
    erase_designations_of_number,
    erase_emergency_contacts,
    forget_masked_numbers,
    invitation_digest,
    invitation_text,
    new_invitation_token,
    refuse_number,
    remove_emergency_contact,
    reveal_contact_number,
    send_due_invitations,
)
from tactful.consent.services.notices import PUBLISHERS, NotAPublisher, publish_notice
from tactful.consent.services.verification import (
    CODE_ALPHABET,
    CODE_LENGTH,
    FAILED_LOOKUPS_BEFORE_LOCKOUT,
    LOCKOUT,
    TooManyLookups,
    check_message,
    is_lender_number,
    stop_messages,
)

__all__ = [
    "BORROWER_PURPOSES",
    "CODE_ALPHABET",
    "CODE_LENGTH",
    "FAILED_LOOKUPS_BEFORE_LOCKOUT",
    "INVITATION_DAYS",
    "LANGUAGES",
    "LOCKOUT",
    "MAX_NAME_LENGTH",
    "MAX_SCOPE_LENGTH",
    "TooManyLookups",
    "answer_for_number",
    "publish_notice",
    "NotAPublisher",
    "PUBLISHERS",
    "send_due_invitations",
    "answer_invitation",
    "check_message",
    "contact_for_invitation",
    "contact_phone",
    "designate_emergency_contact",
    "erase_designations_of_number",
    "erase_emergency_contacts",
    "forget_masked_numbers",
    "grant_consent",
    "invitation_digest",
    "invitation_text",
    "new_invitation_token",
    "is_lender_number",
    "record_consent_event",
    "refuse_number",
    "remove_emergency_contact",
    "reveal_contact_number",
    "stop_messages",
    "withdraw_consent",
]
