"""Forms of the complaint desk: a complaint taken by phone, notes and outcomes."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tactful.complaints.models import ComplainantKind, Resolution
from tactful.complaints.services import MAX_DESCRIPTION, MAX_NOTE
from tactful.web.complaints import ComplaintForm


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
