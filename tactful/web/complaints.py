"""What the complaint pages of several faces share: the complaint form, the intake it
makes, and the outcome page with its rating form (public status page and portal)."""

from __future__ import annotations

import re
import uuid
from typing import TYPE_CHECKING

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from tactful.complaints import services
from tactful.complaints.models import Category, Complaint

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise
from tactful.complaints.services import MAX_DESCRIPTION, MAX_NOTE
from tactful.errors import InvalidInput, ServiceError

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


def intake_of(form: ComplaintForm, *, channel: str) -> services.Intake:
    """Return the intake a valid complaint form describes, as received on `channel`."""
    upload = form.cleaned_data.get("attachment")
    return services.Intake(
        channel=channel,
        category=form.cleaned_data["category"],
        description=form.cleaned_data["description"],
        language=get_language() or "zh-hans",
        verification_codes=form.codes(),
        attachments=[upload] if upload else [],
        submission_key=form.cleaned_data.get("submission_token") or None,
    )


def add_intake_errors(form: forms.Form, error: InvalidInput) -> None:
    """Show a refused intake's problems on the fields of `form` they are about."""
    for name, problem in error.fields.items():
        target = {"attachments": "attachment"}.get(name, name)
        form.add_error(target if target in form.fields else None, problem)


def fresh_submission_token() -> dict[str, str]:
    """Return a form's initial data with a new token: a double click files one complaint."""
    return {"submission_token": uuid.uuid4().hex}


# Why a rating was not taken, in the complainant's language (never the service's English).
RATING_REFUSALS: dict[str, StrOrPromise] = {
    "not_resolved_yet": _("You can rate how we handled your complaint once we have answered it."),
    "already_rated": _("You have rated this complaint already. Thank you."),
    "invalid_input": _("Choose a score from 1 to 5, and keep the comment short."),
}


def outcome_page(request: HttpRequest, complaint: Complaint) -> HttpResponse:
    """Show what became of `complaint`, and take the complainant's rating of it."""
    form = RatingForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            services.rate_outcome(
                complaint=complaint,
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
            )
        except ServiceError as refusal:
            error = RATING_REFUSALS.get(refusal.code, RATING_REFUSALS["invalid_input"])
        else:
            return redirect(request.path)
    rated = hasattr(complaint, "rating")
    context = {"complaint": complaint, "form": form, "rated": rated, "error": error}
    return render(request, "web/complaint_outcome.html", context, status=400 if error else 200)
