"""Request and response bodies of the rights API (`tactful/api/rights/router.py`).

The export and the contact ledger are answered exactly as the portal's downloads are
written (`rights.export_of`, `evidence.ledger_json`): their schemas name the parts and let
anything a later version adds pass through, and the ledger's times stay the strings the
audit check compares (`tactful audit verify-export`).
"""

from __future__ import annotations

import unicodedata
from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from ninja import Schema
from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field, WithJsonSchema

from tactful.api.consent.schemas import EvidenceIn
from tactful.api.schemas import InputSchema, NameText
from tactful.borrowers.models import CORRECTABLE_FIELDS
from tactful.rights.services import MAX_NOTE_LENGTH, MAX_VALUE_LENGTH

RightsStatusName = Literal["received", "partly_erased", "completed", "rejected"]
# Line breaks belong in a note; other control characters never do.
_ALLOWED_CONTROLS = frozenset("\n\r\t")


def _correctable(value: str) -> str:
    if value not in CORRECTABLE_FIELDS:
        raise ValueError(f"must be one of {', '.join(CORRECTABLE_FIELDS)}")
    return value


def _note_text(value: object) -> object:
    if isinstance(value, str) and any(
        unicodedata.category(char) in {"Cc", "Cs"} and char not in _ALLOWED_CONTROLS
        for char in value
    ):
        raise ValueError("must not contain control characters other than line breaks")
    return value


CorrectableField = Annotated[
    str,
    AfterValidator(_correctable),
    WithJsonSchema({"type": "string", "enum": list(CORRECTABLE_FIELDS)}),
]
CorrectedValue = Annotated[NameText, Field(max_length=MAX_VALUE_LENGTH)]
NoteText = Annotated[str, BeforeValidator(_note_text), Field(max_length=MAX_NOTE_LENGTH)]


class RightsRequestIn(InputSchema):
    kind: Literal["correction", "erasure"]
    field: CorrectableField | None = Field(
        default=None, description="Only for `correction`, and required there."
    )
    value: CorrectedValue | None = Field(
        default=None,
        description="Only for `correction`, and required there: the corrected value. Kept "
        "encrypted for staff; never returned by this API.",
    )
    note: NoteText | None = Field(
        default=None, description="Only for `correction`: the borrower's note, kept encrypted."
    )
    evidence: EvidenceIn = Field(description="How you identified the borrower who asked.")


class EvidenceOut(Schema):
    method: str
    reference: str


class RightsRequestOut(Schema):
    reference: UUID
    kind: str = Field(description="`export`, `correction` or `erasure`.")
    field: str | None = Field(description="The field a correction is about; never its value.")
    status: RightsStatusName
    channel: Literal["portal", "api"] = Field(
        description="Where the borrower asked: the portal, or your app through this API."
    )
    requested_at: datetime
    status_changed_at: datetime = Field(description="When the current status was recorded.")
    rejection_reason: str | None = Field(
        description="Staff's reason, for status `rejected` only; written for the borrower."
    )
    evidence: EvidenceOut | None = Field(description="Yours, for requests made through the API.")


class RightsRequestsOut(Schema):
    borrower_external_id: str
    rights_requests: list[RightsRequestOut]


class SignatureOut(Schema):
    """An Ed25519 signature over the document without this member (docs/security.md)."""

    algorithm: str = Field(examples=["Ed25519"])
    key_id: str
    public_key: str = Field(description="Base64; compare with the key /verify/ publishes.")
    fingerprint: str = Field(examples=["SHA256:MOxG+Wm6FFIq4ERoVPyGTw"])
    value: str = Field(description="The signature, base64.")


class SequenceRangeOut(Schema):
    first: int
    last: int


class PersonalDataOut(Schema):
    """Everything held about the borrower, decrypted: the portal's `my-data.json`."""

    model_config = ConfigDict(extra="allow")

    format: str = Field(examples=["tactful.data-export/1"])
    generated_at: str
    borrower: dict[str, Any]
    loans: list[dict[str, Any]]
    consent_events: list[dict[str, Any]]
    emergency_contacts: list[dict[str, Any]]
    contact_ledger: list[dict[str, Any]]
    rights_requests: list[dict[str, Any]]
    signature: SignatureOut


class AuditLinkOut(Schema):
    sequence: int
    hash: str
    previous_hash: str
    payload_digest: str


class LedgerEntryOut(Schema):
    model_config = ConfigDict(extra="allow")

    verification_code: str
    permit_id: str
    requested_at: str = Field(description="ISO 8601 with offset, exactly as the audit check reads.")
    local_time: str = Field(description="In the borrower's time zone, for reading.")
    who: str = Field(description="The collector's name masked to one character, or the system.")
    channel: str
    recipient: str = Field(description="The borrower or their emergency contact, number masked.")
    decision: Literal["allow", "deny"]
    categories: list[str]
    reasons: list[str]
    outcome: str
    audit: AuditLinkOut | None = Field(description="The permit's event in the audit chain.")


class ContactLedgerOut(Schema):
    """The portal's `evidence.json`; `tactful audit verify-export` checks it."""

    model_config = ConfigDict(extra="allow")

    format: str = Field(examples=["tactful.contact-ledger/1"])
    generated_at: str
    language: str = Field(examples=["zh-hans"])
    entry_count: int
    sequence_range: SequenceRangeOut | None = Field(
        description="The audit sequences the entries span; null without entries."
    )
    entries: list[LedgerEntryOut]
    signature: SignatureOut
