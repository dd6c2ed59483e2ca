"""Deploy check of the PII keys."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks

from tactful.privacy.keys import LOCAL_KEY_ID


def check_pii_keys(**kwargs: Any) -> list[checks.CheckMessage]:
    if settings.PII_KEYRING.current != LOCAL_KEY_ID:
        return []
    return [
        checks.Warning(
            "PII_KEYS is not set: personal data is encrypted under keys derived from "
            "SECRET_KEY, so whoever reads SECRET_KEY can read it, and changing SECRET_KEY "
            "makes it unreadable.",
            hint="Set PII_KEYS and PII_INDEX_KEYS (docs/privacy.md, docs/security.md).",
            id="tactful.W003",
        )
    ]
