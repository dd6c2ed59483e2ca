"""Staff pages: record a phone complaint, the compliance queue, investigation, reports.

Collectors may record a complaint they took on the phone, and see nothing of it after:
the complainant's identity is never shown to a collector. The queue, the investigation
file and the reports are for compliance officers and administrators.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TYPE_CHECKING
from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tactful.accounts.models import User
from tactful.accounts.roles import Role
from tactful.accounts.selectors import staff_by_id, staff_by_username, staff_with_roles
from tactful.audit.services import record_event
from tactful.borrowers.selectors import borrower_by_external_id
from tactful.complaints import exports, selectors, services
from tactful.complaints.models import Category, Complaint, IntakeChannel, Resolution, Status
from tactful.errors import InvalidInput, ServiceError
from tactful.staff.complaints.forms import NoteForm, ResolveForm, StaffComplaintForm
from tactful.web.access import staff_required

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

OFFICERS = (Role.COMPLIANCE, Role.ADMIN)


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


@require_http_methods(["GET", "POST"])
@staff_required()
def new_phone_complaint(request: HttpRequest) -> HttpResponse:
    form = StaffComplaintForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        borrower = None
        external_id = form.cleaned_data["borrower_external_id"].strip()
        if external_id:
            borrower = borrower_by_external_id(external_id)
            if borrower is None:
                form.add_error("borrower_external_id", _("No borrower has this external id."))
        if form.is_valid():
            return _file_phone_complaint(request, form, borrower)
    return render(request, "staff/complaints/new.html", {"form": form})


def _file_phone_complaint(
    request: HttpRequest, form: StaffComplaintForm, borrower: object
) -> HttpResponse:
    upload = form.cleaned_data.get("attachment")
    intake = services.Intake(
        channel=form.cleaned_data["received_via"],
        referral_reference=form.cleaned_data["referral_reference"].strip(),
        complainant_phone=form.cleaned_data["complainant_phone"] or None,
        category=form.cleaned_data["category"],
        description=form.cleaned_data["description"],
        complainant_kind=form.cleaned_data["complainant_kind"],
        borrower=borrower,  # type: ignore[arg-type]
        verification_codes=form.codes(),
        attachments=[upload] if upload else [],
        submission_key=form.cleaned_data.get("submission_token") or None,
    )
    try:
        complaint = services.file_complaint(intake=intake, actor=f"user:{_user(request).pk}")
    except InvalidInput as error:
        for name, problem in error.fields.items():
            form.add_error(name if name in form.fields else None, problem)
        return render(request, "staff/complaints/new.html", {"form": form}, status=422)
    messages.success(
        request,
        _("Complaint %(number)s recorded; contact about it is on hold.")
        % {"number": complaint.complaint.number},
    )
    if _user(request).has_role(*OFFICERS):
        return redirect("staff:complaint", reference=complaint.complaint.reference)
    return redirect("staff:home")


@require_safe
@staff_required(*OFFICERS)
def complaint_queue(request: HttpRequest) -> HttpResponse:
    return render(request, "staff/complaints/queue.html", {"complaints": selectors.queue()[:200]})


def _complaint(reference: UUID) -> Complaint:
    complaint = selectors.complaint_by_reference(reference)
    if complaint is None:
        raise Http404("no such complaint")
    return complaint


@require_safe
@staff_required(*OFFICERS)
def investigation(request: HttpRequest, reference: UUID) -> HttpResponse:
    file = selectors.investigation_file(_complaint(reference))
    officers = staff_with_roles(OFFICERS)
    context = {
        "file": file,
        "complaint": file.complaint,
        "officers": officers,
        "note_form": NoteForm(),
        "resolve_form": ResolveForm(),
    }
    return render(request, "staff/complaints/investigation.html", context)


@require_safe
@staff_required(*OFFICERS)
def attachment(request: HttpRequest, reference: UUID, pk: int) -> HttpResponse:
    """Hand an officer the evidence the complainant sent, as a download (never rendered here).

    Only the types intake accepts are served, with the type recorded at intake; the file's
    SHA-256 is checked against the one recorded, and each opening is audited.
    """
    complaint = _complaint(reference)
    row = selectors.attachment_of(complaint, pk)
    if row is None or row.content_type not in set(services.ATTACHMENT_TYPES.values()):
        raise Http404("no such attachment")
    content = row.file.open("rb").read()
    if hashlib.sha256(content).hexdigest() != row.sha256:
        raise Http404("the stored file is not the one received")
    record_event(
        actor=f"user:{_user(request).pk}",
        action="complaint.attachment_opened",
        target=row,
        payload={"complaint": complaint.number},
    )
    suffix = {value: key for key, value in services.ATTACHMENT_TYPES.items()}[row.content_type]
    # At most 5 MB (intake's limit): read whole, so the digest is of what is sent.
    response = HttpResponse(content, content_type=row.content_type)
    response["Content-Disposition"] = f'attachment; filename="{complaint.number}-{row.pk}{suffix}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
@staff_required(*OFFICERS)
def act(request: HttpRequest, reference: UUID) -> HttpResponse:
    """Carry out one step of the workflow or the remediation; say what went wrong if refused."""
    complaint = _complaint(reference)
    action = _ACTIONS.get(request.POST.get("action", ""))
    if action is None:
        messages.error(request, _("Unknown step."))
    else:
        try:
            action(request, complaint)
        except ServiceError as refusal:
            messages.error(request, refusal_words(refusal))
        else:
            messages.success(request, _("Done."))
    return redirect("staff:complaint", reference=reference)


# Why a step was refused, in the officer's language (never the service's English).
STEP_REFUSALS: dict[str, StrOrPromise] = {
    "wrong_status": gettext_lazy("This step is not possible in the complaint's current state."),
    "second_officer_required": gettext_lazy(
        "Another compliance officer must approve closing an upheld complaint."
    ),
    "not_sent_now": gettext_lazy(
        "The rules do not let this message go out now (for example at night in the "
        "complainant's zone). Try again later."
    ),
    "no_extension_left": gettext_lazy("The deadline has been extended as often as allowed."),
    "finding_not_confirmed": gettext_lazy("Only a confirmed finding can lead to this step."),
    "no_loan": gettext_lazy("This complaint concerns no loan, so there is nothing to correct."),
    "not_upheld": gettext_lazy("An apology follows an upheld complaint only."),
    "no_one_to_reply_to": gettext_lazy(
        "There is no one to send this to: the complaint is anonymous."
    ),
    "not_a_compliance_officer": gettext_lazy("Only compliance officers handle complaints."),
    "invalid_input": gettext_lazy(
        "Some of what was entered is not valid: check the amount, the reason and the other "
        "fields of this step."
    ),
}


def refusal_words(refusal: ServiceError) -> str:
    """Say why a step was refused in the reader's language (a general word if unknown)."""
    words = STEP_REFUSALS.get(refusal.code)
    if words is None:
        return str(_("This step could not be done. Nothing was changed."))
    return str(words)


def _post(request: HttpRequest, name: str) -> str:
    return request.POST.get(name, "")


def _officer(request: HttpRequest) -> User:
    officer = staff_by_id(_post(request, "officer") or 0)
    if officer is None:
        raise InvalidInput({"officer": "choose an officer"})
    return officer


_ACTIONS: dict[str, Callable[[HttpRequest, Complaint], object]] = {
    "assign": lambda r, c: services.assign(complaint=c, officer=_officer(r), actor=_user(r)),
    "investigate": lambda r, c: services.start_investigation(complaint=c, actor=_user(r)),
    "resolve": lambda r, c: services.resolve(
        complaint=c,
        resolution=_post(r, "resolution"),
        summary=_post(r, "summary"),
        actor=_user(r),
    ),
    "close": lambda r, c: services.close(complaint=c, actor=_user(r)),
    "reopen": lambda r, c: services.reopen(complaint=c, reason=_post(r, "note"), actor=_user(r)),
    "extend": lambda r, c: services.extend_deadline(
        complaint=c,
        reason=_post(r, "note"),
        actor=_user(r),
        approved_by=staff_by_id(_post(r, "officer") or 0),
    ),
    "lift_holds": lambda r, c: services.lift_holds(
        complaint=c, reason=_post(r, "note"), actor=_user(r)
    ),
    "apology": lambda r, c: services.send_apology(complaint=c, actor=_user(r)),
    "correction": lambda r, c: services.record_correction(
        complaint=c,
        note=_post(r, "note"),
        reverse_entry_reference=_post(r, "entry"),
        actor=_user(r),
    ),
    "waiver": lambda r, c: services.waive_fee(
        complaint=c,
        installment_n=int(_post(r, "installment") or 0),
        amount=_post(r, "amount"),
        actor=_user(r),
    ),
    "compensation": lambda r, c: services.compensate(
        complaint=c, amount=_post(r, "amount"), actor=_user(r)
    ),
    "coaching": lambda r, c: services.coach_collector(
        complaint=c,
        collector=_collector(r),
        note=_post(r, "note"),
        actor=_user(r),
    ),
    "propose_rule": lambda r, c: services.propose_rule(
        complaint=c, override=_post(r, "override"), actor=_user(r)
    ),
}


def _collector(request: HttpRequest) -> User:
    collector = staff_by_username(_post(request, "collector"))
    if collector is None:
        raise InvalidInput({"collector": "no collector has this username"})
    return collector


@require_safe
@staff_required(*OFFICERS)
def reports(request: HttpRequest) -> HttpResponse:
    pack = request.GET.get("pack") or None
    report = selectors.report(pack=pack, today=timezone.now().date())
    breakdowns = [
        {
            "title": BREAKDOWN_TITLES.get(breakdown.name, breakdown.name),
            "rows": [
                (_row_label(breakdown.name, key), count, rate)
                for key, count, rate in breakdown.rows
            ],
        }
        for breakdown in report.breakdowns
    ]
    context = {"report": report, "breakdowns": breakdowns, "pack": pack}
    return render(request, "staff/complaints/reports.html", context)


# The report's breakdowns and their keys, in the reader's words (never "contacted_others").
BREAKDOWN_TITLES: dict[str, StrOrPromise] = {
    "category": gettext_lazy("By category"),
    "channel": gettext_lazy("By channel"),
    "collector": gettext_lazy("By collector"),
    "outcome": gettext_lazy("By outcome or state"),
}
_KEY_LABELS: dict[str, dict[str, StrOrPromise]] = {
    "category": dict(Category.choices),
    "channel": dict(IntakeChannel.choices),
    "outcome": {**dict(Status.choices), **dict(Resolution.choices)},
}


def _row_label(breakdown: str, key: str) -> str:
    return str(_KEY_LABELS.get(breakdown, {}).get(key, key))


@require_safe
@staff_required(*OFFICERS)
def export(request: HttpRequest, fmt: str) -> HttpResponse:
    pack = request.GET.get("pack") or None
    name = f"complaints-{pack or 'all'}-{timezone.now():%Y%m%d}"
    if fmt == "csv":
        response = HttpResponse(exports.complaints_csv(pack), content_type="text/csv")
    elif fmt == "xlsx":
        response = HttpResponse(
            exports.complaints_xlsx(pack),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        raise Http404("unknown format")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
