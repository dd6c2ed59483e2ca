"""The forms of the account page: one per action, each checked on its own."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tactful.borrowers.services import MIN_REVEAL_REASON
from tactful.casework.models import CallResult, ReviewOutcome
from tactful.casework.services import (
    MAX_NOTE_LENGTH,
    MAX_REASON_LENGTH,
    MAX_REVIEW_REASON_LENGTH,
)
from tactful.repayment.models import HardshipReason


class SmsForm(forms.Form):
    recipient = forms.UUIDField(widget=forms.HiddenInput)
    template = forms.UUIDField(widget=forms.HiddenInput)


class CallForm(forms.Form):
    recipient = forms.UUIDField(widget=forms.HiddenInput)


class CallLogForm(forms.Form):
    permit = forms.UUIDField(widget=forms.HiddenInput)
    result = forms.ChoiceField(label=_("How did the call go?"), choices=CallResult.choices)


class PromiseForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount promised"), max_digits=18, decimal_places=2, min_value=0
    )
    due_on = forms.DateField(
        label=_("To be paid by"), widget=forms.DateInput(attrs={"type": "date"})
    )
    channel = forms.ChoiceField(
        label=_("Promised on"), choices=(("call", _("A call")), ("sms", _("A text message")))
    )


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Note"),
        max_length=MAX_NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Notes cannot be changed later; write a new note to correct one."),
    )


class AssignForm(forms.Form):
    collector = forms.ChoiceField(label=_("Give this account to"), required=False)
    reason = forms.CharField(
        label=pgettext_lazy("reason for a decision", "Why"),
        max_length=MAX_REASON_LENGTH,
        required=False,
    )

    def __init__(self, *args: Any, collectors: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["collector"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("Nobody: back to the team's pool")), *collectors]


class ReviewForm(forms.Form):
    """A supervisor's decision on hardship or distress; a pause also needs its terms."""

    outcome = forms.ChoiceField(
        label=_("Decision"), choices=ReviewOutcome.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=pgettext_lazy("reason for a decision", "Why"),
        max_length=MAX_REVIEW_REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    pause_reason = forms.ChoiceField(
        label=_("For a pause: what happened"), choices=HardshipReason.choices, required=False
    )
    ends_on = forms.DateField(
        label=_("For a pause: ageing resumes on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("outcome") == ReviewOutcome.PAUSE:
            for name in ("pause_reason", "ends_on"):
                if not data.get(name):
                    self.add_error(name, _("A pause needs this."))
        return data


class RevealForm(forms.Form):
    contact = forms.UUIDField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Why do you need the full number?"),
        min_length=MIN_REVEAL_REASON,
        max_length=MAX_REASON_LENGTH,
    )
