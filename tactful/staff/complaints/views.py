"""Staff pages: record a phone complaint, the compliance queue, investigation, reports.

Collectors may record a complaint they took on the phone, and see nothing of it after:
the complainant's identity is never shown to a collector. The queue, the investigation
file and the reports are for compliance officers and administrators.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.contrib import messages
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tactful.accounts.models import User
from tactful.accounts.roles import Role
from tactful.accounts.selectors import actor_names, staff_by_id, staff_by_username, staff_with_roles
from tactful.audit.services import record_event
from tactful.borrowers.selectors import borrower_by_external_id
from tactful.complaints import deadlines, exports, selectors, services
from tactful.complaints.models import (
    Category,
    Complaint,
    IntakeChannel,
    Reply,
    Resolution,
    Status,
)
from tactful.errors import InvalidInput, ServiceError
from tactful.staff.complaints import forms
from tactful.staff.complaints.forms import StaffComplaintForm
from tactful.web.access import staff_required

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

OFFICERS = (Role.COMPLIANCE, Role.ADMIN)
# Evidence an officer may look at in the browser; anything else is only downloaded.
VIEWABLE_TYPES = frozenset({"image/png", "image/jpeg", "text/plain"})


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


@require_http_methods(["GET", "POST"])
@staff_required()
def new_phone_complaint(request: HttpRequest) -> HttpResponse:
    # The account page links here with the borrower filled in.
    borrower_id = request.GET.get("borrower", "")[:64]
    initial = {"borrower_external_id": borrower_id, "complainant_kind": "borrower"}
    form = StaffComplaintForm(request.POST or None, request.FILES or None, initial=initial)
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
        complaint = services.file_complaint(intake=intake, actor=_user(request).audit_actor)
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
    """The queue, narrowed by state, pack, category, deadline risk and officer."""
    chosen = _queue_filter(request)
    today = timezone.now().astimezone(_user(request).zone).date()
    found = selectors.filtered_queue(chosen, today=today)
    context = {
        "complaints": found.complaints[:200],
        "per_status": [(value, label, found.per_status[value]) for value, label in Status.choices],
        "chosen": chosen,
        "statuses": Status.choices,
        "categories": Category.choices,
        "packs": selectors.packs_with_complaints(),
        "risks": RISK_LABELS.items(),
        "officers": staff_with_roles(OFFICERS),
        "me": str(_user(request).pk),
        "today": today,
        "zone": _user(request).zone,
    }
    return render(request, "staff/complaints/queue.html", context)


RISK_LABELS: dict[str, StrOrPromise] = {
    deadlines.Standing.OVERDUE.value: gettext_lazy("Late"),
    deadlines.Standing.DUE_SOON.value: gettext_lazy("Due within two days"),
    deadlines.Standing.ON_TIME.value: gettext_lazy("On time"),
}


def _queue_filter(request: HttpRequest) -> selectors.QueueFilter:
    """Read the filters from the query; a value that is not one of the choices is ignored."""
    query = request.GET

    def one_of(name: str, allowed: Iterable[str]) -> str:
        value = query.get(name, "")
        return value if value in set(allowed) else ""

    assignee = query.get("assignee", "")
    if assignee == "me":
        assignee = str(_user(request).pk)
    if assignee != "none" and not (assignee.isdigit() and len(assignee) < 12):
        assignee = ""
    return selectors.QueueFilter(
        status=one_of("status", Status.values),
        pack=one_of("pack", selectors.packs_with_complaints()),
        category=one_of("category", Category.values),
        risk=one_of("risk", RISK_LABELS),
        assignee=assignee,
    )


def _complaint(reference: UUID) -> Complaint:
    complaint = selectors.complaint_by_reference(reference)
    if complaint is None:
        raise Http404("no such complaint")
    return complaint


@require_safe
@staff_required(*OFFICERS)
def investigation(request: HttpRequest, reference: UUID) -> HttpResponse:
    return _case_page(request, _complaint(reference))


def _case_page(
    request: HttpRequest,
    complaint: Complaint,
    bound: Form | None = None,
    bound_step: str = "",
    status: int = 200,
) -> HttpResponse:
    """The case: what happened, what is waiting, and one form for each step open now."""
    user = _user(request)
    now = timezone.now()
    file = selectors.investigation_file(complaint)
    steps = [
        (step, bound if name == bound_step and bound is not None else _form(name, complaint))
        for name, step in _open_steps(complaint, user)
    ]
    context = {
        "file": file,
        "complaint": complaint,
        "zone": user.zone,
        "clock": selectors.sla_clock(complaint, now=now),
        "replies": selectors.replies_of(complaint),
        "related": selectors.related_complaints(complaint),
        "coaching": selectors.coaching_of(complaint),
        "loan": selectors.loan_of(complaint),
        "closure_request": selectors.closure_request(complaint),
        "actors": actor_names(event.actor for event in file.events),
        "viewable": VIEWABLE_TYPES,
        "me": user.audit_actor,
        "steps": steps,
    }
    return render(request, "staff/complaints/investigation.html", context, status=status)


@require_safe
@staff_required(*OFFICERS)
def attachment(request: HttpRequest, reference: UUID, pk: int) -> HttpResponse:
    """Hand an officer the evidence the complainant sent: to view, or to download.

    Only the types intake accepts are served, with the type recorded at intake; the file's
    SHA-256 is checked against the one recorded, and each opening is audited. Pictures and
    text may be viewed in the browser (`?view=1`), in a sandbox that runs nothing and loads
    nothing else; a PDF is always a download (a viewer runs code).
    """
    complaint = _complaint(reference)
    row = selectors.attachment_of(complaint, pk)
    if row is None or row.content_type not in set(services.ATTACHMENT_TYPES.values()):
        raise Http404("no such attachment")
    content = row.file.open("rb").read()
    if hashlib.sha256(content).hexdigest() != row.sha256:
        raise Http404("the stored file is not the one received")
    view = request.GET.get("view") == "1" and row.content_type in VIEWABLE_TYPES
    record_event(
        actor=_user(request).audit_actor,
        action="complaint.attachment_opened",
        target=row,
        payload={"complaint": complaint.number, "viewed": view},
    )
    suffix = {value: key for key, value in services.ATTACHMENT_TYPES.items()}[row.content_type]
    # At most 5 MB (intake's limit): read whole, so the digest is of what is sent.
    content_type = row.content_type + (
        "; charset=utf-8" if row.content_type == "text/plain" else ""
    )
    response = HttpResponse(content, content_type=content_type)
    disposition = "inline" if view else "attachment"
    response["Content-Disposition"] = (
        f'{disposition}; filename="{complaint.number}-{row.pk}{suffix}"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'"
    return response


@require_POST
@staff_required(*OFFICERS)
def act(request: HttpRequest, reference: UUID) -> HttpResponse:
    """Carry out one step with its own form; say in the officer's words what went wrong."""
    complaint = _complaint(reference)
    user = _user(request)
    name = request.POST.get("action", "")
    step = STEPS.get(name)
    if step is None:
        messages.error(request, _("Unknown step."))
        return redirect("staff:complaint", reference=reference)
    form = _form(name, complaint, request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the fields of this step."))
        return _case_page(request, complaint, form, name, status=422)
    try:
        done = step.run(user, complaint, form.cleaned_data)
    except ServiceError as refusal:
        messages.error(request, refusal_words(refusal))
        status = 422 if isinstance(refusal, InvalidInput) else 409
        return _case_page(request, complaint, form, name, status=status)
    messages.success(request, _done_words(done, user))
    return redirect("staff:complaint", reference=reference)


def _done_words(done: object, user: User) -> str:
    """What the officer reads after a step: for a held message, when it will go."""
    if isinstance(done, Reply) and done.waiting and done.send_at is not None:
        at = done.send_at.astimezone(user.zone)
        return _(
            "The rules do not allow texting the complainant now, so the message is held. "
            "It will be sent on %(day)s at %(time)s (%(zone)s)."
        ) % {"day": f"{at:%Y-%m-%d}", "time": f"{at:%H:%M}", "zone": user.zone.key}
    if isinstance(done, Reply):
        return _("Sent to the complainant.")
    return _("Done.")


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
    "already_waiting": gettext_lazy(
        "An apology is already waiting to be sent when the rules allow; it was not queued twice."
    ),
    "coaching_done": gettext_lazy("This coaching task is done already."),
    "entry_not_found": gettext_lazy("The loan's ledger has no entry with this reference."),
    "already_reversed": gettext_lazy("This ledger entry has been reversed already."),
    "cannot_reverse_reversal": gettext_lazy(
        "This entry is itself a reversal and cannot be reversed."
    ),
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


@dataclass(frozen=True)
class Step:
    """One step of the case page: its words, its form, and the service call it makes."""

    title: StrOrPromise
    hint: StrOrPromise
    button: StrOrPromise
    form_class: type[Form]
    run: Callable[[User, Complaint, dict[str, Any]], object]
    primary: bool = False


class NoFields(Form):
    """A step that needs nothing but the click."""


def _assign(user: User, complaint: Complaint, data: dict[str, Any]) -> object:
    officer = staff_by_id(data["officer"])
    if officer is None:
        raise InvalidInput({"officer": "choose an officer"})
    return services.assign(complaint=complaint, officer=officer, actor=user)


def _extend(user: User, complaint: Complaint, data: dict[str, Any]) -> object:
    approver = staff_by_id(data["approver"]) if data.get("approver") else None
    return services.extend_deadline(
        complaint=complaint, reason=data["reason"], actor=user, approved_by=approver
    )


def _coach(user: User, complaint: Complaint, data: dict[str, Any]) -> object:
    collector = staff_by_username(data["collector"])
    if collector is None:
        raise InvalidInput({"collector": "no collector has this username"})
    return services.coach_collector(
        complaint=complaint, collector=collector, note=data["note"], actor=user
    )


STEPS: dict[str, Step] = {
    "investigate": Step(
        gettext_lazy("Start the investigation"),
        gettext_lazy("Take the complaint up: read the contacts and recordings it concerns."),
        gettext_lazy("Start the investigation"),
        NoFields,
        lambda u, c, d: services.start_investigation(complaint=c, actor=u),
        primary=True,
    ),
    "assign": Step(
        gettext_lazy("Assign"),
        gettext_lazy("Give the complaint to a compliance officer."),
        gettext_lazy("Assign"),
        forms.AssignForm,
        _assign,
    ),
    "request_information": Step(
        gettext_lazy("Ask the complainant a question"),
        gettext_lazy("When something is missing: the date of a call, what was said."),
        gettext_lazy("Send the question"),
        forms.QuestionForm,
        lambda u, c, d: services.request_information(complaint=c, question=d["question"], actor=u),
    ),
    "resolve": Step(
        gettext_lazy("Uphold or reject"),
        gettext_lazy(
            "Record the outcome and why. The complainant reads what you write here on their page."
        ),
        gettext_lazy("Record the outcome"),
        forms.ResolveForm,
        lambda u, c, d: services.resolve(
            complaint=c, resolution=d["resolution"], summary=d["summary"], actor=u
        ),
        primary=True,
    ),
    "apology": Step(
        gettext_lazy("Send the apology"),
        gettext_lazy(
            "The approved apology, in the complainant's language. At night it is held and "
            "sent when the rules allow."
        ),
        gettext_lazy("Send the apology"),
        NoFields,
        lambda u, c, d: services.send_apology(complaint=c, actor=u),
        primary=True,
    ),
    "waiver": Step(
        gettext_lazy("Waive a fee"),
        gettext_lazy("A new ledger entry forgives the fee; the fee's own entry stays."),
        gettext_lazy("Waive the fee"),
        forms.WaiverForm,
        lambda u, c, d: services.waive_fee(
            complaint=c, installment_n=d["installment"], amount=str(d["amount"]), actor=u
        ),
    ),
    "compensation": Step(
        gettext_lazy("Compensate"),
        gettext_lazy("Credited to the debt: it reduces what is owed."),
        gettext_lazy("Compensate"),
        forms.AmountForm,
        lambda u, c, d: services.compensate(complaint=c, amount=str(d["amount"]), actor=u),
    ),
    "correction": Step(
        gettext_lazy("Correct the records"),
        gettext_lazy("Record what was corrected; a ledger entry named here is reversed."),
        gettext_lazy("Record the correction"),
        forms.CorrectionForm,
        lambda u, c, d: services.record_correction(
            complaint=c, note=d["note"], reverse_entry_reference=d["entry"], actor=u
        ),
    ),
    "coaching": Step(
        gettext_lazy("Coaching for the collector"),
        gettext_lazy("Opens a coaching task their supervisor sees."),
        gettext_lazy("Open a coaching task"),
        forms.CoachingForm,
        _coach,
    ),
    "propose_rule": Step(
        gettext_lazy("Propose a stricter rule"),
        gettext_lazy("A lender override of the pack; one that loosens a rule is refused."),
        gettext_lazy("Propose the rule"),
        forms.RuleProposalForm,
        lambda u, c, d: services.propose_rule(complaint=c, override=d["override"], actor=u),
    ),
    "close": Step(
        gettext_lazy("Close"),
        gettext_lazy(
            "An upheld complaint closes when a second compliance officer approves: the "
            "first close asks for it."
        ),
        gettext_lazy("Close"),
        NoFields,
        lambda u, c, d: services.close(complaint=c, actor=u),
        primary=True,
    ),
    "reopen": Step(
        gettext_lazy("Reopen"),
        gettext_lazy("Back to investigation; the outcome recorded is cleared."),
        gettext_lazy("Reopen"),
        forms.ReasonForm,
        lambda u, c, d: services.reopen(complaint=c, reason=d["reason"], actor=u),
    ),
    "extend": Step(
        gettext_lazy("Extend the deadline"),
        gettext_lazy("As the pack allows, with a reason."),
        gettext_lazy("Extend the deadline"),
        forms.ExtendForm,
        _extend,
    ),
    "lift_holds": Step(
        gettext_lazy("Lift the holds"),
        gettext_lazy("Contact about the loan may resume. Say why."),
        gettext_lazy("Lift the holds"),
        forms.ReasonForm,
        lambda u, c, d: services.lift_holds(complaint=c, reason=d["reason"], actor=u),
    ),
}


def _form(name: str, complaint: Complaint, data: Any = None) -> Form:
    """The step's form, prefixed by its name, with the choices it needs."""
    form_class: Any = STEPS[name].form_class
    if form_class in (forms.AssignForm, forms.ExtendForm):
        return form_class(data, prefix=name, officers=staff_with_roles(OFFICERS))  # type: ignore[no-any-return]
    if form_class is forms.CoachingForm:
        return form_class(data, prefix=name, collectors=_collectors_for(complaint))  # type: ignore[no-any-return]
    return form_class(data, prefix=name)  # type: ignore[no-any-return]


def _collectors_for(complaint: Complaint) -> list[str]:
    """The collectors of the complaint's contacts first, then every other collector."""
    involved = selectors.collectors_involved(complaint)
    others = sorted(
        user.username
        for user in staff_with_roles((Role.COLLECTOR,))
        if user.username not in involved
    )
    return [*involved, *others]


def _open_steps(complaint: Complaint, user: User) -> list[tuple[str, Step]]:
    """The steps valid in the complaint's state, in the order an officer takes them."""
    state = complaint.status
    open_now = state in selectors.OPEN_STATUSES
    upheld = state == Status.RESOLVED and complaint.resolution in (
        Resolution.UPHELD,
        Resolution.PARTLY_UPHELD,
    )
    can_reply = complaint.reply_to_id is not None
    request = selectors.closure_request(complaint)
    has_loan = selectors.loan_of(complaint) is not None
    valid = {
        "investigate": state in (Status.RECEIVED, Status.ACKNOWLEDGED),
        "assign": state != Status.CLOSED,
        "request_information": open_now and can_reply,
        "resolve": state == Status.INVESTIGATING,
        "apology": upheld
        and can_reply
        and selectors.waiting_apology(complaint) is None
        and not selectors.apology_sent(complaint),
        "waiver": upheld and has_loan,
        "compensation": upheld and has_loan,
        "correction": upheld,
        "coaching": upheld and staff_with_roles((Role.COLLECTOR,)).exists(),
        "propose_rule": upheld,
        "close": state == Status.RESOLVED
        and (request is None or request.actor != user.audit_actor),
        "reopen": state in (Status.RESOLVED, Status.CLOSED),
        "extend": open_now and selectors.next_extension(complaint) is not None,
        "lift_holds": any(not hasattr(link.hold, "lift") for link in complaint.holds.all()),
    }
    return [(name, STEPS[name]) for name in STEPS if valid[name]]


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
