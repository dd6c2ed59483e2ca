"""Read paths of call QA: who may see which recordings, and what a reviewer needs."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from django.db.models import Count, QuerySet

from tactful.accounts.models import User
from tactful.accounts.roles import Role
from tactful.callqa.models import (
    Finding,
    FindingReview,
    Recording,
    Segment,
    SupervisorAlert,
    VulnerabilitySignal,
)
from tactful.contacts import selectors as contacts
from tactful.contacts.models import ContactAttempt

# Quality staff see every call; a collector sees only the calls made under their permits.
QUALITY_ROLES = (Role.SUPERVISOR, Role.COMPLIANCE, Role.ADMIN)


def recordings_for(user: User) -> QuerySet[Recording]:
    """Return the recordings `user` may open, newest first."""
    recordings = (
        Recording.objects.select_related(
            "attempt__recipient__borrower", "attempt__recipient__phone_number", "attempt__collector"
        )
        .annotate(finding_count=Count("findings"))
        .order_by("-uploaded_at", "-pk")
    )
    if user.has_role(*QUALITY_ROLES):
        return recordings
    if user.has_role(Role.COLLECTOR):
        return recordings.filter(attempt__collector=user)
    return recordings.none()


def findings_waiting_for_review() -> QuerySet[Finding]:
    """Return the findings nobody has reviewed yet, the oldest first: the call-QA queue."""
    return (
        Finding.objects.filter(reviews__isnull=True)
        .select_related("recording__attempt__collector", "segment")
        .order_by("found_at", "pk")
    )


def recording_for(user: User, reference: UUID) -> Recording | None:
    return recordings_for(user).filter(reference=reference).first()


def recording_by_reference(reference: UUID) -> Recording | None:
    """Return the recording `reference`, whoever uploaded it (the API key's own check)."""
    return Recording.objects.select_related("attempt").filter(reference=reference).first()


def finding_by_id(finding_id: int) -> Finding | None:
    return (
        Finding.objects.select_related("recording__attempt__collector")
        .filter(pk=finding_id)
        .first()
    )


def alert_by_id(alert_id: int) -> SupervisorAlert | None:
    return SupervisorAlert.objects.select_related("signal__recording").filter(pk=alert_id).first()


def permits_for_upload(user: User) -> QuerySet[ContactAttempt]:
    """Return the granted call permits `user` may attach a recording to."""
    permits = contacts.permitted_calls()
    if user.has_role(*QUALITY_ROLES):
        return permits
    return permits.filter(collector=user)


def permit_by_code(code: str) -> ContactAttempt | None:
    return contacts.attempt_with_code(code.strip().upper())


def permit_by_id(permit_id: UUID) -> ContactAttempt | None:
    return contacts.permit_by_id(permit_id)


def recordings_of(attempt: ContactAttempt) -> list[Recording]:
    """Return the recordings of a permitted call, with their segments and reviews."""
    return list(
        Recording.objects.filter(attempt=attempt).prefetch_related("segments", "findings__reviews")
    )


def open_alerts_for(user: User) -> QuerySet[SupervisorAlert]:
    """Return the distress alerts nobody has taken yet, for those who must take them."""
    if not user.has_role(*QUALITY_ROLES):
        return SupervisorAlert.objects.none()
    return (
        SupervisorAlert.objects.filter(acknowledged_at__isnull=True)
        .select_related("signal__recording")
        .order_by("raised_at")
    )


def latest_review(finding: Finding) -> FindingReview | None:
    return finding.reviews.order_by("-reviewed_at", "-pk").first()


@dataclass(frozen=True)
class SegmentView:
    """A segment as the review page shows it: text cut around the findings."""

    segment: Segment
    pieces: list[tuple[str, Finding | None]]
    findings: list[tuple[Finding, FindingReview | None]]
    signals: list[VulnerabilitySignal]


def segments_for_review(recording: Recording) -> list[SegmentView]:
    findings = list(recording.findings.prefetch_related("reviews"))
    signals = list(recording.signals.all())
    views = []
    for segment in recording.segments.order_by("index"):
        own = [finding for finding in findings if finding.segment_id == segment.pk]
        views.append(
            SegmentView(
                segment=segment,
                pieces=_pieces(segment.text, own),
                findings=[(finding, _newest(finding)) for finding in own],
                signals=[signal for signal in signals if signal.segment_id == segment.pk],
            )
        )
    return views


def _newest(finding: Finding) -> FindingReview | None:
    reviews = sorted(finding.reviews.all(), key=lambda review: (review.reviewed_at, review.pk))
    return reviews[-1] if reviews else None


def _pieces(text: str, findings: list[Finding]) -> list[tuple[str, Finding | None]]:
    """Cut `text` into plain runs and the runs a finding quotes (the first wins overlaps)."""
    pieces: list[tuple[str, Finding | None]] = []
    cursor = 0
    for finding in sorted(findings, key=lambda found: found.start):
        if finding.start < cursor:
            continue
        pieces.append((text[cursor : finding.start], None))
        pieces.append((text[finding.start : finding.end], finding))
        cursor = finding.end
    pieces.append((text[cursor:], None))
    return [(piece, finding) for piece, finding in pieces if piece]


def borrower_language(recording: Recording) -> str:
    return recording.attempt.recipient.borrower.preferred_language or "zh-hans"


def confirmed_findings_by_collector() -> dict[int, int]:
    """Return, per collector id, how many findings on their calls a reviewer confirmed."""
    rows = (
        Finding.objects.filter(
            reviews__verdict="confirmed", recording__attempt__collector__isnull=False
        )
        .values("recording__attempt__collector_id")
        .annotate(n=Count("pk", distinct=True))
    )
    return {row["recording__attempt__collector_id"]: row["n"] for row in rows}
