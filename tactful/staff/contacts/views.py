"""The staff contacts page: find a borrower, read the permit history, ask "may I contact now?".

The question is a dry run with the member of staff as the collector: it decides on the
records as they are and records nothing. Personal data is shown masked; supervisors,
compliance and admins may reveal one value with a typed reason, which is audited.
"""

from __future__ import annotations

from typing import Any, cast
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from tactful.accounts.models import User
from tactful.accounts.roles import Role
from tactful.borrowers.identifiers import IdentifierError, normalise_phone
from tactful.borrowers.models import Borrower
from tactful.borrowers.selectors import borrower_by_external_id, borrower_by_phone
from tactful.borrowers.services import reveal_personal_data
from tactful.contacts import selectors, services
from tactful.contacts.decisions import Decided, preview_permit
from tactful.contacts.facts import PermitRequest
from tactful.contacts.packs import text_for_reader
from tactful.contacts.wording import category_labels, local_text, utc_text
from tactful.policy.types import Channel, Purpose
from tactful.privacy.masking import mask_address, mask_national_id, mask_phone
from tactful.staff.contacts.forms import ContactCheckForm, LookupForm, RevealForm
from tactful.staff.contacts.rows import hold_row, permit_row
from tactful.web.access import staff_required

STAFF_WHO_CONTACT = (Role.COLLECTOR, Role.SUPERVISOR, Role.COMPLIANCE, Role.ADMIN)
STAFF_WHO_REVEAL = (Role.SUPERVISOR, Role.COMPLIANCE, Role.ADMIN)
# Numbers typed without "+" are read as numbers of the Chinese mainland.
LOOKUP_REGION = "CN"


@require_http_methods(["GET", "HEAD", "POST"])
@staff_required(*STAFF_WHO_CONTACT)
def contact_lookup(request: HttpRequest) -> HttpResponse:
    """Search by POST, show by GET: a typed phone number never lands in an address.

    Addresses end up in access logs and browser history, so the search is posted; what
    it finds is shown at ``?borrower=<the lender's borrower ID>``, which can be bookmarked.
    """
    if request.method == "POST":
        form = LookupForm(request.POST)
        found = find_borrower(form.cleaned_data["q"]) if form.is_valid() else None
        if found is not None:
            query = urlencode({"borrower": found.external_id})
            return redirect(f"{reverse('staff:contacts')}?{query}")
        context: dict[str, Any] = {"form": form, "searched": form.is_valid(), "borrower": None}
        return render(request, "staff/contacts/lookup.html", context)
    external_id = request.GET.get("borrower", "")
    borrower = borrower_by_external_id(external_id) if external_id else None
    context = {
        "form": LookupForm(initial={"q": borrower.external_id} if borrower else None),
        "searched": bool(external_id),
        "borrower": borrower,
    }
    if borrower is not None:
        context.update(_borrower_context(borrower, check_form=None, user=request.user))
    return render(request, "staff/contacts/lookup.html", context)


@require_POST
@staff_required(*STAFF_WHO_CONTACT)
def contact_check(request: HttpRequest) -> HttpResponse:
    borrower = borrower_by_external_id(request.POST.get("borrower", ""))
    if borrower is None:
        raise Http404("no such borrower")
    check_form = _check_form(borrower, request.POST)
    result = _check(check_form, request.user) if check_form.is_valid() else None
    if request.headers.get("HX-Request") == "true":
        fragment = {"check_form": check_form, "result": result}
        return render(request, "staff/contacts/_check_result.html", fragment)
    # Without htmx (no JavaScript): the whole page, with the answer in its place.
    context: dict[str, Any] = {
        "form": LookupForm(initial={"q": borrower.external_id}),
        "borrower": borrower,
        "result": result,
    }
    context.update(_borrower_context(borrower, check_form=check_form, user=request.user))
    return render(request, "staff/contacts/lookup.html", context)


@require_POST
@staff_required(*STAFF_WHO_REVEAL)
def contact_reveal(request: HttpRequest) -> HttpResponse:
    """Show one personal value in full, once, after recording who asked and why."""
    borrower = borrower_by_external_id(request.POST.get("borrower", ""))
    if borrower is None:
        raise Http404("no such borrower")
    form = RevealForm(request.POST)
    context: dict[str, Any] = {
        "form": LookupForm(initial={"q": borrower.external_id}),
        "borrower": borrower,
    }
    context.update(_borrower_context(borrower, check_form=None, user=request.user))
    context["reveal_form"] = form
    if not form.is_valid():
        return render(request, "staff/contacts/lookup.html", context, status=400)
    context["revealed"] = {
        "label": form.chosen_label(),
        "value": reveal_personal_data(
            borrower=borrower,
            field_name=form.cleaned_data["field"],
            reason=form.cleaned_data["reason"],
            actor=f"user:{request.user.pk}",
        ),
    }
    return render(request, "staff/contacts/lookup.html", context)


def find_borrower(query: str) -> Borrower | None:
    """Return the borrower with this external ID, else the one with this exact number."""
    text = query.strip()
    borrower = borrower_by_external_id(text)
    if borrower is not None:
        return borrower
    try:
        e164 = normalise_phone(text, LOOKUP_REGION).e164
    except IdentifierError:
        return None
    return borrower_by_phone(e164)


def _borrower_context(
    borrower: Borrower, *, check_form: ContactCheckForm | None, user: object
) -> dict[str, Any]:
    now = timezone.now()
    may_reveal = isinstance(user, User) and user.has_role(*STAFF_WHO_REVEAL)
    return {
        "permits": [permit_row(attempt) for attempt in selectors.permits_of_borrower(borrower)],
        "holds": [hold_row(hold) for hold in selectors.holds_of_borrower(borrower, now=now)],
        "check_form": check_form or _check_form(borrower, None),
        "masked": _masked_facts(borrower),
        "reveal_form": RevealForm(initial={"borrower": borrower.external_id})
        if may_reveal
        else None,
    }


def _masked_facts(borrower: Borrower) -> dict[str, str]:
    numbers = borrower.phone_numbers.order_by("-is_primary", "pk")
    return {
        "name": f"{borrower.name[:1]}**",
        "national_id": mask_national_id(borrower.national_id),
        "phone_numbers": ", ".join(mask_phone(number.e164) for number in numbers),
        "address": mask_address(borrower.address),
    }


def _check_form(borrower: Borrower, data: Any) -> ContactCheckForm:
    loans = list(selectors.loans_of(borrower))
    initial = {"borrower": borrower.external_id, "loan": loans[0].external_id if loans else ""}
    return ContactCheckForm(
        data,
        initial=initial,
        recipients=services.recipients_for_borrower(borrower=borrower),
        loans=loans,
    )


def _check(form: ContactCheckForm, user: object) -> dict[str, Any]:
    recipient = form.chosen_recipient()
    request = PermitRequest(
        loan=form.chosen_loan(),
        recipient=recipient,
        channel=cast(Channel, form.cleaned_data["channel"]),
        purpose=cast(Purpose, form.cleaned_data["purpose"]),
        collector=user if isinstance(user, User) else None,
    )
    return _result(preview_permit(request), recipient.time_zone)


def _result(decided: Decided, zone_name: str | None) -> dict[str, Any]:
    decision = decided.decision
    later = decision.next_allowed_at
    return {
        "allowed": decision.allowed,
        "categories": category_labels(list(decision.categories)),
        "messages": [
            text_for_reader(reason.messages, reason.message) for reason in decision.reasons
        ],
        "next_allowed_local": local_text(later, zone_name) if later else None,
        "next_allowed_utc": utc_text(later) if later else None,
        "checked_at": local_text(decided.checked_at, zone_name),
    }
