from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tactful.consent.models import ConsentPurpose, Relationship
from tactful.portal.forms import PhoneForm


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


class WithdrawForm(forms.Form):
    purpose = forms.ChoiceField(choices=ConsentPurpose.choices)
    scope = forms.CharField(required=False, max_length=120)


class EmergencyContactForm(PhoneForm):
    relationship = forms.ChoiceField(label=_("Relationship to you"), choices=Relationship.choices)
    name = forms.CharField(label=_("Their name (optional)"), required=False, max_length=100)


class CorrectionForm(forms.Form):
    field = forms.ChoiceField(
        label=_("What is wrong"),
        choices=[
            ("name", _("Name")),
            ("national_id", _("ID number")),
            ("phone", _("Phone number")),
            ("address", _("Postal address")),
            ("language", _("Language")),
            ("time_zone", _("Time zone")),
        ],
    )
    value = forms.CharField(label=_("The correct value"), max_length=200)
    note = forms.CharField(
        label=_("Note (optional)"), required=False, max_length=1000, widget=forms.Textarea
    )


def correctable_field_label(field: str) -> str:
    """Name a correctable field as the borrower's correction form does (the key if unknown)."""
    choice = CorrectionForm.base_fields["field"]
    assert isinstance(choice, forms.ChoiceField)
    labels: dict[object, object] = dict(choice.choices)  # type: ignore[arg-type]
    return str(labels.get(field, field))
