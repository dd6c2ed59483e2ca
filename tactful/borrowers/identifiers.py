"""Validate and normalise the identifiers of a person: phone numbers, ID numbers, time zones."""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType

import phonenumbers
from phonenumbers import timezone as phone_timezones
from stdnum.cn import ric
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.id import nik
from stdnum.in_ import aadhaar
from stdnum.ke import pin
from stdnum.us import ssn

from tactful.time_zones import is_iana_zone


class IdentifierError(ValueError):
    """A phone number, ID number or time zone that cannot be accepted."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


# Country (ISO 3166 alpha-2, lower case) -> python-stdnum module that validates its
# personal ID number. Countries without a module here store the number as given.
NATIONAL_ID_FORMATS: dict[str, ModuleType] = {
    "cn": ric,
    "us": ssn,
    "in": aadhaar,
    "id": nik,
    "ke": pin,
}

_UNKNOWN_ZONE = "Etc/Unknown"


@dataclass(frozen=True)
class PhoneDetails:
    e164: str
    region: str
    time_zones: tuple[str, ...]

    @property
    def single_time_zone(self) -> str | None:
        """Return the number's time zone when the numbering plan pins exactly one."""
        return self.time_zones[0] if len(self.time_zones) == 1 else None


def normalise_phone(raw: str, default_region: str | None = None) -> PhoneDetails:
    """Parse, validate and normalise a phone number to E.164."""
    try:
        number = phonenumbers.parse(raw, default_region.upper() if default_region else None)
    except phonenumbers.NumberParseException:
        # Errors never quote the number: it is personal data, and errors reach logs.
        raise IdentifierError("phone", "not a phone number") from None
    if not phonenumbers.is_valid_number(number):
        raise IdentifierError("phone", "not a valid phone number for its country")
    zones = tuple(z for z in phone_timezones.time_zones_for_number(number) if z != _UNKNOWN_ZONE)
    return PhoneDetails(
        e164=phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
        region=(phonenumbers.region_code_for_number(number) or "").lower(),
        time_zones=zones,
    )


def normalise_national_id(country: str, raw: str) -> str:
    """Validate an ID number for its country and return its compact form."""
    country = country.lower()
    validator = NATIONAL_ID_FORMATS.get(country)
    if validator is None:
        compact = raw.strip()
        if not compact:
            raise IdentifierError("national_id", "the ID number is empty")
        return compact
    try:
        return str(validator.validate(raw))
    except StdnumError as error:
        raise IdentifierError(
            "national_id", f"not a valid {country.upper()} ID number: {error}"
        ) from None


def validate_time_zone(name: str) -> str:
    if not is_iana_zone(name):
        raise IdentifierError("timezone", "not an IANA time zone (such as Asia/Shanghai)")
    return name
