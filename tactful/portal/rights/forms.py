"""The borrower's correction request: which value is wrong, and what is right."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tactful.rights.wording import CORRECTABLE_FIELD_LABELS


class CorrectionForm(forms.Form):
    field = forms.ChoiceField(
        label=_("What is wrong"), choices=list(CORRECTABLE_FIELD_LABELS.items())
    )
    value = forms.CharField(label=_("The correct value"), max_length=200)
    note = forms.CharField(
        label=_("Note (optional)"), required=False, max_length=1000, widget=forms.Textarea
    )
