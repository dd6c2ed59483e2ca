"""The summary of what a borrower agreed to, in sentences: the page and the file say the same."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tactful.consent.terms import ALL_WEEK, Cap, ChannelTerms, EmergencyContactTerms, Terms
from tactful.contacts.vocabulary import CHANNEL_LABELS, OUTCOME_LABELS


@dataclass(frozen=True)
class Section:
    title: str
    lines: list[str]


def summary(terms: Terms) -> list[Section]:
    """Return the summary's sections, each a title and its sentences, in the active language."""
    return [
        Section(_("Who may contact you"), _who(terms)),
        Section(
            _("When, how and how often"), [_channel(row, terms.zone) for row in terms.channels]
        ),
        Section(_("Other people"), _others(terms.emergency_contacts, terms.others_ever)),
        Section(_("What is never done"), _never()),
    ]


def _who(terms: Terms) -> list[str]:
    lines = [
        _(
            "Only the lender, through staff it has trained and certified, and its own "
            "automatic messages."
        )
    ]
    if terms.collection_after_days:
        lines.append(
            ngettext(
                "Contact to collect starts only once a payment is at least %(days)d day late.",
                "Contact to collect starts only once a payment is at least %(days)d days late.",
                terms.collection_after_days,
            )
            % {"days": terms.collection_after_days}
        )
    return lines


def _channel(row: ChannelTerms, zone: str | None) -> str:
    label = str(CHANNEL_LABELS[row.channel])  # type: ignore[index]
    if not row.used:
        return _("%(channel)s: never used to collect.") % {"channel": label}
    if row.stopped_by_you:
        return _("%(channel)s: you stopped this; it is not used.") % {"channel": label}
    parts = [_when(row, zone)]
    parts += [_cap(cap) for cap in row.caps]
    return _("%(channel)s: %(rules)s") % {"channel": label, "rules": _sentences(parts)}


def _sentences(parts: list[str]) -> str:
    """Join sentences as the language does: a space after "." but none after "。"."""
    text = ""
    for part in parts:
        if text and not text.endswith(("。", "！", "？")):
            text += " "
        text += part
    return text


def _when(row: ChannelTerms, zone: str | None) -> str:
    if row.hours is None:
        hours = _("At any hour.")
    else:
        start, end = (f"{clock:%H:%M}" for clock in row.hours)
        hours = _("Only from %(start)s to %(end)s, your local time (%(zone)s).") % {
            "start": start,
            "end": end,
            "zone": zone or _("your zone, once it is known; until then not at all"),
        }
    parts = [hours]
    if row.weekdays and frozenset(row.weekdays) != ALL_WEEK:
        names = _(", ").join(str(WEEKDAYS[day]) for day in row.weekdays)
        parts.append(_("Only on %(days)s.") % {"days": names})
    if row.holiday_calendars:
        parts.append(_("Never on public holidays."))
    return _sentences(parts)


def _cap(cap: Cap) -> str:
    what = _(", ").join(str(OUTCOME_LABELS[outcome]).lower() for outcome in cap.outcomes)  # type: ignore[index]
    if cap.kind == "cooling_off":
        return ngettext(
            "After a call that ended %(what)s, no more calls for %(days)d day.",
            "After a call that ended %(what)s, no more calls for %(days)d days.",
            cap.days,
        ) % {"what": what, "days": cap.days}
    if cap.days == 1:
        return ngettext(
            "At most %(limit)d call a day that ended %(what)s.",
            "At most %(limit)d calls a day that ended %(what)s.",
            cap.limit,
        ) % {"limit": cap.limit, "what": what}
    return _("At most %(limit)d calls that ended %(what)s in any %(days)d days.") % {
        "limit": cap.limit,
        "what": what,
        "days": cap.days,
    }


def _others(contacts: EmergencyContactTerms, others_ever: bool) -> list[str]:
    lines: list[str] = []
    if contacts.allowed:
        conditions = []
        if contacts.needs_their_acceptance:
            conditions.append(_("only after they accept"))
        if contacts.only_when_unreachable_days:
            conditions.append(
                ngettext(
                    "only when we could not reach you on %(days)d day",
                    "only when we could not reach you on %(days)d days in a row",
                    contacts.only_when_unreachable_days,
                )
                % {"days": contacts.only_when_unreachable_days}
            )
        lines.append(
            _(
                "Someone you name as an emergency contact may be contacted %(conditions)s, and "
                "only to ask you to call back. They are never told about your loan."
            )
            # Translators: joins the conditions of contacting an emergency contact.
            % {"conditions": _(", ").join(conditions) or _("only with your consent")}
        )
        lines.append(
            _("You have agreed to this.")
            if contacts.your_consent_in_force
            else _("You have not agreed to this, so nobody you name is contacted.")
        )
    else:
        lines.append(_("Nobody you name as an emergency contact is ever contacted."))
    if not others_ever:
        lines.append(
            _(
                "Nobody else is ever contacted: not your family, friends or colleagues, and no "
                "one in your address book. Your address book is never read."
            )
        )
    return lines


def _never() -> list[str]:
    return [
        _(
            "No threats, insults or shaming, and no pretending to be the police, a court or a "
            "lawyer."
        ),
        _("Nobody else is told about your loan."),
        _(
            "No contact while a complaint you made is open, during a hardship pause, or before "
            "the day you promised to pay."
        ),
        _(
            "Every call and message carries a verification code you can check on the Check a "
            "message page."
        ),
    ]
