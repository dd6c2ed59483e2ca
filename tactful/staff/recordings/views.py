"""Staff pages of call QA: upload a recording, read its transcript and findings, review them.

Collectors see the calls made under their own permits; supervisors, compliance officers
and administrators see every call and review findings. Names and numbers are masked.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tactful.accounts.models import User
from tactful.accounts.roles import Role
from tactful.callqa import selectors, services
from tactful.callqa.models import Finding, Recording, Verdict
from tactful.callqa.support import support_resources
from tactful.complaints.services import (
    coach_collector,
    open_complaint_from_finding,
    review_finding_and_coach,
)
from tactful.errors import ServiceError
from tactful.staff.recordings.forms import CoachingForm, ReviewForm, UploadForm
from tactful.web.access import staff_required

ALL_STAFF = (Role.COLLECTOR, Role.SUPERVISOR, Role.COMPLIANCE, Role.ADMIN)
REVIEWERS = (Role.SUPERVISOR, Role.COMPLIANCE, Role.ADMIN)
_LIST_LENGTH = 100


@require_http_methods(["GET", "POST"])
@staff_required(*ALL_STAFF)
def recordings(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        uploaded = _upload(form, user)
        if uploaded is not None:
            messages.success(request, _("The recording was uploaded; it will be transcribed."))
            return redirect("staff:recording", reference=uploaded.reference)
    context = {
        "form": form,
        "recordings": selectors.recordings_for(user)[:_LIST_LENGTH],
        "alerts": selectors.open_alerts_for(user),
        "can_review": user.has_role(*REVIEWERS),
    }
    return render(request, "staff/recordings/recordings.html", context, status=_status_of(form))


@require_safe
@staff_required(*REVIEWERS)
def qa_queue(request: HttpRequest) -> HttpResponse:
    """The call-QA queue: every finding nobody has reviewed, the oldest first."""
    waiting = selectors.findings_waiting_for_review()
    context = {
        "findings": [
            (finding, ReviewForm(auto_id=f"id_finding_{finding.pk}_%s"))
            for finding in waiting[:_LIST_LENGTH]
        ],
        "total": waiting.count(),
    }
    return render(request, "staff/recordings/queue.html", context)


def _upload(form: UploadForm, user: User) -> Recording | None:
    permit = selectors.permits_for_upload(user).filter(
        verification_code=form.cleaned_data["permit_code"].strip().upper()
    )
    attempt = permit.first()
    if attempt is None:
        form.add_error("permit_code", _("None of your granted call permits has this code."))
        return None
    try:
        recording, _new = services.upload_recording(
            attempt=attempt, audio=form.cleaned_data["audio"], actor=f"user:{user.pk}"
        )
    except ServiceError as error:
        field = "audio" if "audio" in error.fields else None
        form.add_error(field, error.message)
        return None
    return recording


def _status_of(form: UploadForm) -> int:
    return 422 if form.is_bound and form.errors else 200


@require_safe
@staff_required(*ALL_STAFF)
def recording(request: HttpRequest, reference: UUID) -> HttpResponse:
    user = _user(request)
    found = _visible(user, reference)
    context: dict[str, Any] = {
        "recording": found,
        "segments": selectors.segments_for_review(found),
        "can_review": user.has_role(*REVIEWERS),
        "review_form": ReviewForm(),
        "coaching_form": CoachingForm(),
        "alerts": selectors.open_alerts_for(user),
    }
    if found.signals.filter(kind="distress").exists():
        context["support"] = support_resources(selectors.borrower_language(found))
    return render(request, "staff/recordings/recording.html", context)


@require_safe
@staff_required(*ALL_STAFF)  # type: ignore[arg-type]  # a FileResponse streams; not an HttpResponse
def recording_audio(request: HttpRequest, reference: UUID) -> FileResponse:
    found = _visible(_user(request), reference)
    return FileResponse(found.audio.open("rb"), as_attachment=False)


@require_POST
@staff_required(*REVIEWERS)
def review_finding(request: HttpRequest, finding_id: int) -> HttpResponse:
    finding = _finding(finding_id)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a verdict."))
        return redirect("staff:recording", reference=finding.recording.reference)
    try:
        review_finding_and_coach(
            finding=finding,
            verdict=form.cleaned_data["verdict"],
            reason=form.cleaned_data["reason"],
            reviewer=_user(request),
        )
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your review was recorded."))
    if request.POST.get("back") == "queue":
        return redirect("staff:qa-queue")
    return redirect("staff:recording", reference=finding.recording.reference)


@require_POST
@staff_required(*REVIEWERS)
def complaint_from_finding(request: HttpRequest, finding_id: int) -> HttpResponse:
    finding = _finding(finding_id)
    if not _confirmed(finding):
        messages.error(request, _("Only a confirmed finding opens a complaint."))
        return redirect("staff:recording", reference=finding.recording.reference)
    try:
        complaint = open_complaint_from_finding(finding=finding, actor=_user(request))
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Complaint %(number)s is on record for this finding.") % {"number": complaint.number},
        )
    return redirect("staff:recording", reference=finding.recording.reference)


@require_POST
@staff_required(*REVIEWERS)
def coaching_from_finding(request: HttpRequest, finding_id: int) -> HttpResponse:
    finding = _finding(finding_id)
    form = CoachingForm(request.POST)
    collector = finding.recording.attempt.collector
    refusal = _coaching_refusal(finding, form, collector)
    if refusal or collector is None:
        messages.error(request, refusal)
        return redirect("staff:recording", reference=finding.recording.reference)
    try:
        coach_collector(
            collector=collector,
            note=form.cleaned_data["note"],
            finding=finding,
            actor=_user(request),
        )
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("A coaching task was opened for the collector."))
    return redirect("staff:recording", reference=finding.recording.reference)


def _coaching_refusal(finding: Finding, form: CoachingForm, collector: User | None) -> str:
    # The coaching service also serves complaints, so it does not ask about the finding's
    # state: only a finding a person confirmed may put a collector in coaching.
    if not _confirmed(finding):
        return _("Only a confirmed finding leads to coaching.")
    if collector is None:
        return _("No collector made this call: there is nobody to coach.")
    if not form.is_valid():
        return _("Say what the collector should work on.")
    return ""


def _confirmed(finding: Finding) -> bool:
    review = selectors.latest_review(finding)
    return review is not None and review.verdict == Verdict.CONFIRMED


def _finding(finding_id: int) -> Finding:
    finding = selectors.finding_by_id(finding_id)
    if finding is None:
        raise Http404("no such finding")
    return finding


@require_POST
@staff_required(*REVIEWERS)
def acknowledge_alert(request: HttpRequest, alert_id: int) -> HttpResponse:
    alert = selectors.alert_by_id(alert_id)
    if alert is None:
        raise Http404("no such alert")
    try:
        services.acknowledge_alert(alert=alert, supervisor=_user(request))
    except ServiceError as error:
        messages.error(request, error.message)
    return redirect("staff:recording", reference=alert.signal.recording.reference)


def _visible(user: User, reference: UUID) -> Recording:
    found = selectors.recording_for(user, reference)
    if found is None:
        # The same answer for "not yours" and "no such recording": nothing leaks.
        raise Http404("no such recording")
    return found


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # staff_required let only staff through
    return user
