"""Request and response bodies of the consent API (`tactful/consent/api.py`).

Evidence has a fixed shape (a method from a list and the lender's own reference, which may
not hold a phone, ID or card number), so it cannot carry free-form personal data.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from ninja import Schema
from pydantic import AfterValidator, AwareDatetime, Field

from tactful.api.schemas import CountryCode, InputSchema, NameText, ShortText
from tactful.consent.selectors import ContactStatus
from tactful.consent.services import MAX_NAME_LENGTH, MAX_SCOPE_LENGTH

PurposeName = Literal[
    "own_number_contact",
    "designate_emergency_contact",
    "locate_via_emergency_contact",
    "channel_sms",
    "channel_email",
    "channel_push",
    "auto_debit",
    "agency_sharing",
]
LanguageName = Literal["zh-hans", "zh-hant", "en"]
RelationshipName = Literal["parent", "spouse", "sibling", "child", "friend", "colleague", "other"]
EvidenceMethod = Literal[
    "app_session", "web_session", "sms_code", "recorded_call", "signed_form", "in_person"
]

EVIDENCE_REFERENCE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$"
# Phone, national ID and card numbers are ten digits or more; a reference may carry a date
# or a counter, never one of those.
_LONGEST_DIGIT_RUN = 9
_DIGIT_RUN = re.compile(rf"[0-9]{{{_LONGEST_DIGIT_RUN + 1},}}")
MAX_NOTICE_VERSION = 1_000_000
EXPIRY_YEARS = range(1970, 2999)


def _no_number_in_it(value: str) -> str:
    if _DIGIT_RUN.search(value):
        raise ValueError(
            f"must be your own reference, not a phone, ID or card number: at most "
            f"{_LONGEST_DIGIT_RUN} digits in a row"
        )
    return value


def _plausible_expiry(value: datetime) -> datetime:
    # Instants at the ends of the calendar overflow when converted to UTC for storage.
    if value.year not in EXPIRY_YEARS:
        raise ValueError(f"must be in the years {EXPIRY_YEARS.start} to {EXPIRY_YEARS.stop - 1}")
    return value


EvidenceReference = Annotated[
    str,
    Field(
        pattern=EVIDENCE_REFERENCE_PATTERN,
        description=(
            "Your own reference of the session, call or form (letters, digits and . _ : -, "
            f"at most 64, at most {_LONGEST_DIGIT_RUN} digits in a row). Never personal data."
        ),
        examples=["sess-7f3a9c"],
    ),
    AfterValidator(_no_number_in_it),
]
ScopeText = Annotated[NameText, Field(max_length=MAX_SCOPE_LENGTH)]
ContactName = Annotated[NameText, Field(max_length=MAX_NAME_LENGTH)]
NoticeVersionNumber = Annotated[int, Field(ge=1, le=MAX_NOTICE_VERSION)]
ExpiryTime = Annotated[AwareDatetime, AfterValidator(_plausible_expiry)]


class EvidenceIn(InputSchema):
    """How the lender identified the person; a fixed shape, so it cannot carry free text."""

    method: EvidenceMethod = Field(
        description="app_session or web_session: signed in to your app or site; sms_code: "
        "a one-time code sent to their own number; recorded_call: said so on a recorded "
        "call; signed_form: a signed form; in_person: at a branch."
    )
    reference: EvidenceReference


class ConsentEventIn(InputSchema):
    purpose: PurposeName
    action: Literal["grant", "withdraw"]
    language: LanguageName = Field(description="The language of the notice the person was shown.")
    notice_version: NoticeVersionNumber | None = Field(
        default=None,
        description="The notice version the person was shown. Required to grant, and it must "
        "be the current one (`GET /consent/notices`); a withdrawal may omit it and is never "
        "refused for an older version.",
    )
    scope: ScopeText | None = Field(
        default=None,
        description="Only for `agency_sharing`, and required there: the agency's name.",
    )
    expires_at: ExpiryTime | None = Field(
        default=None, description="Only to grant: when the consent lapses; in the future."
    )
    evidence: EvidenceIn


class EmergencyContactIn(InputSchema):
    phone: ShortText = Field(examples=["+8613100001234"])
    phone_region: CountryCode | None = Field(
        default=None, description="Region of a number written without +country code."
    )
    relationship: RelationshipName
    language: LanguageName = Field(
        description="The borrower's language, and the one the invitation is written in."
    )
    name: ContactName | None = Field(default=None, description="Kept encrypted; never returned.")
    evidence: EvidenceIn = Field(
        description="How the borrower was identified: the designation records their consents "
        "to name the contact and to be reached through them, on the current notices."
    )


class TranslationOut(Schema):
    language: str
    title: str
    text: str


class NoticeOut(Schema):
    purpose: str
    version: int
    published_at: datetime
    translations: list[TranslationOut]


class NoticesOut(Schema):
    notices: list[NoticeOut]


class ConsentEventOut(Schema):
    reference: UUID
    subject: Literal["borrower", "emergency_contact"]
    emergency_contact: UUID | None = Field(
        description="The designation whose person answered, for subject `emergency_contact`."
    )
    purpose: str
    scope: str
    action: Literal["grant", "withdraw"]
    notice_version: int
    language: str
    channel: str
    evidence: dict[str, Any]
    recorded_at: datetime
    expires_at: datetime | None


class ConsentEventsOut(Schema):
    borrower_external_id: str
    events: list[ConsentEventOut]


class ConsentStateOut(Schema):
    purpose: str
    scope: str
    in_force: bool
    status: Literal["given", "withdrawn", "expired"]
    notice_version: int
    language: str
    channel: str
    recorded_at: datetime = Field(description="When the latest word on it was recorded.")
    expires_at: datetime | None
    event: UUID = Field(description="The reference of that latest event.")


class ConsentsOut(Schema):
    borrower_external_id: str
    consents: list[ConsentStateOut]


class EmergencyContactOut(Schema):
    reference: UUID
    recipient_id: UUID | None = Field(description="For `POST /permits`.")
    phone_masked: str = Field(examples=["131****1234"])
    relationship: str
    language: str
    status: ContactStatus
    designated_at: datetime
    removed_at: datetime | None


class EmergencyContactsOut(Schema):
    borrower_external_id: str
    emergency_contacts: list[EmergencyContactOut]
