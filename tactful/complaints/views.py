"""Complaint pages for anyone (public) and for the signed-in borrower (portal)."""

from __future__ import annotations

import uuid
from dataclasses import replace
from uuid import UUID

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from tactful.borrowers.models import Borrower
from tactful.complaints import identity, selectors, services
from tactful.complaints.forms import ComplaintForm, PublicComplaintForm, RatingForm
from tactful.complaints.models import Complaint
from tactful.errors import InvalidInput, ServiceError
from tactful.portal.access import borrower_required

_CODE_SENT = _(
    "If we have ever contacted this number, a code is on its way by text message. "
    "Codes are sent only in the daytime."
)
_CODE_REFUSED = _("This code is not right or has expired. Ask for a new code.")
_TOO_MANY = _("Too many complaints or codes came from here in the last hour. Please try later.")


@require_http_methods(["GET", "POST"])
def new_public(request: HttpRequest) -> HttpResponse:
    """Anyone may complain, anonymously or identified by a code texted to their number."""
    if request.method != "POST":
        return _public_page(request, PublicComplaintForm(initial=_public_initial(request)))
    form = PublicComplaintForm(request.POST, request.FILES)
    if "send_code" in request.POST:
        return _send_identity_code(request, form)
    if not form.is_valid():
        return _public_page(request, form)
    phone = _proven_phone(form)
    if phone is None and form.cleaned_data.get("phone"):
        return _public_page(request, form)
    intake = _intake(form, channel="public")
    source = request.META.get("REMOTE_ADDR", "")
    return _file(request, form, replace(intake, complainant_phone=phone, source=source))


def _intake(form: ComplaintForm, *, channel: str) -> services.Intake:
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


def _send_identity_code(request: HttpRequest, form: PublicComplaintForm) -> HttpResponse:
    phone = request.POST.get("phone", "")
    try:
        identity.request_identity_code(phone=phone, language=get_language() or "zh-hans")
    except InvalidInput:
        form.add_error("phone", _("This does not look like a mobile phone number."))
        return _public_page(request, form)
    except identity.TooManyCodes:
        return _public_page(request, form, notice=_TOO_MANY, status=429)
    return _public_page(request, form, notice=_CODE_SENT)


def _proven_phone(form: PublicComplaintForm) -> str | None:
    phone, code = form.cleaned_data.get("phone"), form.cleaned_data.get("identity_code")
    if not phone:
        return None
    if not code:
        form.add_error("identity_code", _("Enter the code we texted you, or leave the number out."))
        return None
    try:
        return identity.verify_identity_code(phone=phone, code=code)
    except (identity.IdentityRefused, InvalidInput):
        form.add_error("identity_code", _CODE_REFUSED)
        return None


def _file(request: HttpRequest, form: ComplaintForm, intake: services.Intake) -> HttpResponse:
    try:
        complaint = services.file_complaint(intake=intake, actor="public").complaint
    except services.TooManyComplaints:
        return _public_page(request, form, notice=_TOO_MANY, status=429)
    except InvalidInput as error:
        _add_errors(form, error)
        return _public_page(request, form)
    return redirect("complaints:status", reference=complaint.reference)


def _public_page(
    request: HttpRequest, form: ComplaintForm, *, notice: object = None, status: int = 200
) -> HttpResponse:
    context = {"form": form, "notice": notice}
    return render(request, "complaints/new_public.html", context, status=status)


@require_http_methods(["GET", "POST"])
def status(request: HttpRequest, reference: UUID) -> HttpResponse:
    """What became of a complaint; its reference (a UUID) is the complainant's key to it."""
    complaint = selectors.complaint_by_reference(reference)
    if complaint is None:
        raise Http404("no such complaint")
    return _outcome_page(request, complaint)


@require_http_methods(["GET", "POST"])
@borrower_required
def portal_complaints(request: HttpRequest, borrower: Borrower) -> HttpResponse:
    form = ComplaintForm(request.POST or None, request.FILES or None, initial=_fresh_token())
    if request.method == "POST" and form.is_valid():
        intake = replace(
            _intake(form, channel="portal"), complainant_kind="borrower", borrower=borrower
        )
        try:
            complaint = services.file_complaint(intake=intake, actor=f"borrower:{borrower.pk}")
        except InvalidInput as error:
            _add_errors(form, error)
        else:
            return redirect("portal-complaints:detail", reference=complaint.complaint.reference)
    complaints = selectors.complaints_of_borrower(borrower)
    return render(request, "complaints/portal_list.html", {"form": form, "complaints": complaints})


@require_http_methods(["GET", "POST"])
@borrower_required
def portal_detail(request: HttpRequest, borrower: Borrower, reference: UUID) -> HttpResponse:
    complaint = selectors.complaint_of_borrower(borrower, reference)
    if complaint is None:
        raise Http404("no such complaint")
    return _outcome_page(request, complaint)


def _outcome_page(request: HttpRequest, complaint: Complaint) -> HttpResponse:
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
            error = refusal.message
        else:
            return redirect(request.path)
    rated = hasattr(complaint, "rating")
    context = {"complaint": complaint, "form": form, "rated": rated, "error": error}
    return render(request, "complaints/outcome.html", context, status=400 if error else 200)


def _add_errors(form: ComplaintForm, error: InvalidInput) -> None:
    for name, problem in error.fields.items():
        target = {"attachments": "attachment"}.get(name, name)
        form.add_error(target if target in form.fields else None, problem)


def _public_initial(request: HttpRequest) -> dict[str, str]:
    """Start the form with the verification code a link carried (verify page, contact ledger)."""
    initial = _fresh_token()
    code = request.GET.get("code", "").strip()[:VERIFICATION_CODE_PREFILL_LIMIT]
    if code:
        initial["verification_codes"] = code
    return initial


# Codes are eight characters; anything much longer in a link is not one of ours.
VERIFICATION_CODE_PREFILL_LIMIT = 32


def _fresh_token() -> dict[str, str]:
    # One token per page view: a double click or a resent form files one complaint.
    return {"submission_token": uuid.uuid4().hex}
