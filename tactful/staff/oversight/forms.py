"""The dashboard's picker: a period (the last 7, 30 or 90 days, or from one day to another)
and a pack. Also read by the records page, which narrows the same period to one bar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy, pgettext_lazy

LAST_DAYS = (7, 30, 90)
# Lazy to the end: the choice is worded when the page is, in the reader's language.
_LAST_DAYS = ngettext_lazy("The last %(days)s day", "The last %(days)s days", "days")
DEFAULT_DAYS = 30
# The longest period shown at once; a year of days fits a phone's column chart still.
MAX_DAYS = 366


@dataclass(frozen=True)
class Period:
    """From `first` to `last`, both days included (days of the operating zone)."""

    first: date
    last: date

    @property
    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]


class PeriodForm(forms.Form):
    days = forms.TypedChoiceField(
        label=_("Period"),
        choices=[("", _("From … to …"))] + [(str(n), _LAST_DAYS % {"days": n}) for n in LAST_DAYS],
        coerce=int,
        empty_value=None,
        required=False,
    )
    start = forms.DateField(
        label=pgettext_lazy("period", "From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    end = forms.DateField(
        label=pgettext_lazy("period", "To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    pack = forms.ChoiceField(label=_("Rule pack"), required=False)

    def __init__(self, *args: Any, today: date, packs: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        pack_field = self.fields["pack"]
        assert isinstance(pack_field, forms.ChoiceField)
        pack_field.choices = [("", _("Every pack"))] + [(p, p) for p in packs]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if self.errors:
            return cleaned
        if start is None and end is None:
            return cleaned
        if start is None or end is None:
            raise forms.ValidationError(_("Give both days, the first and the last."))
        if end < start:
            raise forms.ValidationError(_("The last day comes before the first."))
        if (end - start).days >= MAX_DAYS:
            raise forms.ValidationError(
                _("Choose at most %(days)s days at once.") % {"days": MAX_DAYS}
            )
        if end > self.today:
            raise forms.ValidationError(_("The last day cannot be after today."))
        return cleaned

    def period(self) -> Period:
        """The period chosen (call after `is_valid`): the last days if chosen, else the
        dates if given, else the last DEFAULT_DAYS days."""
        days = self.cleaned_data.get("days")
        start, end = self.cleaned_data.get("start"), self.cleaned_data.get("end")
        if days is None and start is not None and end is not None:
            return Period(start, end)
        days = days or DEFAULT_DAYS
        return Period(self.today - timedelta(days=days - 1), self.today)

    def chosen_pack(self) -> str:
        return str(self.cleaned_data.get("pack") or "")
