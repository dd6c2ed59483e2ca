"""What each rule pack asks of consent records: emergency-contact limits and retention.

Packs in `tactful.policy` decide single contacts; these are the record-keeping parameters
around them. Unknown packs get the strictest defaults.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class PrivacyTerms:
    """Per-pack parameters of the consent records."""

    max_emergency_contacts: int
    # The contact's own acceptance is a consent the gate checks (cn, id).
    contact_must_accept: bool
    # How long records a regulator may ask about are kept after the last loan closes.
    retention_years: int
    retention_basis: str


_DEFAULT = PrivacyTerms(2, True, 5, "Tactful default (strictest pack)")
TERMS: dict[str, PrivacyTerms] = {
    "cn": PrivacyTerms(2, True, 5, "反洗钱法 art. 40 (5 years after the relationship ends)"),
    "id": PrivacyTerms(2, True, 5, "POJK 22/2023 (record keeping; confirm locally)"),
    "in": PrivacyTerms(2, False, 5, "PMLA 2002 s. 12 (5 years)"),
    "ke": PrivacyTerms(2, False, 7, "Data Protection Act 2019 s. 39 with tax law (7 years)"),
    "ph": PrivacyTerms(2, False, 5, "AMLA as amended (5 years)"),
    "uk": PrivacyTerms(2, False, 6, "Limitation Act 1980 s. 5 (6 years)"),
    "us": PrivacyTerms(2, False, 7, "FCRA/FDCPA litigation window plus state law (7 years)"),
}


def privacy_terms(pack: str | None = None) -> PrivacyTerms:
    """Return the terms of `pack` (default: the configured GATE_PACK)."""
    return TERMS.get(pack or settings.GATE_PACK, _DEFAULT)
