"""Forms of the public verification page: a message's code, or the number that called."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class VerificationCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code in the message"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


class CallerNumberForm(forms.Form):
    number = forms.CharField(
        label=_("The number that called or texted you"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
    )
