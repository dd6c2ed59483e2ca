"""Public pages for anyone contacted: is this message really from us, is this number
ours, stop further messages, and an emergency contact's answer to an invitation."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from tactful.audit.signing import encoded, fingerprint
from tactful.consent import selectors, services
from tactful.consent.models import ConsentPurpose
from tactful.consent.wording import basis_of
from tactful.contacts.packs import pack_time_zone
from tactful.errors import Conflict, InvalidInput, NotFound
from tactful.public.verification.forms import CallerNumberForm, VerificationCodeForm

_NOT_OURS = _(
    "No message from us carries this code. If someone asks you to pay or to share "
    "personal information, do not: it may be a scam."
)
_TOO_MANY = _("Too many look-ups from this connection. Please try again in an hour.")
_NOT_A_NUMBER = _(
    "We cannot check this number. Enter it in full, as it appeared on your phone; "
    "we never call or text from a short service number."
)
_BAD_CODE = _("A verification code has 8 letters and digits, as in the message.")


def _client(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", "unknown"))


def _links() -> dict[str, str | bool | None]:
    keys = settings.AUDIT_KEYS
    return {
        "complaint_url": reverse("public:complaint-new"),
        # With no published numbers every number would read "not ours": say so instead.
        "numbers_published": bool(settings.LENDER_CALLER_NUMBERS),
        # The key that signs exports and audit checkpoints: anyone holding an export
        # compares it with this (docs/security.md).
        "signing_key": f"{keys.signing_key_id}:{encoded(keys.public_key)}",
        "signing_fingerprint": fingerprint(keys.public_key),
    }


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Tell anyone whether a message carrying a code came from this lender, and nothing more."""
    form = VerificationCodeForm(request.POST if request.method == "POST" else None)
    context: dict[str, Any] = {"form": form, "caller_form": CallerNumberForm(), **_links()}
    if not form.is_valid():
        return render(request, "public/verification/verify.html", context)
    try:
        attempt = services.check_message(code=form.cleaned_data["code"], client=_client(request))
    except InvalidInput:
        form.add_error("code", _BAD_CODE)
        return render(request, "public/verification/verify.html", context)
    except services.TooManyLookups:
        form.add_error(None, _TOO_MANY)
        return render(request, "public/verification/verify.html", context, status=429)
    if attempt is None:
        form.add_error("code", _NOT_OURS)
        return render(request, "public/verification/verify.html", context)
    context["found"] = {
        "when": attempt.requested_at,
        # The one who checks is the one who got it: the time as they read it, named.
        "zone": attempt.recipient.time_zone or pack_time_zone(settings.GATE_PACK).key,
        "channel": attempt.get_channel_display(),
        "basis": basis_of(attempt.recipient.role),
        "code": attempt.verification_code,
    }
    return render(request, "public/verification/verify.html", context)


@require_POST
def verify_number(request: HttpRequest) -> HttpResponse:
    """Tell anyone whether the number that called or texted them is one of this lender's."""
    caller_form = CallerNumberForm(request.POST)
    context: dict[str, Any] = {
        "form": VerificationCodeForm(),
        "caller_form": caller_form,
        **_links(),
    }
    if not context["numbers_published"] or not caller_form.is_valid():
        return render(request, "public/verification/verify.html", context)
    try:
        ours = services.is_lender_number(
            number=caller_form.cleaned_data["number"], client=_client(request)
        )
    except InvalidInput:
        caller_form.add_error("number", _NOT_A_NUMBER)
        return render(request, "public/verification/verify.html", context)
    except services.TooManyLookups:
        caller_form.add_error(None, _TOO_MANY)
        return render(request, "public/verification/verify.html", context, status=429)
    context.update(caller_checked=True, caller_is_ours=ours)
    return render(request, "public/verification/verify.html", context)


@require_POST
def verify_stop(request: HttpRequest) -> HttpResponse:
    """Stop all further contact with whoever received the message carrying the code."""
    form = VerificationCodeForm(request.POST)
    context: dict[str, Any] = {"form": form, **_links()}
    if not form.is_valid():
        return render(request, "public/verification/verify.html", context)
    try:
        services.stop_messages(code=form.cleaned_data["code"], client=_client(request))
    except (InvalidInput, NotFound):
        form.add_error("code", _NOT_OURS)
        return render(request, "public/verification/verify.html", context)
    except services.TooManyLookups:
        form.add_error(None, _TOO_MANY)
        return render(request, "public/verification/verify.html", context, status=429)
    return render(request, "public/verification/stopped.html", _links())


@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """Let a person named as an emergency contact accept or refuse with one tap."""
    try:
        contact = services.contact_for_invitation(token)
    except NotFound:
        return render(request, "public/verification/invitation.html", {"unknown": True}, status=404)
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
    return render(request, "public/verification/invitation.html", context)
