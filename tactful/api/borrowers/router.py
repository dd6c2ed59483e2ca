"""`/api/v1/borrowers`: integrators keep their borrowers in sync here."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from tactful.api.auth import api_key_of, requires
from tactful.api.keys import actor_of
from tactful.api.schemas import (
    AddressText,
    CountryCode,
    ExternalIdInPath,
    IdText,
    InputSchema,
    NameText,
    ShortText,
    error_responses,
)
from tactful.borrowers.models import Borrower
from tactful.borrowers.services import BorrowerDetails, upsert_borrower
from tactful.privacy.masking import mask_address, mask_national_id, mask_phone

router = Router()

PhoneText = ShortText


class BorrowerIn(InputSchema):
    name: NameText
    id_country: CountryCode = Field(description="Country that issued the ID (ISO 3166 alpha-2).")
    national_id: IdText = Field(description="Validated for cn, us, in, id and ke.")
    phones: list[PhoneText] = Field(
        min_length=1, max_length=10, description="The first number is the primary one."
    )
    preferred_language: Literal["zh-hans", "zh-hant", "en"] = "zh-hans"
    timezone_override: IdText | None = Field(
        default=None, description="IANA zone, when the primary number does not pin one."
    )
    phone_region: CountryCode | None = Field(
        default=None, description="Region of numbers written without +country code."
    )
    address: AddressText | None = Field(
        default=None,
        description="Postal address, stored encrypted; leaving it out removes a stored one.",
    )


class PhoneOut(Schema):
    masked: str = Field(examples=["131****6789"])
    region: str
    time_zone: str | None
    primary: bool


class BorrowerOut(Schema):
    reference: UUID
    external_id: str
    id_country: str
    national_id_masked: str = Field(examples=["****002X"])
    address_masked: str | None = Field(
        examples=["北京市****"], description="The region only; null when none is held."
    )
    phones: list[PhoneOut]
    preferred_language: str
    timezone_override: str | None
    time_zone: str | None = Field(description="The zone contact rules use; null when unknown.")
    created_at: datetime
    updated_at: datetime


@router.put(
    "/{external_id}",
    auth=requires("borrowers:write"),
    response={200: BorrowerOut, 201: BorrowerOut, **error_responses(400)},
    operation_id="putBorrower",
    summary="Create or update a borrower",
    description=(
        "Scope `borrowers:write`. 201 when created, 200 when updated. The response "
        "masks the national ID, phone numbers and address."
    ),
)
def put_borrower(
    request: HttpRequest, external_id: ExternalIdInPath, body: BorrowerIn
) -> Status[BorrowerOut]:
    borrower, created = upsert_borrower(
        details=BorrowerDetails(
            external_id=external_id,
            name=body.name,
            id_country=body.id_country,
            national_id=body.national_id,
            phones=list(body.phones),
            preferred_language=body.preferred_language,
            timezone_override=body.timezone_override or "",
            phone_region=body.phone_region,
            address=body.address or "",
        ),
        actor=actor_of(api_key_of(request)),
    )
    return Status(201 if created else 200, borrower_out(borrower))


def borrower_out(borrower: Borrower) -> BorrowerOut:
    return BorrowerOut(
        reference=borrower.reference,
        external_id=borrower.external_id,
        id_country=borrower.id_country,
        national_id_masked=mask_national_id(borrower.national_id),
        address_masked=mask_address(borrower.address) or None,
        phones=[
            PhoneOut(
                masked=mask_phone(phone.e164),
                region=phone.region,
                time_zone=phone.time_zone,
                primary=phone.is_primary,
            )
            for phone in borrower.phone_numbers.order_by("-is_primary", "id")
        ],
        preferred_language=borrower.preferred_language,
        timezone_override=borrower.timezone_override or None,
        time_zone=borrower.time_zone,
        created_at=borrower.created_at,
        updated_at=borrower.updated_at,
    )
