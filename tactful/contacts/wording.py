"""Words for the gate's reason categories, and times on the recipient's clock."""

from __future__ import annotations

from datetime import UTC, datetime

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tactful.policy.localtime import zone_named

CATEGORY_LABELS: dict[str, str | Promise] = {
    "time_window": _("Time of day"),
    "frequency": _("Too many contacts"),
    "cooling_off": _("Cooling-off period"),
    "third_party": _("Third party"),
    "consent": _("Consent"),
    "hold": _("Hold"),
    "certification": _("Collector certification"),
    "content": _("Message content"),
    "account_state": _("Account state"),
    "data_gap": _("Missing information"),
}


def local_text(instant: datetime, zone_name: str | None) -> str:
    """Write `instant` on the clock of `zone_name` ("2026-03-02 13:30 Asia/Shanghai")."""
    zone = zone_named(zone_name) if zone_name else None
    if zone is None:
        return utc_text(instant)
    return f"{instant.astimezone(zone):%Y-%m-%d %H:%M} {zone_name}"


def utc_text(instant: datetime) -> str:
    return f"{instant.astimezone(UTC):%Y-%m-%d %H:%M} UTC"


def category_labels(categories: list[str]) -> list[str]:
    return [str(CATEGORY_LABELS.get(category, category)) for category in categories]
