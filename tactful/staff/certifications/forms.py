"""The form of a collector's certificate, as a compliance officer records it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tactful.accounts.models import User


class CertificateForm(forms.Form):
    collector = forms.ChoiceField(label=_("Collector"))
    certificate_number = forms.CharField(
        label=_("Certificate number"),
        max_length=64,
        help_text=_("As printed on the certificate, e.g. of the banking association's exam."),
    )
    valid_from = forms.DateField(
        label=_("Valid from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    valid_until = forms.DateField(
        label=_("Valid until (the last day)"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, collectors: Sequence[User] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["collector"].choices = [  # type: ignore[attr-defined]
            (str(user.pk), user.username) for user in collectors
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("valid_from"), data.get("valid_until")
        if starts and ends and ends < starts:
            self.add_error("valid_until", _("The last day cannot come before the first."))
        return data


class SuspensionForm(forms.Form):
    """An officer's suspension of a collector's certificate: who, and why, for the record."""

    collector = forms.ChoiceField(label=_("Collector"))
    reason = forms.CharField(
        label=_("Why the certificate is suspended"),
        max_length=200,
        help_text=_("Kept in the record. A new certificate or a passed re-quiz lifts it."),
    )

    def __init__(self, *args: Any, collectors: Sequence[User] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["collector"].choices = [  # type: ignore[attr-defined]
            (str(user.pk), user.username) for user in collectors
        ]
