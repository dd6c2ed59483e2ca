"""Words for rights requests that several pages and the data export share."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# The borrower's correction form, the rights desk and the data export name fields alike.
CORRECTABLE_FIELD_LABELS: dict[str, StrOrPromise] = {
    "name": _("Name"),
    "national_id": _("ID number"),
    "phone": _("Phone number"),
    "address": _("Postal address"),
    "language": _("Language"),
    "time_zone": _("Time zone"),
}


def correctable_field_label(field: str) -> str:
    """Name a correctable field as the borrower's correction form does (the key if unknown)."""
    return str(CORRECTABLE_FIELD_LABELS.get(field, field))
