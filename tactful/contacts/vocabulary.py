"""The gate's vocabulary in people's words: a label for every name `tactful.policy.types` declares.

Channels, purposes, recipient roles, outcomes, verdicts and reason categories are named
once, as Literal types in the pure core. Here each name gets its label; model fields take
their choices from here and the API takes the Literal types themselves. A name added to
the core without a label, or a label for a name the core does not know, fails at import.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, TypeVar

from django.utils.translation import gettext_lazy as _

from tactful.policy.types import (
    CATEGORIES,
    CHANNELS,
    OUTCOMES,
    PURPOSES,
    RECIPIENT_ROLES,
    VERDICTS,
    Category,
    Channel,
    Outcome,
    Purpose,
    RecipientRole,
    Verdict,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

Name = TypeVar("Name", bound=str)

CHANNEL_LABELS: Mapping[Channel, StrOrPromise] = {
    "call": _("Call"),
    "sms": _("Text message"),
    "push": _("Push notification"),
    "email": _("E-mail"),
    "letter": _("Letter"),
    "visit": _("Visit"),
}
PURPOSE_LABELS: Mapping[Purpose, StrOrPromise] = {
    "collection": _("Collection"),
    "reminder": _("Reminder"),
    "locate": _("Restore contact with the debtor"),
    "service": _("Service (the person's own request)"),
}
RECIPIENT_ROLE_LABELS: Mapping[RecipientRole, StrOrPromise] = {
    "debtor": _("Debtor"),
    "guarantor": _("Guarantor"),
    "emergency_contact": _("Emergency contact"),
    "third_party": _("Third party"),
}
OUTCOME_LABELS: Mapping[Outcome, StrOrPromise] = {
    "connected": _("Connected"),
    "no_answer": _("No answer"),
    "failed": _("Failed"),
    "delivered": _("Delivered"),
}
VERDICT_LABELS: Mapping[Verdict, StrOrPromise] = {
    "allow": _("Allowed"),
    "deny": _("Denied"),
}
CATEGORY_LABELS: Mapping[Category, StrOrPromise] = {
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


def choices(
    names: tuple[Name, ...], labels: Mapping[Name, StrOrPromise]
) -> list[tuple[str, StrOrPromise]]:
    """Return model-field choices for `names`, in their order; every name needs its label."""
    if set(names) != set(labels):
        raise LookupError(f"labels and names differ: {sorted(set(names) ^ set(labels))}")
    return [(name, labels[name]) for name in names]


CHANNEL_CHOICES = choices(CHANNELS, CHANNEL_LABELS)
PURPOSE_CHOICES = choices(PURPOSES, PURPOSE_LABELS)
RECIPIENT_ROLE_CHOICES = choices(RECIPIENT_ROLES, RECIPIENT_ROLE_LABELS)
OUTCOME_CHOICES = choices(OUTCOMES, OUTCOME_LABELS)
VERDICT_CHOICES = choices(VERDICTS, VERDICT_LABELS)
choices(CATEGORIES, CATEGORY_LABELS)

# Where each rule pack applies, as a reader names the place.
PACK_PLACES: Mapping[str, StrOrPromise] = {
    "cn": _("Mainland China"),
    "us": _("the United States"),
    "uk": _("the United Kingdom"),
    "in": _("India"),
    "ph": _("the Philippines"),
    "id": _("Indonesia"),
    "ke": _("Kenya"),
}
