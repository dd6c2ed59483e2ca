"""Forms of the staff contacts page: find a borrower, and ask "may I contact now?"."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tactful.borrowers.services import MIN_REVEAL_REASON
from tactful.contacts.models import Recipient
from tactful.contacts.vocabulary import CHANNEL_CHOICES, PURPOSE_CHOICES
from tactful.loans.models import Loan
from tactful.privacy.masking import mask_phone


class LookupForm(forms.Form):
    q = forms.CharField(
        label=_("Borrower ID or phone number"),
        max_length=64,
        help_text=_("The lender's borrower ID, or a phone number with its country code (+86 …)."),
    )


class ContactCheckForm(forms.Form):
    borrower = forms.CharField(max_length=64, widget=forms.HiddenInput)
    recipient = forms.ChoiceField(label=_("Whom"))
    channel = forms.ChoiceField(label=_("How"), choices=CHANNEL_CHOICES)
    purpose = forms.ChoiceField(label=_("Why"), choices=PURPOSE_CHOICES)
    loan = forms.ChoiceField(label=_("About which loan"), required=False)

    def __init__(
        self, *args: Any, recipients: list[Recipient], loans: list[Loan], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.recipients = {str(recipient.public_id): recipient for recipient in recipients}
        self.loans = {loan.external_id: loan for loan in loans}
        recipient_field = self.fields["recipient"]
        loan_field = self.fields["loan"]
        assert isinstance(recipient_field, forms.ChoiceField)
        assert isinstance(loan_field, forms.ChoiceField)
        recipient_field.choices = [
            (key, recipient_label(recipient)) for key, recipient in self.recipients.items()
        ]
        loan_field.choices = [("", _("No loan")), *((key, key) for key in self.loans)]

    def chosen_recipient(self) -> Recipient:
        return self.recipients[self.cleaned_data["recipient"]]

    def chosen_loan(self) -> Loan | None:
        return self.loans.get(self.cleaned_data["loan"] or "")


def recipient_label(recipient: Recipient) -> str:
    """Name a recipient by role and masked number: "Debtor · 138****5678"."""
    number = recipient.phone_number
    masked = mask_phone(number.e164) if number is not None else "—"
    return f"{recipient.get_role_display()} · {masked}"


REVEAL_CHOICES: dict[str, str | Promise] = {
    "name": _("Name"),
    "national_id": _("National ID"),
    "phone_numbers": _("Phone numbers"),
    "address": _("Postal address"),
}


class RevealForm(forms.Form):
    """Ask to see one of a borrower's values in full: the reason typed here is audited."""

    borrower = forms.CharField(max_length=64, widget=forms.HiddenInput)
    field = forms.ChoiceField(label=_("Value to reveal"), choices=list(REVEAL_CHOICES.items()))
    reason = forms.CharField(
        label=_("Why do you need to see it?"),
        min_length=MIN_REVEAL_REASON,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Recorded in the audit log with your name. The value itself is not."),
    )

    def chosen_label(self) -> str:
        return str(REVEAL_CHOICES[self.cleaned_data["field"]])
