"""Forms of the complaint desk: a complaint taken by phone, notes and outcomes."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tactful.accounts.models import User
from tactful.borrowers.identifiers import IdentifierError, normalise_phone
from tactful.complaints.models import ComplainantKind, IntakeChannel, Resolution
from tactful.complaints.services import MAX_DESCRIPTION, MAX_NOTE, MAX_REFERRAL_REFERENCE
from tactful.web.complaints import ComplaintForm
from tactful.web.forms import PHONE_REGIONS

RECEIVED_VIA = (
    (IntakeChannel.STAFF, _("By phone, to us")),
    (IntakeChannel.REGULATOR, _("Referred by a regulator")),
)


class StaffComplaintForm(ComplaintForm):
    received_via = forms.ChoiceField(
        label=_("How did the complaint reach us?"), choices=RECEIVED_VIA, initial="staff"
    )
    referral_reference = forms.CharField(
        label=_("The regulator's reference (referrals only)"),
        required=False,
        max_length=MAX_REFERRAL_REFERENCE,
        help_text=_("For example the ticket number of the 12378 hotline."),
    )
    complainant_kind = forms.ChoiceField(
        label=_("Who is complaining?"), choices=ComplainantKind.choices
    )
    phone_region = forms.ChoiceField(
        label=_("Country or region of the number"),
        choices=PHONE_REGIONS,
        initial="CN",
        required=False,
        help_text=_("Used only when the number does not start with +."),
    )
    complainant_phone = forms.CharField(
        label=_("The complainant's mobile number, as they confirmed it (optional)"),
        required=False,
        max_length=32,
        help_text=_(
            "Give it for someone we contacted who is not the borrower: contact with that "
            "number stops for every borrower while the complaint is open."
        ),
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel"}),
    )

    def clean_complainant_phone(self) -> str:
        text: str = self.cleaned_data.get("complainant_phone") or ""
        if not text.strip():
            return ""
        region = self.data.get("phone_region") or "CN"
        if region not in dict(PHONE_REGIONS):
            region = "CN"
        try:
            return normalise_phone(text, default_region=str(region)).e164
        except IdentifierError:
            raise forms.ValidationError(
                _("This does not look like a mobile phone number. Please check it.")
            ) from None

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        regulator = data.get("received_via") == IntakeChannel.REGULATOR
        if regulator and not (data.get("referral_reference") or "").strip():
            self.add_error("referral_reference", _("Give the regulator's reference."))
        if not regulator and (data.get("referral_reference") or "").strip():
            self.add_error("referral_reference", _("Only a regulator's referral has a reference."))
        return data

    borrower_external_id = forms.CharField(
        label=_("Borrower's external id (if the borrower is complaining)"),
        required=False,
        max_length=64,
    )


class ResolveForm(forms.Form):
    resolution = forms.ChoiceField(label=_("Outcome"), choices=Resolution.choices)
    summary = forms.CharField(
        label=_("What we found and what we did"), max_length=MAX_DESCRIPTION, widget=forms.Textarea
    )


# --- one form per step of the case page -----------------------------------------------------


class StepForm(forms.Form):
    """A step's own fields; the page prefixes each with the step's name so ids stay unique."""


class AssignForm(StepForm):
    officer = forms.TypedChoiceField(label=_("Officer"), coerce=int)

    def __init__(self, *args: Any, officers: Sequence[User] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["officer"].choices = [(o.pk, o.username) for o in officers]  # type: ignore[attr-defined]


class QuestionForm(StepForm):
    question = forms.CharField(
        label=_("Your question to the complainant"),
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "They are texted that there is a question, and read and answer it on their "
            "complaint's page: the question itself is not sent by SMS."
        ),
    )


class ReasonForm(StepForm):
    reason = forms.CharField(
        label=_("Reason"), max_length=MAX_NOTE, widget=forms.Textarea(attrs={"rows": 2})
    )


class ExtendForm(ReasonForm):
    approver = forms.TypedChoiceField(
        label=_("Approving officer"),
        coerce=int,
        required=False,
        help_text=_("Needed from the second extension on: another compliance officer."),
    )

    def __init__(self, *args: Any, officers: Sequence[User] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "—"), *((o.pk, o.username) for o in officers)]
        self.fields["approver"].choices = choices  # type: ignore[attr-defined]


class AmountForm(StepForm):
    amount = forms.DecimalField(
        label=_("Amount"), min_value=Decimal("0.01"), max_digits=12, decimal_places=2
    )


class WaiverForm(AmountForm):
    installment = forms.IntegerField(label=_("Installment number"), min_value=1, max_value=600)
    field_order = ("installment", "amount")


class CorrectionForm(StepForm):
    note = forms.CharField(
        label=_("What was wrong and what was corrected"),
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    entry = forms.CharField(
        label=_("Ledger entry to reverse (optional)"),
        required=False,
        max_length=80,
        help_text=_("The entry's reference, as the loan's ledger shows it."),
    )


class CoachingForm(StepForm):
    collector = forms.ChoiceField(label=_("Collector"))
    note = forms.CharField(
        label=_("What to coach"), max_length=MAX_NOTE, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, collectors: Sequence[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["collector"].choices = [(name, name) for name in collectors]  # type: ignore[attr-defined]


class RuleProposalForm(StepForm):
    override = forms.CharField(
        label=_("Stricter rule (lender override, YAML)"),
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
    )
