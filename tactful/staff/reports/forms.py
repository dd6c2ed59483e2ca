"""What an officer chooses to issue a report: the pack, the month and the language."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from tactful.reports.periods import LANGUAGES, packs, parse_month


class IssueForm(forms.Form):
    pack = forms.ChoiceField(label=_("Rule pack"))
    month = forms.CharField(
        label=_("Month"),
        max_length=7,
        help_text=_("A month that has ended, e.g. 2026-05."),
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"}),
    )
    language = forms.ChoiceField(label=_("Language of the report"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pack"].choices = [(pack, pack) for pack in packs()]  # type: ignore[attr-defined]
        self.fields["pack"].initial = settings.GATE_PACK
        names = dict(settings.LANGUAGES)
        self.fields["language"].choices = [  # type: ignore[attr-defined]
            (code, names.get(code, code)) for code in LANGUAGES
        ]

    def clean_month(self) -> str:
        month: str = self.cleaned_data["month"]
        if parse_month(month) is None:
            raise forms.ValidationError(_("Write the month as YYYY-MM, e.g. 2026-05."))
        return month.strip()
