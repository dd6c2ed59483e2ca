"""Forms of the rights desk: reveal one value with a reason, reject with a reason."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from tactful.borrowers.services import MIN_REVEAL_REASON
from tactful.rights.services import MAX_NOTE_LENGTH, MIN_REASON_LENGTH

_PARTS: dict[str, str | Promise] = {
    "requested_value": gettext_lazy("The corrected value asked for"),
    "note": gettext_lazy("The borrower's note"),
    "current_value": gettext_lazy("The value on record now"),
}


class DeskRevealForm(forms.Form):
    """Ask to see one part of a correction request in full: the reason typed here is audited."""

    part = forms.ChoiceField(label=gettext_lazy("Value to reveal"))
    reason = forms.CharField(
        label=gettext_lazy("Why do you need to see it?"),
        min_length=MIN_REVEAL_REASON,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy(
            "Recorded in the audit log with your name. The value itself is not."
        ),
    )

    def __init__(self, *args: Any, parts: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        part_field = self.fields["part"]
        assert isinstance(part_field, forms.ChoiceField)
        part_field.choices = [(part, _PARTS[part]) for part in parts]

    def chosen_label(self) -> str:
        return str(_PARTS[self.cleaned_data["part"]])


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why is the request rejected?"),
        min_length=MIN_REASON_LENGTH,
        max_length=MAX_NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "The borrower reads this on their rights page. Do not repeat any of their data."
        ),
    )
