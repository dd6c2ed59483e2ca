"""Write path for borrowers and their phone numbers."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from enum import StrEnum

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models, transaction
from django.db.models import Model
from django.utils import translation

from tactful.audit.services import record_event
from tactful.borrowers.identifiers import (
    IdentifierError,
    PhoneDetails,
    normalise_national_id,
    normalise_phone,
    validate_time_zone,
)
from tactful.borrowers.models import (
    CORRECTABLE_FIELDS,
    CORRECTION_ATTRIBUTES,
    MAX_ADDRESS_LENGTH,
    Borrower,
    Language,
    PhoneNumber,
    phone_indexes,
)
from tactful.errors import Conflict, InvalidInput


@dataclass(frozen=True)
class BorrowerDetails:
    external_id: str
    name: str
    id_country: str
    national_id: str
    phones: list[str]
    preferred_language: str = Language.SIMPLIFIED_CHINESE
    timezone_override: str = ""
    phone_region: str | None = None
    address: str = ""
    problems: dict[str, str] = field(default_factory=dict, compare=False)


def upsert_borrower(*, details: BorrowerDetails, actor: str) -> tuple[Borrower, bool]:
    """Create or update the borrower with `details.external_id`; return it and whether it is new.

    Everything is validated before anything is written: a bad field stores nothing.
    The first phone number is the primary one.
    """
    national_id, phones = _validated(details)
    with transaction.atomic():
        borrower, created = Borrower.objects.select_for_update().get_or_create(
            external_id=details.external_id,
            defaults=_fields(details, national_id),
        )
        changed = _apply_changes(borrower, details, national_id) if not created else []
        _replace_phones(borrower, phones)
        record_event(
            actor=actor,
            action="borrower.created" if created else "borrower.updated",
            target=borrower,
            payload={"changed": changed} if not created else {},
        )
    return borrower, created


def _validated(details: BorrowerDetails) -> tuple[str, list[PhoneDetails]]:
    problems: dict[str, str] = {}
    national_id = ""
    phones: list[PhoneDetails] = []
    if not details.external_id.strip():
        problems["external_id"] = "must not be empty"
    if not details.name.strip():
        problems["name"] = "must not be empty"
    if details.preferred_language not in Language.values:
        problems["preferred_language"] = f"must be one of {', '.join(Language.values)}"
    try:
        national_id = normalise_national_id(details.id_country, details.national_id)
    except IdentifierError as error:
        problems["national_id"] = error.message
    if not details.phones:
        problems["phones"] = "at least one phone number is required"
    seen: dict[str, int] = {}
    for index, raw in enumerate(details.phones):
        try:
            phone = normalise_phone(raw, details.phone_region)
        except IdentifierError as error:
            problems[f"phones[{index}]"] = error.message
            continue
        if phone.e164 in seen:
            # Written twice, the number would be both the primary and not: refuse it.
            problems[f"phones[{index}]"] = f"the same number as phones[{seen[phone.e164]}]"
            continue
        seen[phone.e164] = index
        phones.append(phone)
    if details.timezone_override:
        try:
            validate_time_zone(details.timezone_override)
        except IdentifierError as error:
            problems["timezone_override"] = error.message
    if len(details.address.strip()) > MAX_ADDRESS_LENGTH:
        problems["address"] = f"at most {MAX_ADDRESS_LENGTH} characters"
    problems.update(_numbers_of_someone_else(details.external_id, phones))
    if problems:
        raise InvalidInput(problems)
    return national_id, phones


def _numbers_of_someone_else(external_id: str, phones: list[PhoneDetails]) -> dict[str, str]:
    # Under every index key: a number still indexed under a previous key is taken too.
    candidates = [set(phone_indexes(phone.e164)) for phone in phones]
    taken = set(
        PhoneNumber.objects.filter(e164_index__in=set().union(*candidates))
        .exclude(borrower__external_id=external_id)
        .values_list("e164_index", flat=True)
    )
    return {
        f"phones[{index}]": "this number is registered to another borrower"
        for index, indexes in enumerate(candidates)
        if indexes & taken
    }


def _fields(details: BorrowerDetails, national_id: str) -> dict[str, str]:
    return {
        "name": details.name.strip(),
        "id_country": details.id_country.lower(),
        "national_id": national_id,
        "preferred_language": details.preferred_language,
        "timezone_override": details.timezone_override,
        "address": details.address.strip(),
    }


def _apply_changes(borrower: Borrower, details: BorrowerDetails, national_id: str) -> list[str]:
    changed = []
    for name, value in _fields(details, national_id).items():
        if getattr(borrower, name) != value:
            setattr(borrower, name, value)
            changed.append(name)
    if changed:
        borrower.save()
    return changed


def _replace_phones(borrower: Borrower, phones: list[PhoneDetails]) -> None:
    # Matched on the number itself, not on its index: a row still under a previous index
    # key is kept and updated (its save re-indexes it), not deleted and made again.
    held = {number.e164: number for number in borrower.phone_numbers.all()}
    wanted = {phone.e164 for phone in phones}
    borrower.phone_numbers.filter(
        pk__in=[number.pk for e164, number in held.items() if e164 not in wanted]
    ).delete()
    borrower.phone_numbers.update(is_primary=False)
    for position, phone in enumerate(phones):
        number = held.get(phone.e164) or PhoneNumber(borrower=borrower, e164=phone.e164)
        number.region = phone.region
        number.time_zone = phone.single_time_zone
        number.is_primary = position == 0
        number.save()
        held[phone.e164] = number


class RevealableField(StrEnum):
    NAME = "name"
    NATIONAL_ID = "national_id"
    PHONE_NUMBERS = "phone_numbers"
    ADDRESS = "address"


MIN_REVEAL_REASON = 10


def reveal_personal_data(*, borrower: Borrower, field_name: str, reason: str, actor: str) -> str:
    """Return one of the borrower's personal values in full and audit who saw it and why.

    The audit event (``pii.revealed``) holds the field and the reason, never the value.
    A missing reason or an unknown field raises InvalidInput and records nothing.
    """
    record_reveal(
        target=borrower,
        field_name=field_name,
        known_fields=[known.value for known in RevealableField],
        reason=reason,
        actor=actor,
    )
    return _full_value(borrower, RevealableField(field_name))


def record_reveal(
    *, target: Model, field_name: str, known_fields: Collection[str], reason: str, actor: str
) -> None:
    """Check a reveal of `field_name` of `target` and audit who asked and why.

    Every page that shows a personal value in full calls this first: the audit event
    (``pii.revealed``) holds the field and the reason, never the value. A reason shorter
    than MIN_REVEAL_REASON or a field outside `known_fields` raises InvalidInput and
    records nothing.
    """
    reason = reason.strip()
    problems: dict[str, str] = {}
    if field_name not in known_fields:
        problems["field"] = f"must be one of {', '.join(known_fields)}"
    if len(reason) < MIN_REVEAL_REASON:
        problems["reason"] = f"say why you need to see it (at least {MIN_REVEAL_REASON} characters)"
    if problems:
        raise InvalidInput(problems)
    record_event(
        actor=actor,
        action="pii.revealed",
        target=target,
        payload={"field": field_name, "reason": reason},
    )


def _full_value(borrower: Borrower, field: RevealableField) -> str:
    if field is RevealableField.PHONE_NUMBERS:
        numbers = borrower.phone_numbers.order_by("-is_primary", "pk")
        return ", ".join(number.e164 for number in numbers)
    return str(getattr(borrower, field.value))


# --- corrections ---------------------------------------------------------------------------
# A data subject's correction applied to the record: the value checked, then written. Each
# correctable field has a rule of its own (an ID number for the borrower's country, a
# phone number, a language as borrowers name it, an IANA time zone) or, for any other
# field, the model field's own validation, so a field made correctable later needs no code
# here. Errors name the field and what is wrong, never the value: they may reach logs.

Normaliser = Callable[[Borrower, str, str], str]


def normalised_correction(borrower: Borrower, field: str, value: str) -> str:
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
        model_field = Borrower._meta.get_field(CORRECTION_ATTRIBUTES.get(field, field))
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


def correct_borrower(*, borrower: Borrower, field: str, value: str) -> None:
    """Write a correction `normalised_correction` returned to the borrower's record."""
    if field == "phone":
        _make_primary_number(borrower, value)
        return
    setattr(borrower, CORRECTION_ATTRIBUTES.get(field, field), value)
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


# --- erasure -------------------------------------------------------------------------------


def anonymise_borrower(*, borrower: Borrower, label: str) -> None:
    """Blank every personal value of `borrower` and drop their numbers; the row stays.

    For erasure once retention has ended: loans, attempts and audit events keep pointing
    at the row, which from then on is known only as `label`.
    """
    borrower.phone_numbers.all().delete()
    borrower.external_id, borrower.name, borrower.national_id = label, "", ""
    borrower.timezone_override = borrower.address = ""
    borrower.save()
