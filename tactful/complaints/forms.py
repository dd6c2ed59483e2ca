"""Forms of the complaint pages: public, portal and staff."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tactful.complaints.models import Category, ComplainantKind, Resolution
from tactful.complaints.services import MAX_DESCRIPTION, MAX_NOTE

_SEPARATORS = re.compile(r"[\s,，;；]+")


class ComplaintForm(forms.Form):
    category = forms.ChoiceField(label=_("What is the complaint about?"), choices=Category.choices)
    description = forms.CharField(
        label=_("What happened?"),
        max_length=MAX_DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("When, who, and what was said. Do not include passwords or bank details."),
    )
    verification_codes = forms.CharField(
        label=_("Verification codes (optional)"),
        required=False,
        max_length=400,
        help_text=_("Every message and call from us carries an 8-character code. Add them here."),
    )
    attachment = forms.FileField(
        label=_("A screenshot or document (optional)"),
        required=False,
        help_text=_("PNG, JPEG, PDF or text, at most 5 MB."),
    )
    submission_token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def codes(self) -> list[str]:
        text: str = self.cleaned_data.get("verification_codes") or ""
        return [code for code in _SEPARATORS.split(text) if code]


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


class StaffComplaintForm(ComplaintForm):
    complainant_kind = forms.ChoiceField(
        label=_("Who is complaining?"), choices=ComplainantKind.choices
    )
    borrower_external_id = forms.CharField(
        label=_("Borrower's external id (if the borrower is complaining)"),
        required=False,
        max_length=64,
    )


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Reason"), max_length=MAX_NOTE, widget=forms.Textarea)


class ResolveForm(forms.Form):
    resolution = forms.ChoiceField(label=_("Outcome"), choices=Resolution.choices)
    summary = forms.CharField(
        label=_("What we found and what we did"), max_length=MAX_DESCRIPTION, widget=forms.Textarea
    )


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("How well did we handle your complaint?"),
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
    )
    comment = forms.CharField(
        label=_("Anything to add? (optional)"),
        required=False,
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
