"""Staff pages of the rights desk: the requests to answer, one request, reveal, complete, reject.

For compliance officers and administrators only (`rights.services.DESK_ROLES`); everyone else
with a staff account gets 403, anyone without one goes to the staff sign-in. Values are
masked until revealed with a typed reason, which is audited.
"""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from tactful.accounts.models import User
from tactful.errors import Conflict, InvalidInput
from tactful.rights import selectors, services
from tactful.rights.models import RightsRequest
from tactful.rights.wording import correctable_field_label
from tactful.staff.rights_desk.forms import DeskRevealForm, RejectForm
from tactful.web.access import staff_required

_REFUSALS: dict[str, str | Promise] = {
    "already_answered": gettext_lazy("This request has already been answered."),
    "not_a_correction": gettext_lazy("Only a borrower's correction request can be completed."),
    "value_erased": gettext_lazy("The value asked for was erased with the borrower's records."),
    "field_not_correctable": gettext_lazy("This field can no longer be corrected here."),
    "invalid_national_id": gettext_lazy(
        "The ID number asked for is not valid for the borrower's country."
    ),
    "invalid_phone": gettext_lazy("The number asked for is not a valid phone number."),
    "phone_taken": gettext_lazy("The number asked for belongs to another borrower."),
    "invalid_language": gettext_lazy("The language asked for is not one Tactful speaks."),
    "invalid_time_zone": gettext_lazy("The time zone asked for is not a known time zone."),
    "invalid_input": gettext_lazy("The value asked for cannot be stored in this field."),
}


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _rights_request(reference: UUID) -> RightsRequest:
    found = selectors.request_by_reference(reference)
    if found is None:
        raise Http404("no such rights request")
    return found


@require_safe
@staff_required(*services.DESK_ROLES)
def desk_page(request: HttpRequest) -> HttpResponse:
    context = {
        "desk": selectors.desk(),
        "response_days": selectors.RESPONSE_DAYS,
        "recent_days": selectors.RECENT_DAYS,
    }
    return render(request, "staff/rights_desk/queue.html", context)


@require_safe
@staff_required(*services.DESK_ROLES)
def request_page(request: HttpRequest, reference: UUID) -> HttpResponse:
    return _file_page(request, _rights_request(reference))


def _file_page(
    request: HttpRequest,
    rights_request: RightsRequest,
    *,
    reveal_form: DeskRevealForm | None = None,
    reject_form: RejectForm | None = None,
    revealed: dict[str, str] | None = None,
    refusal: str | Promise | None = None,
    status: int = 200,
) -> HttpResponse:
    file = selectors.request_file(rights_request)
    parts = _revealable_parts(file)
    context = {
        "file": file,
        "field_label": correctable_field_label(file.request.field),
        "reveal_form": reveal_form or (DeskRevealForm(parts=parts) if parts else None),
        "reject_form": reject_form or RejectForm(),
        "revealed": revealed,
        "refusal": refusal,
        "response_days": selectors.RESPONSE_DAYS,
    }
    return render(request, "staff/rights_desk/request.html", context, status=status)


def _revealable_parts(file: selectors.RequestFile) -> list[str]:
    request = file.request
    if request.borrower is None or not request.field:
        return []
    parts = []
    if request.field not in selectors.NOT_PERSONAL_FIELDS:
        parts = ["requested_value", "current_value"] if request.value_encrypted else []
    return parts + (["note"] if file.has_note else [])


@require_POST
@staff_required(*services.DESK_ROLES)
def reveal(request: HttpRequest, reference: UUID) -> HttpResponse:
    """Show one part of the request in full, once, after recording who asked and why."""
    rights_request = _rights_request(reference)
    parts = _revealable_parts(selectors.request_file(rights_request))
    form = DeskRevealForm(request.POST, parts=parts)
    if not form.is_valid():
        return _file_page(request, rights_request, reveal_form=form, status=400)
    try:
        value = services.reveal(
            request=rights_request,
            part=form.cleaned_data["part"],
            reason=form.cleaned_data["reason"],
            actor=_user(request),
        )
    except InvalidInput as error:
        for name, problem in error.fields.items():
            form.add_error(name if name in form.fields else None, problem)
        return _file_page(request, rights_request, reveal_form=form, status=400)
    revealed = {"label": form.chosen_label(), "value": value}
    return _file_page(request, rights_request, reveal_form=form, revealed=revealed)


@require_POST
@staff_required(*services.DESK_ROLES)
def complete(request: HttpRequest, reference: UUID) -> HttpResponse:
    """Apply the corrected value to the borrower's record and close the request."""
    rights_request = _rights_request(reference)
    try:
        services.complete_correction(request=rights_request, actor=_user(request))
    except (InvalidInput, Conflict) as refusal:
        status = 409 if isinstance(refusal, Conflict) else 400
        message = _REFUSALS.get(refusal.code, _REFUSALS["invalid_input"])
        return _file_page(request, rights_request, refusal=message, status=status)
    messages.success(request, _("The correction is applied. The borrower can see the answer."))
    return redirect("staff:rights-request", reference=reference)


@require_POST
@staff_required(*services.DESK_ROLES)
def reject(request: HttpRequest, reference: UUID) -> HttpResponse:
    """Close the request without acting on it; the borrower reads the typed reason."""
    rights_request = _rights_request(reference)
    form = RejectForm(request.POST)
    if not form.is_valid():
        return _file_page(request, rights_request, reject_form=form, status=400)
    try:
        services.reject_request(
            request=rights_request, reason=form.cleaned_data["reason"], actor=_user(request)
        )
    except InvalidInput as error:
        for name, problem in error.fields.items():
            form.add_error(name if name in form.fields else None, problem)
        return _file_page(request, rights_request, reject_form=form, status=400)
    except Conflict as refusal:
        message = _REFUSALS.get(refusal.code, _REFUSALS["already_answered"])
        return _file_page(request, rights_request, refusal=message, status=409)
    messages.success(request, _("The request is rejected. The borrower can see your reason."))
    return redirect("staff:rights-request", reference=reference)
