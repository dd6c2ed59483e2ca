"""The forms of the API keys page: a new key, and the reason a key is revoked."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tactful.accounts.keys import NAME_MAX_LENGTH, SCOPES
from tactful.accounts.services import MAX_REASON_LENGTH


class NewKeyForm(forms.Form):
    name = forms.CharField(
        label=_("Who the key is for"),
        max_length=NAME_MAX_LENGTH,
        help_text=_("The lender's system that will call the API, e.g. “Loan core”."),
    )
    # A scope is a word of the API, the same in every language: the labels are the scopes.
    scopes = forms.MultipleChoiceField(
        label=_("What the key may do"),
        choices=[(scope, scope) for scope in SCOPES],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Give a system only the scopes it needs."),
    )


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the key revoked?"),
        max_length=MAX_REASON_LENGTH,
        help_text=_("Kept in the audit trail with your name."),
    )
