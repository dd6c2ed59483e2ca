"""The borrower's privacy pages: consents in force and their withdrawal, emergency contacts,
and every contact made about their debts (the contact record), with its evidence export."""

from __future__ import annotations

import contextlib
import json

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from tactful.borrowers.models import Borrower
from tactful.consent import selectors, services
from tactful.consent.models import ConsentChannel
from tactful.consent.policy import privacy_terms
from tactful.contacts import evidence
from tactful.contacts.record import contact_record_of
from tactful.errors import Conflict, InvalidInput, ServiceError
from tactful.pdf_pages import FontMissing
from tactful.portal.privacy import pdf
from tactful.portal.privacy.forms import (
    PORTAL_GRANTABLE,
    EmergencyContactForm,
    GrantForm,
    WithdrawForm,
)
from tactful.repayment import selectors as repayment_selectors
from tactful.repayment import wording as repayment_wording
from tactful.web.access import borrower_required

_DESIGNATION_ERRORS = {
    "invalid_phone": _("This does not look like a mobile phone number. Please check it."),
    "own_number": _("This is one of your own numbers."),
    "already_designated": _("This number is already one of your emergency contacts."),
    "number_refused": _("The person at this number asked never to be an emergency contact."),
    "too_many_emergency_contacts": _("You have named as many emergency contacts as allowed."),
}


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
    mandates = [
        {
            "mandate": mandate,
            "text": repayment_wording.mandate_consent_text(mandate, language=language),
        }
        for mandate in repayment_selectors.active_mandates_of_borrower(borrower.pk)
    ]
    in_force = {
        (state.purpose, state.scope)
        for state in selectors.borrower_consents(borrower, now=now)
        if state.in_force
    }
    grantable = [
        {"purpose": purpose, "notice": notice, "text": selectors.notice_text(notice, language)}
        for purpose in PORTAL_GRANTABLE
        if (purpose.value, "") not in in_force
        for notice in selectors.published_notice(purpose)
    ]
    context = {
        "consents": consents,
        "grantable": grantable,
        "mandates": mandates,
        "contacts": contacts,
        "form": form,
        "can_add": len(contacts) < limit,
        "limit": limit,
    }
    return render(request, "portal/privacy/privacy.html", context, status=status)


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
    return redirect("portal:privacy")


@require_POST
@borrower_required
def grant(request: HttpRequest, borrower: Borrower) -> HttpResponse:
    """Give (or give again) one consent after reading its notice; it holds at once."""
    form = GrantForm(request.POST)
    # One consent per tap: a repeated field is not read as its last value.
    repeated = any(len(request.POST.getlist(name)) > 1 for name in GrantForm.base_fields)
    if repeated or not form.is_valid():
        messages.error(request, _("Choose a consent from the list and try again."))
        return redirect("portal:privacy")
    try:
        services.grant_consent(
            borrower=borrower,
            purpose=form.cleaned_data["purpose"],
            language=(translation.get_language() or "zh-hans").lower(),
            channel=ConsentChannel.PORTAL,
            evidence={"method": "portal_session"},
            actor=f"borrower:{borrower.pk}",
            notice_version=form.cleaned_data["notice_version"],
        )
    except ServiceError:
        messages.error(
            request,
            _("The words of this consent changed while you read them. Please read them again."),
        )
        return redirect("portal:privacy")
    messages.success(request, _("Thank you. Your consent is recorded and holds from now on."))
    return redirect("portal:privacy")


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
    return redirect("portal:privacy")


# --- the contact record and its evidence export -------------------------------------------


@require_safe
@borrower_required
def contact_record(request: HttpRequest, borrower: Borrower) -> HttpResponse:
    """Show every contact attempt about the borrower's debts, each with a way to complain."""
    complaint = reverse("public:complaint-new")
    entries = [
        {"entry": entry, "complaint_url": f"{complaint}?code={entry.verification_code}"}
        for entry in contact_record_of(borrower)
    ]
    return render(request, "portal/privacy/contact_record.html", {"entries": entries})


@require_safe
@borrower_required
def contact_record_json(request: HttpRequest, borrower: Borrower) -> HttpResponse:
    document = evidence.contact_record_json(borrower)
    body = json.dumps(document, ensure_ascii=False, indent=2)
    return _download(body.encode(), "application/json", "contact-ledger.json")


@require_safe
@borrower_required
def contact_record_pdf(request: HttpRequest, borrower: Borrower) -> HttpResponse:
    try:
        body = pdf.contact_record_pdf(borrower)
    except FontMissing:
        message = _("The PDF cannot be made on this server right now. The JSON file has it all.")
        return HttpResponse(message, status=503, content_type="text/plain; charset=utf-8")
    return _download(body, "application/pdf", "contact-ledger.pdf")


def _download(body: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
