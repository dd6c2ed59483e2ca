"""Field types and schemas shared by every router of `/api/v1`.

Input types refuse what could only be a mistake (a float for money, a negative sum,
a control character in a name) with a message that says what to send instead.
Their OpenAPI schema states the same rules, so clients and fuzzers know them.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from ninja import Path, Schema
from pydantic import (
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    WithJsonSchema,
    field_validator,
)

from tactful import money
from tactful.input_text import PROBLEM, first_bad_path, has_control_characters
from tactful.money.schedule import MAX_ANNUAL_RATE

EXTERNAL_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$"
EXTERNAL_ID_EXAMPLE = "2024-0001"
AMOUNT_PATTERN = r"^[0-9]{1,16}(\.[0-9]+)?$"
# What the OpenAPI states for amounts that must be positive: above zero, and with at most
# two decimals, the most any supported currency has (fewer for some: JPY has none).
POSITIVE_AMOUNT_PATTERN = r"^([1-9][0-9]{0,15}(\.[0-9]{1,2})?|0\.([1-9][0-9]?|0[1-9]))$"
# The calendar the API accepts (EARLIEST_DATE to LATEST_DATE), as the OpenAPI states it.
DATE_PATTERN = r"^(19[7-9][0-9]|2[0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
# Text without control characters (line breaks and tabs allowed): tactful.input_text's rule,
# stated on every string of every request body that has no stricter pattern.
PRINTABLE_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"
RATE_PATTERN = r"^[0-9]{1,2}(\.[0-9]{1,6})?$"
EARLIEST_DATE = date(1970, 1, 1)
LATEST_DATE = date(2999, 12, 31)

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_AMOUNT = re.compile(AMOUNT_PATTERN)
_RATE = re.compile(RATE_PATTERN)
_RATE_PLACES = 6


def _state_printable_strings(schema: dict[str, Any]) -> None:
    for property_schema in schema.get("properties", {}).values():
        for candidate in [property_schema, *property_schema.get("anyOf", [])]:
            unconstrained = not {"pattern", "enum", "format", "const"} & set(candidate)
            if candidate.get("type") == "string" and unconstrained:
                candidate["pattern"] = PRINTABLE_PATTERN
            items = candidate.get("items", {})
            if items.get("type") == "string" and not {"pattern", "enum", "format"} & set(items):
                items["pattern"] = PRINTABLE_PATTERN


class InputSchema(Schema):
    """A request body: unknown fields are refused, so a misspelt field is not silently lost.

    No text anywhere in a body may hold a control character (tactful.input_text); free
    text may hold line breaks and tabs, one-line types (names, identifiers) may not. The
    OpenAPI says so too: every string without a stricter pattern gets PRINTABLE_PATTERN.
    """

    model_config = ConfigDict(extra="forbid", json_schema_extra=_state_printable_strings)

    @field_validator("*", mode="before")
    @classmethod
    def _no_control_characters(cls, value: object) -> object:
        path = first_bad_path(value)
        if path is not None:
            raise ValueError(f"{path}: {PROBLEM}" if path else PROBLEM)
        return value


class ErrorOut(Schema):
    """Every error response."""

    code: str = Field(description="Stable, machine-readable; switch on this.")
    message: str = Field(description="For people; may change.")
    fields: dict[str, str] = Field(description="Field path (dotted) to what is wrong with it.")


def error_responses(*statuses: int) -> dict[int, type[ErrorOut]]:
    """Return the `response=` entries of an operation's errors; every path may be unknown (404)."""
    return dict.fromkeys(sorted({401, 403, 404, 422, *statuses}), ErrorOut)


def _printable(value: object) -> object:
    if isinstance(value, str) and has_control_characters(value, multiline=False):
        raise ValueError(PROBLEM)
    return value


def _not_blank(value: object) -> object:
    if isinstance(value, str) and not value.strip():
        raise ValueError("must not be blank")
    return _printable(value)


def _iso_date(value: object) -> object:
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise ValueError("must be a date written YYYY-MM-DD")
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value} is not a day of the calendar") from None
    if not EARLIEST_DATE <= parsed <= LATEST_DATE:
        raise ValueError(f"must be between {EARLIEST_DATE} and {LATEST_DATE}")
    return parsed


def _optional_iso_date(value: object) -> object:
    return None if value is None else _iso_date(value)


def _amount(value: object) -> Decimal:
    if not isinstance(value, str):
        raise ValueError('must be a string such as "12000.00", not a JSON number')
    if value.startswith("-"):
        raise ValueError("must not be negative")
    if not _AMOUNT.fullmatch(value):
        raise ValueError(
            'must be a decimal number such as "12000.00", with at most 16 whole digits'
        )
    return Decimal(value)


def _positive_amount(value: object) -> Decimal:
    amount = _amount(value)
    if amount <= 0:
        raise ValueError("must be greater than zero")
    return amount


def _rate(value: object) -> Decimal:
    if not isinstance(value, str):
        raise ValueError('must be a string such as "0.18" (18% a year), not a JSON number')
    if value.startswith("-"):
        raise ValueError("must not be negative")
    if not _RATE.fullmatch(value):
        raise ValueError(f'must be a fraction such as "0.18" with at most {_RATE_PLACES} decimals')
    rate = Decimal(value)
    if rate > MAX_ANNUAL_RATE:
        raise ValueError(f"must be between 0 and {MAX_ANNUAL_RATE} (0.18 is 18%)")
    return rate


def _currency(value: object) -> str:
    if not isinstance(value, str) or value not in money.MINOR_UNITS:
        known = ", ".join(sorted(money.MINOR_UNITS))
        raise ValueError(f"must be one of {known}")
    return value


ExternalId = Annotated[
    str,
    Field(
        pattern=EXTERNAL_ID_PATTERN,
        description="Your own identifier: letters, digits and . _ : - (at most 64).",
        examples=[EXTERNAL_ID_EXAMPLE],
    ),
]
ExternalIdInPath = Annotated[
    str,
    Path(
        pattern=EXTERNAL_ID_PATTERN,
        description="Your own identifier: letters, digits and . _ : - (at most 64).",
        examples=[EXTERNAL_ID_EXAMPLE],
    ),
]
ShortText = Annotated[str, BeforeValidator(_not_blank), Field(min_length=1, max_length=80)]
IdText = Annotated[str, BeforeValidator(_not_blank), Field(min_length=1, max_length=64)]
NameText = Annotated[str, BeforeValidator(_not_blank), Field(min_length=1, max_length=200)]
AddressText = Annotated[str, BeforeValidator(_not_blank), Field(min_length=1, max_length=200)]
ReferenceText = Annotated[str, BeforeValidator(_printable), Field(max_length=64)]
ApiDate = Annotated[
    date,
    PlainValidator(_iso_date),
    WithJsonSchema(
        {"type": "string", "format": "date", "pattern": DATE_PATTERN, "examples": ["2025-01-31"]}
    ),
]
OptionalApiDate = Annotated[
    date | None,
    PlainValidator(_optional_iso_date),
    WithJsonSchema(
        {"type": "string", "format": "date", "pattern": DATE_PATTERN, "examples": ["2025-01-31"]}
    ),
]
PositiveAmount = Annotated[
    Decimal,
    PlainValidator(_positive_amount),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": POSITIVE_AMOUNT_PATTERN,
            "description": 'A decimal string above zero in the loan\'s currency, e.g. "500.00".',
            "examples": ["500.00"],
        }
    ),
]
AnnualRate = Annotated[
    Decimal,
    PlainValidator(_rate),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": RATE_PATTERN,
            "description": f"A fraction from 0 to {MAX_ANNUAL_RATE}; 0.18 is 18% a year.",
            "examples": ["0.18"],
        }
    ),
]
Currency = Annotated[
    str,
    PlainValidator(_currency),
    WithJsonSchema({"type": "string", "enum": sorted(money.MINOR_UNITS), "examples": ["CNY"]}),
]
CountryCode = Annotated[str, Field(pattern=r"^[A-Za-z]{2}$", examples=["cn"])]


def amount_text(amount: Decimal, currency: str) -> str:
    """Write an amount with exactly its currency's decimals: "12000.00", "5000" for JPY."""
    return f"{money.to_minor_precision(amount, currency):f}"


def rate_text(rate: Decimal) -> str:
    """Write a rate without trailing zeros: "0.18", "0"."""
    text = f"{rate:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
