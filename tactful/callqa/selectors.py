"""Read paths of call QA: who may see which recordings, and what a reviewer needs."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from uuid import UUID

from django.db.models import Case, CharField, Count, F, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce, TruncDate

from tactful.accounts.models import User
from tactful.accounts.roles import Role
from tactful.callqa.models import (
    Finding,
    FindingReview,
    Recording,
    Segment,
    Status,
    SupervisorAlert,
    Verdict,
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
        .annotate(finding_count=_finding_count())
        .order_by("-uploaded_at", "-pk")
    )
    if user.has_role(*QUALITY_ROLES):
        return recordings
    if user.has_role(Role.COLLECTOR):
        return recordings.filter(attempt__collector=user)
    return recordings.none()


def _finding_count() -> Coalesce:
    # Counted in a subquery, not by grouping the recordings: on PostgreSQL the permits read
    # with them are partitioned by month, and a GROUP BY of a permit's id alone no longer
    # covers its other columns (its primary key holds the month too; ADR 0019).
    counts = (
        Finding.objects.filter(recording=OuterRef("pk"))
        .order_by()
        .values("recording")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(counts), 0)


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
    """Return, per collector id, how many findings on their calls stand confirmed.

    The newest review is a finding's state: one confirmed and later dismissed is not counted.
    """
    rows = (
        _confirmed_findings()
        .filter(recording__attempt__collector__isnull=False)
        .values("recording__attempt__collector_id")
        .annotate(n=Count("pk", distinct=True))
        .order_by()
    )
    return {row["recording__attempt__collector_id"]: row["n"] for row in rows}


def confirmed_findings_of_calls(attempt_ids: Iterable[int]) -> dict[int, list[Finding]]:
    """Return, per permit id, the findings on its recorded call that stand confirmed, in the
    order they were said (with their segment, for the time in the call)."""
    findings = (
        _confirmed_findings()
        .filter(recording__attempt_id__in=list(attempt_ids))
        .select_related("segment", "recording")
        .order_by("recording__attempt_id", "segment__start_seconds", "start", "pk")
    )
    found: dict[int, list[Finding]] = {}
    for finding in findings:
        found.setdefault(finding.recording.attempt_id, []).append(finding)
    return found


def _confirmed_findings() -> QuerySet[Finding]:
    newest = FindingReview.objects.filter(finding=OuterRef("pk")).order_by("-reviewed_at", "-pk")
    return Finding.objects.annotate(verdict=Subquery(newest.values("verdict")[:1])).filter(
        verdict=Verdict.CONFIRMED
    )


# (local day, pack, the parts of the key, how many): what the oversight roll-ups store.
DayCounts = list[tuple[date, str, tuple[str, ...], int]]


def inspected_call_counts_per_day(*, start: datetime, end: datetime, zone: tzinfo) -> DayCounts:
    """Count the inspected call recordings uploaded in [start, end) per day in `zone`, pack
    and collector id ("" for none)."""
    rows = (
        Recording.objects.filter(
            uploaded_at__gte=start, uploaded_at__lt=end, status=Status.INSPECTED
        )
        .annotate(day=TruncDate("uploaded_at", tzinfo=zone))
        .values_list("day", "attempt__pack", "attempt__collector_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [(day, pack, (_id(collector),), n) for day, pack, collector, n in rows]


def finding_counts_per_day(*, start: datetime, end: datetime, zone: tzinfo) -> DayCounts:
    """Count the checker's findings on calls uploaded in [start, end) per upload day in
    `zone`, pack, category and collector id: the same calls as `inspected_call_counts_per_day`."""
    rows = (
        Finding.objects.filter(
            recording__uploaded_at__gte=start,
            recording__uploaded_at__lt=end,
            recording__status=Status.INSPECTED,
        )
        .annotate(day=TruncDate("recording__uploaded_at", tzinfo=zone))
        .values_list(
            "day", "recording__attempt__pack", "category", "recording__attempt__collector_id"
        )
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [
        (day, pack, (category, _id(collector)), n) for day, pack, category, collector, n in rows
    ]


def signal_counts_per_day(*, start: datetime, end: datetime, zone: tzinfo) -> DayCounts:
    """Count the vulnerability signals heard in [start, end) per day in `zone`, pack and kind."""
    rows = (
        VulnerabilitySignal.objects.filter(heard_at__gte=start, heard_at__lt=end)
        .annotate(day=TruncDate("heard_at", tzinfo=zone))
        .values_list("day", "recording__attempt__pack", "kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [(day, pack, (kind,), n) for day, pack, kind, n in rows]


# How long a supervisor took to acknowledge a distress alert, in closed buckets.
REVIEW_WITHIN = (
    ("1h", timedelta(hours=1)),
    ("24h", timedelta(hours=24)),
    ("72h", timedelta(hours=72)),
)
REVIEW_LATER = "later"


def alert_review_counts_per_day(*, start: datetime, end: datetime, zone: tzinfo) -> DayCounts:
    """Count the distress alerts acknowledged in [start, end) per day of acknowledgement in
    `zone`, pack, the signal's kind and how soon after the alert (REVIEW_WITHIN buckets)."""
    within = _review_within()
    rows = (
        SupervisorAlert.objects.filter(acknowledged_at__gte=start, acknowledged_at__lt=end)
        .annotate(day=TruncDate("acknowledged_at", tzinfo=zone), within=within)
        .values_list("day", "signal__recording__attempt__pack", "signal__kind", "within")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [(day, pack, (kind, bucket), n) for day, pack, kind, bucket, n in rows]


def alerts_acknowledged_between(
    *, start: datetime, end: datetime, pack: str = "", kind: str = "", within: str = ""
) -> QuerySet[SupervisorAlert]:
    """Return the distress alerts acknowledged in [start, end), newest first."""
    alerts = SupervisorAlert.objects.filter(
        acknowledged_at__gte=start, acknowledged_at__lt=end
    ).annotate(within=_review_within())
    if pack:
        alerts = alerts.filter(signal__recording__attempt__pack=pack)
    if kind:
        alerts = alerts.filter(signal__kind=kind)
    if within:
        alerts = alerts.filter(within=within)
    return alerts.select_related("signal__recording").order_by("-acknowledged_at", "-pk")


def _review_within() -> Case:
    return Case(
        *(
            When(acknowledged_at__lte=F("raised_at") + limit, then=Value(name))
            for name, limit in REVIEW_WITHIN
        ),
        default=Value(REVIEW_LATER),
        output_field=CharField(),
    )


def alerts_waiting(*, pack: str = "") -> int:
    """Count the distress alerts nobody has acknowledged yet."""
    alerts = SupervisorAlert.objects.filter(acknowledged_at__isnull=True)
    if pack:
        alerts = alerts.filter(signal__recording__attempt__pack=pack)
    return alerts.count()


def findings_between(
    *, start: datetime, end: datetime, pack: str = "", category: str = "", collector: str = ""
) -> QuerySet[Finding]:
    """Return the findings on inspected calls uploaded in [start, end), newest call first."""
    findings = Finding.objects.filter(
        recording__uploaded_at__gte=start,
        recording__uploaded_at__lt=end,
        recording__status=Status.INSPECTED,
    )
    if pack:
        findings = findings.filter(recording__attempt__pack=pack)
    if category:
        findings = findings.filter(category=category)
    if collector == "none":
        findings = findings.filter(recording__attempt__collector__isnull=True)
    elif collector.isdigit():
        findings = findings.filter(recording__attempt__collector_id=int(collector))
    return findings.select_related("recording__attempt__collector").order_by(
        "-recording__uploaded_at", "-pk"
    )


def signals_between(
    *, start: datetime, end: datetime, pack: str = "", kind: str = ""
) -> QuerySet[VulnerabilitySignal]:
    """Return the vulnerability signals heard in [start, end), with when each was reviewed."""
    signals = VulnerabilitySignal.objects.filter(heard_at__gte=start, heard_at__lt=end)
    if pack:
        signals = signals.filter(recording__attempt__pack=pack)
    if kind:
        signals = signals.filter(kind=kind)
    return signals.select_related("recording", "alert").order_by("-heard_at", "-pk")


def _id(pk: int | None) -> str:
    return "none" if pk is None else str(pk)


def inspected_call_count_of_pack(*, pack: str, start: datetime, end: datetime) -> int:
    """Count the inspected calls of `pack` uploaded in [start, end)."""
    return Recording.objects.filter(
        attempt__pack=pack, uploaded_at__gte=start, uploaded_at__lt=end, status=Status.INSPECTED
    ).count()


def finding_verdict_counts_of_pack(
    *, pack: str, start: datetime, end: datetime
) -> list[tuple[str, str, int]]:
    """Count the findings on inspected calls of `pack` uploaded in [start, end) per category
    and the newest review's verdict ("" while nobody has reviewed it), grouped in the database."""
    newest = FindingReview.objects.filter(finding=OuterRef("pk")).order_by("-reviewed_at", "-pk")
    rows = (
        Finding.objects.filter(
            recording__attempt__pack=pack,
            recording__uploaded_at__gte=start,
            recording__uploaded_at__lt=end,
            recording__status=Status.INSPECTED,
        )
        .annotate(verdict=Coalesce(Subquery(newest.values("verdict")[:1]), Value("")))
        .values_list("category", "verdict")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [(category, verdict, n) for category, verdict, n in rows]
