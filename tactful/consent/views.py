"""Public pages (verify a message, answer an invitation) and the portal's privacy page."""

from __future__ import annotations

import contextlib
import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tactful.borrowers.models import Borrower
from tactful.consent import evidence, selectors, services
from tactful.consent.forms import (
    CallerNumberForm,
    EmergencyContactForm,
    VerificationCodeForm,
    WithdrawForm,
)
from tactful.consent.ledger import ledger_of
from tactful.consent.models import ConsentChannel, ConsentPurpose
from tactful.consent.policy import privacy_terms
from tactful.consent.wording import basis_of
from tactful.errors import Conflict, InvalidInput, NotFound
from tactful.portal.access import borrower_required

_NOT_OURS = _(
    "No message from us carries this code. If someone asks you to pay or to share "
    "personal information, do not: it may be a scam."
)
_TOO_MANY = _("Too many look-ups from this connection. Please try again in an hour.")
_BAD_CODE = _("A verification code has 8 letters and digits, as in the message.")
_DESIGNATION_ERRORS = {
    "invalid_phone": _("This does not look like a mobile phone number. Please check it."),
    "own_number": _("This is one of your own numbers."),
    "already_designated": _("This number is already one of your emergency contacts."),
    "number_refused": _("The person at this number asked never to be an emergency contact."),
    "too_many_emergency_contacts": _("You have named as many emergency contacts as allowed."),
}


def _client(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", "unknown"))


def _links() -> dict[str, str | None]:
    try:
        complaint: str | None = reverse("complaints:new")
    except NoReverseMatch:
        complaint = None
    return {"complaint_url": complaint}


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Tell anyone whether a message carrying a code came from this lender, and nothing more."""
    form = VerificationCodeForm(request.POST if request.method == "POST" else None)
    context: dict[str, Any] = {"form": form, "caller_form": CallerNumberForm(), **_links()}
    if not form.is_valid():
        return render(request, "consent/verify.html", context)
    try:
        attempt = services.check_message(code=form.cleaned_data["code"], client=_client(request))
    except InvalidInput:
        form.add_error("code", _BAD_CODE)
        return render(request, "consent/verify.html", context)
    except services.TooManyLookups:
        form.add_error(None, _TOO_MANY)
        return render(request, "consent/verify.html", context, status=429)
    if attempt is None:
        form.add_error("code", _NOT_OURS)
        return render(request, "consent/verify.html", context)
    context["found"] = {
        "when": attempt.requested_at,
        "channel": attempt.get_channel_display(),
        "basis": basis_of(attempt.recipient.role),
        "code": attempt.verification_code,
    }
    return render(request, "consent/verify.html", context)


@require_POST
def verify_number(request: HttpRequest) -> HttpResponse:
    """Tell anyone whether the number that called or texted them is one of this lender's."""
    caller_form = CallerNumberForm(request.POST)
    context: dict[str, Any] = {
        "form": VerificationCodeForm(),
        "caller_form": caller_form,
        **_links(),
    }
    if not caller_form.is_valid():
        return render(request, "consent/verify.html", context)
    try:
        ours = services.is_lender_number(
            number=caller_form.cleaned_data["number"], client=_client(request)
        )
    except InvalidInput as error:
        caller_form.add_error("number", error.fields.get("number", error.message))
        return render(request, "consent/verify.html", context)
    except services.TooManyLookups:
        caller_form.add_error(None, _TOO_MANY)
        return render(request, "consent/verify.html", context, status=429)
    context.update(caller_checked=True, caller_is_ours=ours)
    return render(request, "consent/verify.html", context)


@require_POST
def verify_stop(request: HttpRequest) -> HttpResponse:
    """Stop all further contact with whoever received the message carrying the code."""
    form = VerificationCodeForm(request.POST)
    context: dict[str, Any] = {"form": form, **_links()}
    if not form.is_valid():
        return render(request, "consent/verify.html", context)
    try:
        services.stop_messages(code=form.cleaned_data["code"], client=_client(request))
    except (InvalidInput, NotFound):
        form.add_error("code", _NOT_OURS)
        return render(request, "consent/verify.html", context)
    except services.TooManyLookups:
        form.add_error(None, _TOO_MANY)
        return render(request, "consent/verify.html", context, status=429)
    return render(request, "consent/stopped.html", _links())


@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """Let a person named as an emergency contact accept or refuse with one tap."""
    try:
        contact = services.contact_for_invitation(token)
    except NotFound:
        return render(request, "consent/invitation.html", {"unknown": True}, status=404)
    notice = selectors.current_notice(ConsentPurpose.EMERGENCY_CONTACT)
    language = translation.get_language() or contact.language
    context: dict[str, Any] = {"text": selectors.notice_text(notice, language), **_links()}
    if request.method == "POST":
        accept = request.POST.get("answer") == "accept"
        try:
            services.answer_invitation(token=token, accept=accept, language=language.lower())
        except Conflict as refusal:
            context["error"] = refusal.code
        else:
            context["answered"] = "accepted" if accept else "refused"
    return render(request, "consent/invitation.html", context)


# --- the borrower's privacy page in the portal --------------------------------------------


@require_safe
@borrower_required
def privacy(request: HttpRequest, borrower: Borrower) -> HttpResponse:
    return _privacy_page(request, borrower, EmergencyContactForm())


def _privacy_page(
    request: HttpRequest, borrower: Borrower, form: EmergencyContactForm, status: int = 200
) -> HttpResponse:
    now = timezone.now()
    language = (translation.get_language() or "zh-hans").lower()
    consents = [
        {"state": state, "text": selectors.notice_text(state.latest.notice, language)}
        for state in selectors.borrower_consents(borrower, now=now)
        if state.in_force
    ]
    contacts = [
        {"contact": contact, "answer": selectors.contact_consent(contact, now=now)}
        for contact in selectors.active_emergency_contacts(borrower)
    ]
    limit = privacy_terms().max_emergency_contacts
    context = {
        "consents": consents,
        "contacts": contacts,
        "form": form,
        "can_add": len(contacts) < limit,
        "limit": limit,
    }
    return render(request, "consent/privacy.html", context, status=status)


@require_POST
@borrower_required
def withdraw(request: HttpRequest, borrower: Borrower) -> HttpResponse:
    """Withdraw one consent with one tap; it holds from the very next gate decision."""
    form = WithdrawForm(request.POST)
    if form.is_valid():
        with contextlib.suppress(InvalidInput):
            services.withdraw_consent(
                borrower=borrower,
                purpose=form.cleaned_data["purpose"],
                scope=form.cleaned_data["scope"],
                language=(translation.get_language() or "zh-hans").lower(),
                channel=ConsentChannel.PORTAL,
                evidence={"method": "portal_session"},
                actor=f"borrower:{borrower.pk}",
            )
    return redirect("consent:privacy")


@require_POST
@borrower_required
def add_contact(request: HttpRequest, borrower: Borrower) -> HttpResponse:
    form = EmergencyContactForm(request.POST)
    if not form.is_valid():
        return _privacy_page(request, borrower, form, status=400)
    try:
        services.designate_emergency_contact(
            borrower=borrower,
            phone=form.cleaned_data["phone"],
            default_region=form.cleaned_data["phone_region"],
            relationship=form.cleaned_data["relationship"],
            name=form.cleaned_data["name"],
            language=borrower.preferred_language,
            actor=f"borrower:{borrower.pk}",
        )
    except (InvalidInput, Conflict) as refusal:
        form.add_error(None, _DESIGNATION_ERRORS.get(refusal.code, refusal.message))
        return _privacy_page(request, borrower, form, status=400)
    return redirect("consent:privacy")


# --- the contact ledger and its evidence export -------------------------------------------


@require_safe
@borrower_required
def ledger(request: HttpRequest, borrower: Borrower) -> HttpResponse:
    """Show every contact attempt about the borrower's debts, each with a way to complain."""
    complaint = _links()["complaint_url"]
    entries = [
        {"entry": entry, "complaint_url": f"{complaint}?code={entry.verification_code}"}
        if complaint
        else {"entry": entry, "complaint_url": None}
        for entry in ledger_of(borrower)
    ]
    return render(request, "consent/ledger.html", {"entries": entries})


@require_safe
@borrower_required
def ledger_json(request: HttpRequest, borrower: Borrower) -> HttpResponse:
    document = evidence.ledger_json(borrower)
    body = json.dumps(document, ensure_ascii=False, indent=2)
    return _download(body.encode(), "application/json", "contact-ledger.json")


@require_safe
@borrower_required
def ledger_pdf(request: HttpRequest, borrower: Borrower) -> HttpResponse:
    try:
        body = evidence.ledger_pdf(borrower)
    except evidence.FontMissing:
        message = _("The PDF cannot be made on this server right now. The JSON file has it all.")
        return HttpResponse(message, status=503, content_type="text/plain; charset=utf-8")
    return _download(body, "application/pdf", "contact-ledger.pdf")


def _download(body: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
