"""Write path of the privacy app: rotating the encryption keys and the blind-index keys."""

from __future__ import annotations

from tactful.privacy.services.index_rotation import IndexRotationReport, rotate_pii_index_key
from tactful.privacy.services.key_rotation import RotationReport, rotate_pii_keys

__all__ = ["IndexRotationReport", "RotationReport", "rotate_pii_index_key", "rotate_pii_keys"]
