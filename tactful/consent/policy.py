"""What the rule pack asks of consent records: emergency-contact limits and retention.

Packs in `tactful.policy` decide single contacts; their ``records`` section holds the
record-keeping terms around them (`RecordTerms`), read here for the configured pack.
"""

from __future__ import annotations

from tactful.contacts.packs import configured_pack, pack_file
from tactful.policy.schema import RecordTerms

PrivacyTerms = RecordTerms


def privacy_terms(pack: str | None = None) -> RecordTerms:
    """Return the record terms of `pack` (default: the configured GATE_PACK)."""
    if pack is None:
        return configured_pack().spec.records
    return pack_file(pack).records
