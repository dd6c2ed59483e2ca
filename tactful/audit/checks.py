"""Deploy checks of the audit trail's keys and checkpoint sink."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks


def check_audit_keys(**kwargs: Any) -> list[checks.CheckMessage]:
    if not settings.AUDIT_KEYS.derived:
        return []
    return [
        checks.Warning(
            "AUDIT_LINK_KEYS and AUDIT_SIGNING_KEY are not set: the audit trail's keys are "
            "derived from SECRET_KEY, so whoever reads SECRET_KEY can forge links and "
            "signatures, and changing SECRET_KEY breaks the chain.",
            hint="Generate both with `tactful audit new-keys` (docs/security.md).",
            id="tactful.W002",
        )
    ]
