"""Masked forms of personal data that the API sends back to integrators.

Integrators sent these values; they need only enough to recognise which one is meant.
"""

from __future__ import annotations

import re

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


# A Chinese address opens with its province-level unit (北京市, 广东省, 新疆维吾尔自治区).
_LEADING_REGION = re.compile(r"^\s*(\S{1,8}?(?:特别行政区|自治区|省|市))")
_LONGEST_SHOWN_REGION = 20


def mask_address(address: str) -> str:
    """Show only the broad region: "北京市****"; "****, IL" when it comes last; else "****".

    Street, building and postcode are what identify a home: they are never shown.
    """
    text = address.strip()
    if not text:
        return ""
    leading = _LEADING_REGION.match(text)
    if leading:
        return leading.group(1) + _MASK
    parts = [part.strip() for part in text.split(",")]
    region = " ".join(word for word in parts[-1].split() if not any(c.isdigit() for c in word))
    if len(parts) > 1 and region and len(region) <= _LONGEST_SHOWN_REGION:
        return f"{_MASK}, {region}"
    return _MASK
