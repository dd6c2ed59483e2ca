"""Public pages of third parties' rights: prove a number with a code, see, stop, erase."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tactful.consent import selectors as consent_read
from tactful.consent import services as consent
from tactful.consent.models import ConsentPurpose
from tactful.errors import Conflict, InvalidInput, NotFound
from tactful.one_time_codes.services import CodeRefused, TooManyCodes
from tactful.one_time_codes.wording import TOO_MANY_CODES, refusal_text
from tactful.rights import selectors as rights_held
from tactful.rights import services as rights
from tactful.web.forms import PhoneForm

ANSWERED = {
    "accept": _("Thank you. You accepted; you can refuse at any time on this page."),
    "refuse": _(
        "You refused. Nobody will contact you as an emergency contact again, for anyone. "
        "This took effect at once."
    ),
}
ANSWER_REFUSALS = {
    "invitation_expired": _("This invitation has expired; you can still refuse."),
    "number_refused": _("You refused already; nobody will contact you as an emergency contact."),
}
_CORRECTION_RECEIVED = _("Thank you. The rights desk will look at it and correct what is wrong.")
_CORRECTION_REFUSED = _("Say in a few words what is wrong (at most 1,000 characters).")
PHONE_KEY = "third_party_rights.phone"
PROOF_KEY = "third_party_rights.proof"


class ThirdPartyCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the text message"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def _client(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", "unknown"))


@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    """Step 1: ask for a code; the same answer for every number, known or not."""
    form = PhoneForm(request.POST if request.method == "POST" else None)
    if not form.is_valid():
        return render(request, "public/third_parties/start.html", {"form": form})
    try:
        e164 = rights.request_code(
            phone=form.cleaned_data["phone"],
            default_region=form.cleaned_data["phone_region"],
            client=_client(request),
        )
    except InvalidInput:
        form.add_error("phone", _("This does not look like a mobile phone number."))
        return render(request, "public/third_parties/start.html", {"form": form})
    except TooManyCodes:
        form.add_error(None, TOO_MANY_CODES)
        return render(request, "public/third_parties/start.html", {"form": form}, status=429)
    request.session[PHONE_KEY] = e164
    return redirect("public:third-party-code")


@require_http_methods(["GET", "POST"])
def code(request: HttpRequest) -> HttpResponse:
    """Step 2: check the code; a right one proves the number for PROOF_MINUTES."""
    phone = request.session.get(PHONE_KEY)
    if not phone:
        return redirect("public:third-party-start")
    form = ThirdPartyCodeForm(request.POST if request.method == "POST" else None)
    if not form.is_valid():
        return _code_page(request, form)
    try:
        indexes = rights.verify_code(phone=phone, code=form.cleaned_data["code"])
    except (CodeRefused, InvalidInput) as refusal:
        form.add_error("code", refusal_text(refusal.code))
        return _code_page(request, form)
    # A fresh session key, so a key planted before the proof is worth nothing after it.
    request.session.cycle_key()
    until = timezone.now() + timedelta(minutes=rights.PROOF_MINUTES)
    request.session[PROOF_KEY] = {"indexes": indexes, "until": until.isoformat()}
    request.session.pop(PHONE_KEY, None)
    return redirect("public:third-party-data")


def _code_page(request: HttpRequest, form: ThirdPartyCodeForm) -> HttpResponse:
    # The same words for every number at any hour: a page that said "not sent" only for
    # unknown numbers would tell strangers whose number Tactful holds.
    hours = rights.code_hours()
    context = {
        "form": form,
        "code_minutes": settings.ONE_TIME_CODE_MINUTES,
        "code_hours": [f"{clock:%H:%M}" for clock in hours] if hours else None,
    }
    return render(request, "public/third_parties/code.html", context)


def _proven_indexes(request: HttpRequest) -> list[str] | None:
    """Return the blind indexes of the number proven in this session, if still proven."""
    proof: Any = request.session.get(PROOF_KEY)
    if not isinstance(proof, dict):
        return None
    if datetime.fromisoformat(str(proof.get("until"))) <= timezone.now():
        request.session.pop(PROOF_KEY, None)
        return None
    indexes = proof.get("indexes")
    return [str(index) for index in indexes] if isinstance(indexes, list) and indexes else None


@require_safe
def data(request: HttpRequest) -> HttpResponse:
    """Step 3: what Tactful holds about the proven number, and the two actions."""
    indexes = _proven_indexes(request)
    if indexes is None:
        return redirect("public:third-party-start")
    holdings = rights_held.holdings_of_number(indexes=indexes)
    notice = consent_read.current_notice(ConsentPurpose.EMERGENCY_CONTACT)
    terms = consent_read.notice_text(notice, translation.get_language() or "zh-hans")
    return render(request, "public/third_parties/data.html", {"holdings": holdings, "terms": terms})


@require_POST
def answer(request: HttpRequest, reference: UUID) -> HttpResponse:
    """Accept or refuse being someone's emergency contact, from the proven number's page."""
    indexes = _proven_indexes(request)
    if indexes is None:
        return redirect("public:third-party-start")
    choice = request.POST.get("answer")
    if choice not in ("accept", "refuse"):
        return HttpResponseBadRequest(gettext("Choose accept or refuse."))
    try:
        consent.answer_for_number(
            reference=reference,
            indexes=indexes,
            accept=choice == "accept",
            language=translation.get_language() or "",
        )
    except NotFound as missing:
        raise Http404("no such designation") from missing
    except Conflict as conflict:
        messages.error(
            request, ANSWER_REFUSALS.get(conflict.code, ANSWER_REFUSALS["number_refused"])
        )
        return redirect("public:third-party-data")
    messages.success(request, ANSWERED[choice])
    return redirect("public:third-party-data")


@require_safe
def export(request: HttpRequest) -> HttpResponse:
    """Download what is held about the proven number, signed, as JSON."""
    indexes = _proven_indexes(request)
    if indexes is None:
        return redirect("public:third-party-start")
    now = timezone.now()
    document = rights_held.export_of_number(indexes=indexes, now=now)
    rights.record_number_export(indexes=indexes, now=now)
    body = json.dumps(document, ensure_ascii=False, indent=2)
    response = HttpResponse(body.encode(), content_type="application/json")
    response["Content-Disposition"] = 'attachment; filename="my-number.json"'
    return response


@require_POST
def correction(request: HttpRequest) -> HttpResponse:
    """Ask for something held about the number to be corrected, in the person's words."""
    indexes = _proven_indexes(request)
    if indexes is None:
        return redirect("public:third-party-start")
    try:
        rights.request_number_correction(indexes=indexes, note=request.POST.get("note", ""))
    except InvalidInput:
        messages.error(request, _CORRECTION_REFUSED)
        return redirect("public:third-party-data")
    messages.success(request, _CORRECTION_RECEIVED)
    return redirect("public:third-party-data")


@require_POST
def stop(request: HttpRequest) -> HttpResponse:
    indexes = _proven_indexes(request)
    if indexes is None:
        return redirect("public:third-party-start")
    rights.stop_all_contact(indexes=indexes)
    return render(request, "public/third_parties/done.html", {"done": "stopped"})


@require_POST
def erase(request: HttpRequest) -> HttpResponse:
    indexes = _proven_indexes(request)
    if indexes is None:
        return redirect("public:third-party-start")
    rights.erase_number(indexes=indexes)
    request.session.pop(PROOF_KEY, None)
    return render(request, "public/third_parties/done.html", {"done": "erased"})
