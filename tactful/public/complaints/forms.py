"""The public complaint form: a complaint from anyone, with an optional number proven by code."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tactful.web.complaints import ComplaintForm


class PublicComplaintForm(ComplaintForm):
    phone = forms.CharField(
        label=_("Your mobile number (optional)"),
        required=False,
        max_length=32,
        help_text=_("Only if you want us to reply. We text you a code to check it is yours."),
    )
    identity_code = forms.CharField(label=_("The code we texted you"), required=False, max_length=6)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("identity_code") and not cleaned.get("phone"):
            self.add_error("phone", _("Enter the number the code was sent to."))
        return cleaned
