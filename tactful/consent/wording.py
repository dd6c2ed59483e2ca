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
