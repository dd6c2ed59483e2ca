"""The borrower's sign-in code form (the number comes first, on `web.forms.PhoneForm`)."""

from __future__ import annotations

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from tactful.one_time_codes.services import CODE_DIGITS


class CodeForm(forms.Form):
    phone = forms.CharField(max_length=32, widget=forms.HiddenInput)
    code = forms.CharField(
        label=_("Sign-in code"),
        max_length=CODE_DIGITS + 4,
        help_text=_("The 6 digits from the text message."),
        validators=[
            RegexValidator(
                regex=rf"^\s*\d{{{CODE_DIGITS}}}\s*$", message=_("Enter the 6 digits of the code.")
            )
        ],
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
