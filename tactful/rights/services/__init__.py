"""Write path of data-subject rights: borrowers' requests, the desk's answers, third parties.

Reads (what is held, the desk's lists) are in `tactful.rights.selectors`.
"""

from __future__ import annotations

from tactful.rights.services.borrowers import (
    ERASED,
    MAX_NOTE_LENGTH,
    MAX_VALUE_LENGTH,
    purge_expired_records,
    record_export,
    request_correction,
    request_erasure,
)
from tactful.rights.services.desk import (
    DESK_ROLES,
    MIN_REASON_LENGTH,
    REVEALABLE_PARTS,
    NotRightsStaff,
    complete_correction,
    reject_request,
    reveal,
)
from tactful.rights.services.third_parties import (
    PROOF_MINUTES,
    code_hours,
    erase_number,
    record_number_export,
    request_code,
    request_number_correction,
    stop_all_contact,
    verify_code,
)

__all__ = [
    "DESK_ROLES",
    "ERASED",
    "MAX_NOTE_LENGTH",
    "MAX_VALUE_LENGTH",
    "MIN_REASON_LENGTH",
    "PROOF_MINUTES",
    "REVEALABLE_PARTS",
    "NotRightsStaff",
    "code_hours",
    "complete_correction",
    "erase_number",
    "purge_expired_records",
    "record_export",
    "reject_request",
    "request_code",
    "request_correction",
    "request_erasure",
    "reveal",
    "record_number_export",
    "request_number_correction",
    "stop_all_contact",
    "verify_code",
]
