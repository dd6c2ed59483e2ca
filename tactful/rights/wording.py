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


# The law behind each pack's retention period, in the reader's words. The pack file states it
# in one language for auditors (`records.retention_basis`); a person reads it translated.
RETENTION_BASES: dict[str, StrOrPromise] = {
    "cn": _("Anti-Money Laundering Law, article 40: kept 5 years after the relationship ends."),
    "us": _("Debt collection and credit reporting law, with state law: kept 7 years."),
    "uk": _("Limitation Act 1980, section 5: kept 6 years."),
    "in": _("Prevention of Money Laundering Act 2002, section 12: kept 5 years."),
    "ph": _("Anti-Money Laundering Act as amended: kept 5 years."),
    "id": _("OJK regulation 22/2023 on record keeping."),
    "ke": _("Data Protection Act 2019, section 39, with tax law: kept 7 years."),
}


def retention_basis_words(pack: str, stated: str) -> str:
    """Return the law behind `pack`'s retention in the reader's words (as stated if unknown)."""
    words = RETENTION_BASES.get(pack)
    return str(words) if words is not None else stated
