"""Forms of the borrower's privacy page: withdraw a consent, name an emergency contact."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tactful.consent.models import ConsentPurpose, Relationship
from tactful.web.forms import PhoneForm


class WithdrawForm(forms.Form):
    purpose = forms.ChoiceField(choices=ConsentPurpose.choices)
    scope = forms.CharField(required=False, max_length=120)


class EmergencyContactForm(PhoneForm):
    relationship = forms.ChoiceField(label=_("Relationship to you"), choices=Relationship.choices)
    name = forms.CharField(label=_("Their name (optional)"), required=False, max_length=100)
