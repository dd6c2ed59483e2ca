"""A quiz question's situation in the reader's words (`training.services.situation_record`)."""

from __future__ import annotations

from typing import Any, cast

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tactful.contacts.models import HoldKind
from tactful.contacts.vocabulary import (
    CHANNEL_LABELS,
    OUTCOME_LABELS,
    PURPOSE_LABELS,
    RECIPIENT_ROLE_LABELS,
)
from tactful.policy.types import Channel, Outcome, Purpose, RecipientRole


def weekday_name(day: int) -> str:
    names = (_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"),
             _("Saturday"), _("Sunday"))  # fmt: skip
    return names[day]


def situation_lines(q: dict[str, Any]) -> list[tuple[str, str]]:
    """Return (label, value) pairs describing the question's situation."""
    lines = [
        (_("Whom"), str(RECIPIENT_ROLE_LABELS[cast(RecipientRole, q["role"])])),
        (_("How"), str(CHANNEL_LABELS[cast(Channel, q["channel"])])),
        (_("Why"), str(PURPOSE_LABELS[cast(Purpose, q["purpose"])])),
        (_("Their local time"), f"{weekday_name(q['weekday'])} {q['local_time']}"),
        (_("Days overdue"), str(q["days_past_due"])),
        (_("Your certificate"), _("Valid") if q["certified"] else _("None")),
    ]
    if q["holds"]:
        labels = dict(HoldKind.choices)
        lines.append((_("Holds in force"), " · ".join(str(labels.get(h, h)) for h in q["holds"])))
    if q["opted_out"]:
        lines.append((_("Opted out"), _("They asked not to be contacted")))
    if q["calls_today"]:
        outcome = str(OUTCOME_LABELS[cast(Outcome, q["calls_outcome"])])
        count = q["calls_today"]
        lines.append((
            _("Earlier today"),
            ngettext("%(n)s call to this person: %(outcome)s",
                     "%(n)s calls to this person: %(outcome)s", count)
            % {"n": count, "outcome": outcome},
        ))  # fmt: skip
    if q["role"] == "emergency_contact":
        lines.append((
            _("Can the borrower be reached?"),
            _("No: unanswered for days") if q["debtor_unreachable"] else _("Yes"),
        ))  # fmt: skip
        lines.append((
            _("Did this person agree to be an emergency contact?"),
            _("Yes") if q["contact_consented"] else _("No"),
        ))  # fmt: skip
    if q["content"]:
        lines.append((_("The message"), q["content"]))
    return lines
