"""Forms of the help-to-repay portal pages. Amounts are typed as text and parsed exactly."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from tactful.money.budget import ExpenseCategory
from tactful.one_time_codes.services import CODE_DIGITS
from tactful.repayment.models import HardshipReason
from tactful.repayment.rules import DEBIT_DAYS

EXPENSE_LABELS = {
    ExpenseCategory.HOUSING: _("Rent or mortgage"),
    ExpenseCategory.FOOD: _("Food"),
    ExpenseCategory.TRANSPORT: _("Transport"),
    ExpenseCategory.UTILITIES: _("Water, power, phone"),
    ExpenseCategory.HEALTH: _("Health"),
    ExpenseCategory.EDUCATION: _("Education"),
    ExpenseCategory.CHILDCARE: _("Childcare"),
    ExpenseCategory.OTHER: _("Other spending"),
}
MAX_AMOUNT_LENGTH = 20
PAUSE_LENGTHS = (
    ("30", _("30 days")),
    ("60", _("60 days")),
    ("90", _("90 days")),
)


class AmountField(forms.Field):
    """A sum of money typed by a person: digits with at most two decimals, never negative."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def to_python(self, value: object) -> Decimal | None:
        text = str(value or "").strip().replace(",", "")
        if not text:
            return None
        if len(text) > MAX_AMOUNT_LENGTH:
            raise forms.ValidationError(_("Enter an amount with at most two decimals."))
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise forms.ValidationError(_("Enter an amount such as 1200 or 1200.50.")) from None
        if not amount.is_finite() or amount < 0:
            raise forms.ValidationError(_("Enter an amount of zero or more."))
        if amount != amount.quantize(Decimal("0.01")) or amount >= Decimal("1E15"):
            raise forms.ValidationError(_("Enter an amount with at most two decimals."))
        return amount


class BudgetForm(forms.Form):
    salary = AmountField(label=_("Income from work, a month"))
    other_income = AmountField(label=_("Other income, a month"), required=False)
    obligations = AmountField(
        label=_("Payments on other loans, a month"),
        required=False,
        help_text=_("Leave empty if you have none."),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for category, label in EXPENSE_LABELS.items():
            self.fields[f"expense_{category}"] = AmountField(label=label, required=False)

    def expense_fields(self) -> list[forms.BoundField]:
        return [self[f"expense_{category}"] for category in EXPENSE_LABELS]

    def income_fields(self) -> list[forms.BoundField]:
        return [self["salary"], self["other_income"], self["obligations"]]


class HardshipForm(forms.Form):
    reason = forms.ChoiceField(label=_("What happened?"), choices=HardshipReason.choices)
    starts_on = forms.DateField(
        label=_("Since when has paying been hard?"),
        help_text=_("It can be a day in the past month."),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    length = forms.ChoiceField(label=_("Pause for"), choices=PAUSE_LENGTHS, initial="30")

    def pause_days(self) -> int:
        return int(self.cleaned_data["length"])

    def starting(self) -> date:
        value = self.cleaned_data["starts_on"]
        assert isinstance(value, date)
        return value


class PromiseForm(forms.Form):
    amount = AmountField(label=_("How much will you pay?"))
    due_on = forms.DateField(
        label=_("By which day?"),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )


class MandateForm(forms.Form):
    bank_code = forms.CharField(label=_("Bank"), max_length=20)
    account_number = forms.CharField(
        label=_("Account or card number"),
        max_length=30,
        help_text=_("Sent to the payment company only. We keep just the last four digits."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    max_amount = AmountField(
        label=_("Most we may collect on one day"),
        help_text=_("We never collect more than this, even if more is due."),
    )
    debit_day = forms.TypedChoiceField(
        label=_("Day of the month to collect"),
        coerce=int,
        choices=[(day, str(day)) for day in DEBIT_DAYS],
        help_text=_("Choose a day soon after you are paid."),
    )
    # The two steps: the figures first, then the authorisation written with exactly those
    # figures, and its digest, which must still match them when the borrower agrees.
    consent = forms.BooleanField(label=_("I agree to the text above."), required=False)
    agreed_digest = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)


class CodeConfirmForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the text message"),
        max_length=CODE_DIGITS + 4,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class RedeemForm(forms.Form):
    loan = forms.ChoiceField(label=_("Use them on"))
    points = forms.IntegerField(label=_("Points to use"), min_value=1)

    def __init__(self, *args: object, loans: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["loan"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = loans
