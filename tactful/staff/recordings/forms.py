"""Forms of the call QA pages: upload a recording, review a finding."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tactful.callqa.models import Verdict
from tactful.callqa.services import AUDIO_SUFFIXES, MAX_REASON_LENGTH
from tactful.complaints.services import MAX_NOTE


class UploadForm(forms.Form):
    permit_code = forms.CharField(
        label=_("Permit verification code"),
        max_length=8,
        help_text=_("The code of the call's permit, as shown in the permit history."),
    )
    audio = forms.FileField(
        label=_("Recording"),
        help_text=_("An audio file of the call: WAV, MP3, M4A, OGG, FLAC, AMR or WEBM."),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(AUDIO_SUFFIXES)}),
    )


class ReviewForm(forms.Form):
    verdict = forms.ChoiceField(label=_("Verdict"), choices=Verdict.choices)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=MAX_REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when you dismiss a finding."),
    )


class CoachingForm(forms.Form):
    note = forms.CharField(
        label=_("What the collector should work on"),
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
