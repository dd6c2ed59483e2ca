"""Complaints from anyone: file one, anonymously or identified by a code texted to the
number, and follow it by its reference."""

from __future__ import annotations

from dataclasses import replace
from uuid import UUID

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from tactful.complaints import selectors, services
from tactful.errors import InvalidInput
from tactful.one_time_codes.services import CodeRefused, TooManyCodes
from tactful.one_time_codes.wording import refusal_text
from tactful.public.complaints.forms import PublicComplaintForm
from tactful.web.complaints import (
    ComplaintForm,
    add_intake_errors,
    fresh_submission_token,
    intake_of,
    outcome_page,
)

_CODE_SENT = _("If we have ever contacted this number, a code is on its way by text message.")
_TOO_MANY = _("Too many complaints or codes came from here in the last hour. Please try later.")
# Codes are eight characters; anything much longer in a link is not one of ours.
VERIFICATION_CODE_PREFILL_LIMIT = 32


@require_http_methods(["GET", "POST"])
def new_complaint(request: HttpRequest) -> HttpResponse:
    """Anyone may complain, anonymously or identified by a code texted to their number."""
    if request.method != "POST":
        return _page(request, PublicComplaintForm(initial=_initial(request)))
    form = PublicComplaintForm(request.POST, request.FILES)
    if "send_code" in request.POST:
        return _send_identity_code(request, form)
    if not form.is_valid():
        return _page(request, form)
    phone = _proven_phone(form)
    if phone is None and form.cleaned_data.get("phone"):
        return _page(request, form)
    intake = intake_of(form, channel="public")
    source = request.META.get("REMOTE_ADDR", "")
    return _file(request, form, replace(intake, complainant_phone=phone, source=source))


def _send_identity_code(request: HttpRequest, form: PublicComplaintForm) -> HttpResponse:
    phone = request.POST.get("phone", "")
    try:
        services.send_complainant_code(phone=phone, language=get_language() or "zh-hans")
    except InvalidInput:
        form.add_error("phone", _("This does not look like a mobile phone number."))
        return _page(request, form)
    except TooManyCodes:
        return _page(request, form, notice=_TOO_MANY, status=429)
    return _page(request, form, notice=_CODE_SENT)


def _proven_phone(form: PublicComplaintForm) -> str | None:
    phone, code = form.cleaned_data.get("phone"), form.cleaned_data.get("identity_code")
    if not phone:
        return None
    if not code:
        form.add_error("identity_code", _("Enter the code we texted you, or leave the number out."))
        return None
    try:
        return services.prove_complainant_phone(phone=phone, code=code)
    except (CodeRefused, InvalidInput) as refusal:
        form.add_error("identity_code", refusal_text(refusal.code))
        return None


def _file(request: HttpRequest, form: ComplaintForm, intake: services.Intake) -> HttpResponse:
    try:
        complaint = services.file_complaint(intake=intake, actor="public").complaint
    except services.TooManyComplaints:
        return _page(request, form, notice=_TOO_MANY, status=429)
    except InvalidInput as error:
        add_intake_errors(form, error)
        return _page(request, form)
    return redirect("public:complaint-status", reference=complaint.reference)


def _page(
    request: HttpRequest, form: ComplaintForm, *, notice: object = None, status: int = 200
) -> HttpResponse:
    context = {"form": form, "notice": notice}
    return render(request, "public/complaints/new.html", context, status=status)


def _initial(request: HttpRequest) -> dict[str, str]:
    """Start the form with the verification code a link carried (verify page, contact record)."""
    initial = fresh_submission_token()
    code = request.GET.get("code", "").strip()[:VERIFICATION_CODE_PREFILL_LIMIT]
    if code:
        initial["verification_codes"] = code
    return initial


@require_http_methods(["GET", "POST"])
def complaint_status(request: HttpRequest, reference: UUID) -> HttpResponse:
    """What became of a complaint; its reference (a UUID) is the complainant's key to it."""
    complaint = selectors.complaint_by_reference(reference)
    if complaint is None:
        raise Http404("no such complaint")
    return outcome_page(request, complaint)
