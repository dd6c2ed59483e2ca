"""`/api/v1/verifications`: "Is this message really from us?" for the lender's app and desk.

The same answer as the public `/verify/` page, from the same services: whether a message
carrying a verification code was sent by this lender (when, on which channel, on what
basis), or whether a number that called is one of the lender's. Never anything about a
debt or a person. The page's hourly allowance and lockout hold per API key (the key is the
page's "client"), so no key can be used to enumerate codes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from tactful.api.auth import api_key_of, requires
from tactful.api.keys import actor_of
from tactful.api.schemas import CountryCode, InputSchema, ShortText, error_responses
from tactful.consent import services
from tactful.consent.wording import basis_of
from tactful.errors import InvalidInput

router = Router()

BasisName = Literal["own_account", "emergency_contact", "other"]
# Stable names of `wording.BASIS_BY_ROLE`; never "debtor": a reader would learn of a debt.
_BASIS_BY_ROLE: dict[str, BasisName] = {
    "debtor": "own_account",
    "emergency_contact": "emergency_contact",
}
# Where the page checks a number written without its country code.
DEFAULT_REGION = "CN"
CODE_MAX_LENGTH = 20
NUMBER_MAX_LENGTH = 32


class VerificationIn(InputSchema):
    code: Annotated[ShortText, Field(max_length=CODE_MAX_LENGTH)] | None = Field(
        default=None,
        description="The verification code printed in the message (8 letters and digits; "
        "case, spaces and dashes do not matter).",
        examples=["K7M2Q9XD"],
    )
    number: Annotated[ShortText, Field(max_length=NUMBER_MAX_LENGTH)] | None = Field(
        default=None, description="A number that called or texted.", examples=["+8613100001234"]
    )
    region: CountryCode | None = Field(
        default=None,
        description=f"Only with `number`: its region when written without +country code "
        f"(default {DEFAULT_REGION}).",
    )


class VerificationOut(Schema):
    checked: Literal["code", "number"]
    genuine: bool = Field(
        description="The code is on a message this lender sent, or the number is the lender's."
    )
    sent_at: datetime | None = Field(description="For a genuine code: when it was sent.")
    channel: str | None = Field(description="For a genuine code: `sms`, `call`, `push`, …")
    basis: BasisName | None = Field(
        description="For a genuine code: the message went to the holder of the number about "
        "their own account, to someone named as an emergency contact, or otherwise."
    )
    basis_text: str | None = Field(
        description="The page's words for the basis, in the language of `Accept-Language`."
    )


@router.post(
    "/verifications",
    auth=requires("verifications:read"),
    response={200: VerificationOut, **error_responses(400, 429)},
    operation_id="postVerification",
    summary="Is this message, or this number, really from us?",
    description=(
        "Scope `verifications:read`. Send a `code` or a `number`. A look-up, not an effect: "
        "no `Idempotency-Key`. Counts against the key's hourly allowance (429 "
        "`too_many_lookups`, `locked_out` after 5 unknown codes). 422 `invalid_code`, "
        "`invalid_phone`; an unknown code answers `genuine: false`."
    ),
)
def post_verification(request: HttpRequest, body: VerificationIn) -> VerificationOut:
    _ensure_one_question(body)
    client = actor_of(api_key_of(request))
    if body.code is not None:
        return _check_code(body.code, client)
    return _check_number(body.number or "", body.region or DEFAULT_REGION, client)


def _ensure_one_question(body: VerificationIn) -> None:
    if (body.code is None) == (body.number is None):
        raise InvalidInput({"body": "give either `code` or `number`"})
    if body.code is not None and body.region is not None:
        raise InvalidInput({"region": "only with `number`"})


def _check_code(code: str, client: str) -> VerificationOut:
    # A malformed code is refused (422 `invalid_code`) before any look-up, as on the page.
    attempt = services.check_message(code=code, client=client)
    if attempt is None:
        return VerificationOut(
            checked="code", genuine=False, sent_at=None, channel=None, basis=None, basis_text=None
        )
    role = attempt.recipient.role
    return VerificationOut(
        checked="code",
        genuine=True,
        sent_at=attempt.requested_at,
        channel=attempt.channel,
        basis=_BASIS_BY_ROLE.get(role, "other"),
        basis_text=str(basis_of(role)),
    )


def _check_number(number: str, region: str, client: str) -> VerificationOut:
    try:
        ours = services.is_lender_number(number=number, client=client, region=region)
    except InvalidInput:
        # The service's message quotes the number; an API error never repeats one.
        raise InvalidInput(
            {"number": "not a valid phone number; write it with its +country code or a region"},
            code="invalid_phone",
        ) from None
    return VerificationOut(
        checked="number", genuine=ours, sent_at=None, channel=None, basis=None, basis_text=None
    )
