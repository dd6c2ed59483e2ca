"""Forms of the staff pages."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# Authenticator apps show 6 digits; 8 leaves room for devices set up with longer codes.
_DIGITS_ONLY = RegexValidator(
    regex=r"^\d{6,8}$", message=_("Enter the digits shown in your authenticator app.")
)


def _token_field(*, required: bool, help_text: StrOrPromise) -> forms.CharField:
    return forms.CharField(
        label=_("Code from your authenticator app"),
        required=required,
        max_length=8,
        help_text=help_text,
        validators=[_DIGITS_ONLY],
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class StaffLoginForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    otp_token = _token_field(
        required=False,
        help_text=_("Leave this empty only if you have not set up an authenticator app yet."),
    )


class TotpConfirmForm(forms.Form):
    otp_token = _token_field(required=True, help_text=_("Enter the six digits your app shows now."))
