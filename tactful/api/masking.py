"""Masked forms of personal data that the API sends back to integrators.

Integrators sent these values; they need only enough to recognise which one is meant.
"""

from __future__ import annotations

import phonenumbers

_MASK = "****"
_SHOWN_ID_CHARACTERS = 4
# Below this many digits, first-three-plus-last-four would show the whole number.
_SHORTEST_PARTLY_SHOWN_NUMBER = 9


def mask_national_id(national_id: str) -> str:
    """Show only the last four characters: "****002X"."""
    if len(national_id) <= _SHOWN_ID_CHARACTERS:
        return _MASK
    return _MASK + national_id[-_SHOWN_ID_CHARACTERS:]


def mask_phone(e164: str) -> str:
    """Show the first three and last four digits of the national number: "131****6789"."""
    try:
        national = phonenumbers.national_significant_number(phonenumbers.parse(e164))
    except phonenumbers.NumberParseException:
        national = e164.lstrip("+")
    if len(national) < _SHORTEST_PARTLY_SHOWN_NUMBER:
        return _MASK + national[-2:]
    return national[:3] + _MASK + national[-4:]
