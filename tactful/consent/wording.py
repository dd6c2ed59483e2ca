"""Words the consent pages show for records: what a contact was, and on what basis."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# Never the purpose of a contact: "collection" would tell a reader there is a debt.
BASIS_BY_ROLE: dict[str, StrOrPromise] = {
    "debtor": _(
        "A message to the holder of this number about their own account with this lender, "
        "which they agreed to when they opened it."
    ),
    "emergency_contact": _(
        "A message to someone a customer named as their emergency contact. It never "
        "discloses anything about the customer's finances."
    ),
}
OTHER_BASIS = _("A message from this lender.")


def basis_of(role: str) -> StrOrPromise:
    return BASIS_BY_ROLE.get(role, OTHER_BASIS)


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
