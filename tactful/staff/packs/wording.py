"""The words of a proposal's check: rule-by-rule changes and example scenarios.

`tactful.policy.pack_diff` and `sweep` store codes and values; these say them in the
reader's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise

from tactful.contacts.vocabulary import (
    CHANNEL_LABELS,
    OUTCOME_LABELS,
    PURPOSE_LABELS,
    RECIPIENT_ROLE_LABELS,
)

VERDICTS: Mapping[str, StrOrPromise] = {
    "same": gettext_lazy("No change"),
    "tighter": gettext_lazy("Tighter"),
    "looser": gettext_lazy("Looser"),
    "added": gettext_lazy("Added: tighter"),
    "removed": gettext_lazy("Removed: looser"),
}
FIELDS: Mapping[str, StrOrPromise] = {
    "kind": gettext_lazy("Kind of rule"),
    "parameters.start": gettext_lazy("Window opens"),
    "parameters.end": gettext_lazy("Window closes"),
    "parameters.weekdays": gettext_lazy("Days of the week"),
    "parameters.holidays": gettext_lazy("Holiday calendars"),
    "parameters.requested_exempt": gettext_lazy("Messages the person asked for are exempt"),
    "parameters.outcomes": gettext_lazy("Outcomes counted"),
    "parameters.max": gettext_lazy("Most allowed"),
    "parameters.days": gettext_lazy("Days counted"),
    "parameters.per_debt": gettext_lazy("Counted per debt"),
    "parameters.trigger_outcomes": gettext_lazy("Outcomes that start the pause"),
    "parameters.roles": gettext_lazy("Recipients never contacted"),
    "parameters.purposes": gettext_lazy("Purposes allowed"),
    "parameters.unanswered_days": gettext_lazy("Days unanswered first"),
    "parameters.ignored_outcomes": gettext_lazy("Outcomes ignored"),
    "parameters.consents": gettext_lazy("Consents needed"),
    "parameters.min_days_past_due": gettext_lazy("Days past due at least"),
    "parameters.finding": gettext_lazy("What the checker finds"),
    "applies_to.channels": gettext_lazy("Channels it governs"),
    "applies_to.roles": gettext_lazy("Recipients it governs"),
    "applies_to.purposes": gettext_lazy("Purposes it governs"),
}


def change_words(change: Mapping[str, str]) -> str:
    """Return one change of a rule as a sentence: what, from, to, which way."""
    values = {
        "field": FIELDS.get(change["field"], change["field"]),
        "before": change["before"],
        "after": change["after"],
    }
    if change["direction"] == "looser":
        return _("%(field)s: %(before)s → %(after)s (looser)") % values
    return _("%(field)s: %(before)s → %(after)s (tighter)") % values


def scenario_words(scenario: Mapping[str, Any]) -> str:
    """Return a generated scenario as a sentence (route, local time, what differs)."""
    text = _(
        "%(channel)s to %(role)s for %(purpose)s, %(time)s local time, %(days)s days past due"
    ) % {
        "channel": CHANNEL_LABELS.get(scenario["channel"], scenario["channel"]),
        "role": RECIPIENT_ROLE_LABELS.get(scenario["role"], scenario["role"]),
        "purpose": PURPOSE_LABELS.get(scenario["purpose"], scenario["purpose"]),
        "time": f"{_weekday(scenario['weekday'])} {scenario['local_time']}",
        "days": scenario["days_past_due"],
    }
    return "; ".join([text, *_conditions(scenario)])


_WEEKDAY_NUMBERS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}


def _weekday(code: str) -> str:
    """The sweep's weekday code ("mon") in the reader's language (Django's own names)."""
    number = _WEEKDAY_NUMBERS.get(str(code).lower())
    return str(WEEKDAYS_ABBR[number]) if number is not None else str(code)


def _conditions(scenario: Mapping[str, Any]) -> list[str]:
    found: list[str] = []
    history = scenario.get("history")
    if history:
        found.append(
            _("%(count)s earlier %(channel)s (%(outcome)s) %(days)s days before")
            % {
                "count": history["count"],
                "channel": CHANNEL_LABELS.get(history["channel"], history["channel"]),
                "outcome": OUTCOME_LABELS.get(history["outcome"], history["outcome"]),
                "days": history["days_ago"],
            }
        )
    flags = (
        (scenario.get("held"), _("on hold")),
        (scenario.get("opted_out"), _("the person opted out")),
        (not scenario.get("debtor_unreachable"), _("the borrower can be reached")),
        (not scenario.get("collector_certified"), _("the collector is not certified")),
        (scenario.get("requested_by_recipient"), _("the person asked for this message")),
    )
    found += [str(words) for present, words in flags if present]
    if scenario.get("content"):
        found.append(_("message text: %(finding)s") % {"finding": scenario["content"]})
    return found
