"""What the complaint pages of several faces share: the complaint form, the intake it
makes, and the outcome page with its rating form (public status page and portal)."""

from __future__ import annotations

import re
import uuid
from pathlib import PurePath
from typing import TYPE_CHECKING

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from tactful.complaints import selectors, services
from tactful.complaints.models import Category, Complaint

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise
from tactful.complaints.services import MAX_DESCRIPTION, MAX_NOTE
from tactful.errors import Conflict, InvalidInput, ServiceError

_SEPARATORS = re.compile(r"[\s,，;；]+")
ATTACHMENT_REFUSAL = _(
    "Attach a PNG or JPEG picture, a PDF or a text file: other kinds of file cannot be "
    "opened safely."
)
ATTACHMENT_TOO_BIG = _("The file is larger than 5 MB. Attach a smaller one.")


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

    def clean_attachment(self) -> UploadedFile | None:
        upload: UploadedFile | None = self.cleaned_data.get("attachment")
        if upload is None:
            return None
        suffix = PurePath(upload.name or "").suffix.lower()
        if suffix not in services.ATTACHMENT_TYPES:
            raise forms.ValidationError(ATTACHMENT_REFUSAL, code="attachment_type")
        if (upload.size or 0) > services.MAX_ATTACHMENT_BYTES:
            raise forms.ValidationError(ATTACHMENT_TOO_BIG, code="attachment_size")
        return upload

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
        if name == "attachments":
            # The service's words are English; the file's kind is what it checks.
            form.add_error("attachment", str(ATTACHMENT_REFUSAL))
            continue
        form.add_error(name if name in form.fields else None, problem)


def fresh_submission_token() -> dict[str, str]:
    """Return a form's initial data with a new token: a double click files one complaint."""
    return {"submission_token": uuid.uuid4().hex}


# Why a rating was not taken, in the complainant's language (never the service's English).
RATING_REFUSALS: dict[str, StrOrPromise] = {
    "not_resolved_yet": _("You can rate how we handled your complaint once we have answered it."),
    "already_rated": _("You have rated this complaint already. Thank you."),
    "invalid_input": _("Choose a score from 1 to 5, and keep the comment short."),
}


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Your answer"), max_length=MAX_NOTE, widget=forms.Textarea(attrs={"rows": 4})
    )


ANSWER_REFUSALS: dict[str, StrOrPromise] = {
    "already_answered": _("You have answered this question already. Thank you."),
    "no_question": _("There is no question waiting for your answer."),
    "invalid_input": _("Write your answer, in at most 2,000 characters."),
}


def outcome_page(request: HttpRequest, complaint: Complaint) -> HttpResponse:
    """Show what became of `complaint`, take the answer to our question and the rating."""
    question = selectors.open_question(complaint)
    answering = request.method == "POST" and "answer" in request.POST
    form = RatingForm(request.POST if request.method == "POST" and not answering else None)
    answer_form = AnswerForm(request.POST if answering else None)
    error = None
    if answering and answer_form.is_valid():
        try:
            if question is None:
                raise Conflict("no_question", "no question waits for an answer")
            services.answer_information_request(
                reply=question, answer=answer_form.cleaned_data["answer"]
            )
        except ServiceError as refusal:
            error = ANSWER_REFUSALS.get(refusal.code, ANSWER_REFUSALS["invalid_input"])
        else:
            return redirect(request.path)
    elif request.method == "POST" and not answering and form.is_valid():
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
    zone = selectors.complainant_zone(complaint)
    context = {
        "complaint": complaint,
        "form": form,
        "answer_form": answer_form,
        "question": question,
        "replies": selectors.replies_of(complaint),
        "zone": zone,
        "rated": hasattr(complaint, "rating"),
        "error": error,
    }
    invalid = answering and not answer_form.is_valid()
    return render(
        request, "web/complaint_outcome.html", context, status=400 if error or invalid else 200
    )
