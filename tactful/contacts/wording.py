"""Words for the gate's reason categories, and times on the recipient's clock."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import cast

from tactful.contacts.vocabulary import CATEGORY_LABELS
from tactful.policy.localtime import zone_named
from tactful.policy.types import Category


def local_text(instant: datetime, zone_name: str | None) -> str:
    """Write `instant` on the clock of `zone_name` ("2026-03-02 13:30 Asia/Shanghai")."""
    zone = zone_named(zone_name) if zone_name else None
    if zone is None:
        return utc_text(instant)
    return f"{instant.astimezone(zone):%Y-%m-%d %H:%M} {zone_name}"


def utc_text(instant: datetime) -> str:
    return f"{instant.astimezone(UTC):%Y-%m-%d %H:%M} UTC"


def category_labels(categories: list[str]) -> list[str]:
    """Name each reason category in the reader's words (a name Tactful lacks, as it is)."""
    # A stored reason may name a category this version does not know: it is shown as named.
    return [str(CATEGORY_LABELS.get(cast(Category, name), name)) for name in categories]
