"""Form pieces more than one face uses: a phone number and the region it is read in."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

# Where a number typed without "+" is read from. Names follow common usage for dialling codes.
PHONE_REGIONS = (
    ("CN", _("Chinese mainland (+86)")),
    ("HK", _("Hong Kong (+852)")),
    ("MO", _("Macao (+853)")),
    ("TW", _("Taiwan (+886)")),
    ("SG", _("Singapore (+65)")),
    ("MY", _("Malaysia (+60)")),
    ("PH", _("Philippines (+63)")),
    ("ID", _("Indonesia (+62)")),
    ("IN", _("India (+91)")),
    ("KE", _("Kenya (+254)")),
    ("US", _("United States and Canada (+1)")),
    ("GB", _("United Kingdom (+44)")),
)


class PhoneForm(forms.Form):
    phone_region = forms.ChoiceField(
        label=_("Country or region of your number"),
        choices=PHONE_REGIONS,
        initial="CN",
        help_text=_("Used only when your number does not start with +."),
    )
    phone = forms.CharField(
        label=_("Mobile phone number"),
        max_length=32,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
