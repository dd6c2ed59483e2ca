"""How call QA names categories and signal kinds to people."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

CATEGORY_NAMES: dict[str, str | Promise] = {
    "threat": _("Threat"),
    "insult": _("Insult"),
    "impersonation": _("Impersonation of an authority"),
    "false_legal_claim": _("False legal claim"),
    "exposure_threat": _("Threat to expose the debt"),
    "third_party_disclosure": _("Debt disclosed to a third party"),
    "unreadable": _("Hidden direction marks or look-alike letters"),
}
SIGNAL_NAMES: dict[str, str | Promise] = {
    "job_loss": _("Job loss"),
    "illness": _("Illness or hospital"),
    "bereavement": _("Bereavement"),
    "disaster": _("Disaster"),
    "distress": _("Distress"),
}


def category_name(category: str) -> str | Promise:
    return CATEGORY_NAMES.get(category, category)


def signal_name(kind: str) -> str | Promise:
    return SIGNAL_NAMES.get(kind, kind)
