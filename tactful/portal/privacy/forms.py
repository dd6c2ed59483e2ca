"""Forms of the borrower's privacy page: withdraw a consent, name an emergency contact."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tactful.consent.models import ConsentPurpose, Relationship
from tactful.web.forms import PhoneForm


class WithdrawForm(forms.Form):
    purpose = forms.ChoiceField(choices=ConsentPurpose.choices)
    scope = forms.CharField(required=False, max_length=120)


# What a borrower may agree to here, with one tap, after reading its notice. Auto-debit has
# its own two-step page; agency sharing names an agency; naming a contact is its own form.
PORTAL_GRANTABLE = (
    ConsentPurpose.OWN_NUMBER_CONTACT,
    ConsentPurpose.LOCATE_VIA_EMERGENCY_CONTACT,
    ConsentPurpose.CHANNEL_SMS,
    ConsentPurpose.CHANNEL_EMAIL,
    ConsentPurpose.CHANNEL_PUSH,
)


class GrantForm(forms.Form):
    purpose = forms.ChoiceField(
        choices=[(purpose.value, purpose.label) for purpose in PORTAL_GRANTABLE]
    )
    # The notice version the borrower read: a consent to words since replaced is refused.
    notice_version = forms.IntegerField(min_value=1)


class EmergencyContactForm(PhoneForm):
    relationship = forms.ChoiceField(label=_("Relationship to you"), choices=Relationship.choices)
    name = forms.CharField(label=_("Their name (optional)"), required=False, max_length=100)
