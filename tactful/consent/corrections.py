"""A borrower's correction applied to their record: the value checked, then written.

The correctable fields (`rights.CORRECTABLE_FIELDS`) are a few of the borrower's own:
each has a rule of its own (an ID number for the borrower's country, a phone number, a
language as borrowers name it, an IANA time zone) or, for any other field, the model
field's own validation, so a field made correctable later needs no code here. Errors
name the field and what is wrong, never the value: they may reach logs.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils import translation

from tactful.borrowers.identifiers import (
    IdentifierError,
    normalise_national_id,
    normalise_phone,
    validate_time_zone,
)
from tactful.borrowers.models import Borrower, Language, PhoneNumber, phone_indexes
from tactful.consent.rights import CORRECTABLE_FIELDS
from tactful.errors import Conflict, InvalidInput

# Correctable fields stored under another name on Borrower.
_ATTRIBUTES = {"language": "preferred_language", "time_zone": "timezone_override"}


def current_value(borrower: Borrower, field: str) -> str:
    """Return what the borrower's record holds now for the correctable `field`."""
    if field == "phone":
        primary = borrower.phone_numbers.filter(is_primary=True).first()
        return primary.e164 if primary else ""
    if field == "time_zone":
        return borrower.time_zone or ""
    return str(getattr(borrower, _ATTRIBUTES.get(field, field), "") or "")


Normaliser = Callable[[Borrower, str, str], str]


def normalised_value(borrower: Borrower, field: str, value: str) -> str:
    """Return `value` as `field` stores it, or raise InvalidInput naming only the field.

    Fields without a rule of their own (a name, and any field added to the correctable
    ones later) are checked by their model field's own validation.
    """
    if field not in CORRECTABLE_FIELDS:
        raise Conflict("field_not_correctable", "this field can no longer be corrected")
    return _NORMALISERS.get(field, _model_value)(borrower, field, value.strip())


def _national_id(borrower: Borrower, field: str, value: str) -> str:
    try:
        return normalise_national_id(borrower.id_country, value)
    except IdentifierError:
        # The validator's message may quote the number: say only what is wrong.
        country = borrower.id_country.upper()
        raise InvalidInput(
            {"value": f"not a valid {country} ID number"}, code="invalid_national_id"
        ) from None


def _phone(borrower: Borrower, field: str, value: str) -> str:
    primary = borrower.phone_numbers.filter(is_primary=True).first()
    try:
        e164 = normalise_phone(value, primary.region if primary else None).e164
    except IdentifierError:
        raise InvalidInput({"value": "not a valid phone number"}, code="invalid_phone") from None
    # Under every index key: a number still indexed under a previous key is taken too.
    others = PhoneNumber.objects.filter(e164_index__in=phone_indexes(e164)).exclude(
        borrower=borrower
    )
    if others.exists():
        raise InvalidInput(
            {"value": "this number is registered to another borrower"}, code="phone_taken"
        )
    return e164


def _language(borrower: Borrower, field: str, value: str) -> str:
    # Borrowers type a language as they name it: a code, or its name in any of our languages.
    wanted = value.casefold()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for language in Language:
                if wanted in (language.value, str(language.label).casefold()):
                    return language.value
    raise InvalidInput({"value": f"one of {', '.join(Language.values)}"}, code="invalid_language")


def _time_zone(borrower: Borrower, field: str, value: str) -> str:
    try:
        return validate_time_zone(value)
    except IdentifierError:
        raise InvalidInput({"value": "not an IANA time zone"}, code="invalid_time_zone") from None


def _model_value(borrower: Borrower, field: str, value: str) -> str:
    try:
        model_field = Borrower._meta.get_field(_ATTRIBUTES.get(field, field))
    except FieldDoesNotExist:
        model_field = None
    if not isinstance(model_field, models.Field):
        raise Conflict("field_not_correctable", "the record has no such field")
    if not value:
        raise InvalidInput({"value": "give the corrected value"})
    try:
        return str(model_field.clean(value, borrower))
    except ValidationError as error:
        raise InvalidInput({"value": "; ".join(error.messages)}) from None


def write_correction(borrower: Borrower, field: str, value: str) -> None:
    if field == "phone":
        _make_primary_number(borrower, value)
        return
    setattr(borrower, _ATTRIBUTES.get(field, field), value)
    # A whole save: blind indexes (the national ID's) are recomputed from the new value.
    borrower.save()


def _make_primary_number(borrower: Borrower, e164: str) -> None:
    # The corrected number replaces the primary one: the old one was wrong, and keeping it
    # would keep texting whoever holds it. Other numbers stay. Rows are matched on the
    # number itself, so one still indexed under a previous key is found too.
    held = {number.e164: number for number in borrower.phone_numbers.all()}
    borrower.phone_numbers.filter(is_primary=True).exclude(
        pk__in=[number.pk for number in held.values() if number.e164 == e164]
    ).delete()
    number = held.get(e164)
    if number is None:
        details = normalise_phone(e164)
        number = PhoneNumber(
            borrower=borrower,
            e164=details.e164,
            region=details.region,
            time_zone=details.single_time_zone,
        )
    number.is_primary = True
    number.save()


_NORMALISERS: dict[str, Normaliser] = {
    "national_id": _national_id,
    "phone": _phone,
    "language": _language,
    "time_zone": _time_zone,
}
