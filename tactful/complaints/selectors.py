"""Reads of complaints: the queue, the investigation file, the complainant's view, reports."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from django.db.models import Case, CharField, Count, DateField, F, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce, TruncDate

from tactful.borrowers.models import Borrower
from tactful.callqa.models import Recording
from tactful.callqa.selectors import recordings_of
from tactful.complaints import deadlines
from tactful.complaints.models import (
    Attachment,
    CoachingTask,
    Complaint,
    ComplaintEvent,
    EventKind,
    LinkedAttempt,
    Reply,
    ReplyKind,
    Status,
)
from tactful.contacts.models import ContactAttempt
from tactful.contacts.packs import STRICTEST_PACK, pack_time_zone
from tactful.loans.models import Loan
from tactful.loans.selectors import loan_count
from tactful.policy.packs import pack_names

PER_ACCOUNTS = 10_000


def attachment_of(complaint: Complaint, pk: int) -> Attachment | None:
    """Return the attachment `pk` only if it was sent with `complaint`."""
    return complaint.attachments.filter(pk=pk).first()


def complaint_with_submission_key(key: str) -> Complaint | None:
    return Complaint.objects.filter(submission_key=key).first()


def complaint_by_reference(reference: UUID) -> Complaint | None:
    return Complaint.objects.filter(reference=reference).first()


def queue() -> QuerySet[Complaint]:
    """Open complaints first, the most urgent deadline first."""
    return Complaint.objects.select_related("assigned_to").order_by("closed_at", "due_on", "pk")


OPEN_STATUSES = (Status.RECEIVED, Status.ACKNOWLEDGED, Status.INVESTIGATING)


@dataclass(frozen=True)
class QueueFilter:
    """What an officer narrowed the queue to; empty values mean "any"."""

    status: str = ""
    pack: str = ""
    category: str = ""
    # deadlines.Standing's values: on_time, due_soon, overdue (open complaints only).
    risk: str = ""
    # An officer's pk, or "none" for complaints nobody has taken.
    assignee: str = ""


@dataclass(frozen=True)
class FilteredQueue:
    complaints: QuerySet[Complaint]
    # How many complaints each state holds under the other filters.
    per_status: dict[str, int] = field(default_factory=dict)


def filtered_queue(chosen: QueueFilter, *, today: date) -> FilteredQueue:
    """The queue narrowed by `chosen`, and the count per state under the other filters."""
    others = queue()
    if chosen.pack:
        others = others.filter(pack=chosen.pack)
    if chosen.category:
        others = others.filter(category=chosen.category)
    if chosen.assignee == "none":
        others = others.filter(assigned_to__isnull=True)
    elif chosen.assignee.isdigit():
        others = others.filter(assigned_to_id=int(chosen.assignee))
    if chosen.risk:
        others = others.filter(_risk(chosen.risk, today))
    counts = dict(others.order_by().values_list("status").annotate(n=Count("pk")))
    per_status = {status: counts.get(status, 0) for status in Status.values}
    chosen_ones = others.filter(status=chosen.status) if chosen.status else others
    return FilteredQueue(chosen_ones, per_status)


def _risk(risk: str, today: date) -> Q:
    open_now = Q(status__in=OPEN_STATUSES)
    soon = today + timedelta(days=deadlines.DUE_SOON_DAYS)
    if risk == deadlines.Standing.OVERDUE.value:
        return open_now & Q(due_on__lt=today)
    if risk == deadlines.Standing.DUE_SOON.value:
        return open_now & Q(due_on__gte=today, due_on__lte=soon)
    return open_now & Q(due_on__gt=soon)


def packs_with_complaints() -> list[str]:
    return sorted(set(Complaint.objects.values_list("pack", flat=True)))


@dataclass(frozen=True)
class SlaClock:
    """A complaint's deadline as an instant, how long is left, and how it stands."""

    deadline: datetime  # the end of the due day in the pack's zone, as UTC
    left: timedelta  # negative once late
    standing: deadlines.Standing
    stopped: bool  # resolved or closed: the clock no longer runs


def sla_clock(complaint: Complaint, *, now: datetime) -> SlaClock:
    zone = pack_time_zone(complaint.pack)
    end_of_day = datetime.combine(complaint.due_on + timedelta(days=1), time(0), tzinfo=zone)
    today = now.astimezone(zone).date()
    return SlaClock(
        deadline=end_of_day,
        left=end_of_day - now,
        standing=deadlines.standing(complaint.due_on, today),
        stopped=complaint.status not in OPEN_STATUSES,
    )


def related_complaints(complaint: Complaint, *, limit: int = 10) -> list[Complaint]:
    """Other complaints by the same borrower or the same complainant, newest first."""
    same = Q(pk__in=[])
    if complaint.borrower_id is not None:
        same |= Q(borrower_id=complaint.borrower_id)
    if complaint.complainant_digest:
        same |= Q(complainant_digest=complaint.complainant_digest)
    if complaint.reply_to_id is not None:
        same |= Q(reply_to_id=complaint.reply_to_id)
    found = Complaint.objects.filter(same).exclude(pk=complaint.pk).order_by("-received_at")
    return list(found[:limit])


def loan_of(complaint: Complaint) -> Loan | None:
    """The loan the complaint concerns: named at intake, else that of a linked contact."""
    if complaint.loan is not None:
        return complaint.loan
    linked = (
        complaint.attempts.select_related("attempt__loan")
        .filter(attempt__loan__isnull=False)
        .first()
    )
    return linked.attempt.loan if linked is not None else None


def closure_request(complaint: Complaint) -> ComplaintEvent | None:
    """The request to close that still waits for a second officer, if there is one."""
    latest = (
        complaint.events.filter(
            kind__in=[EventKind.CLOSURE_REQUESTED, EventKind.RESOLVED, EventKind.REOPENED]
        )
        .order_by("-at", "-pk")
        .first()
    )
    return latest if latest is not None and latest.kind == EventKind.CLOSURE_REQUESTED else None


def next_extension(complaint: Complaint) -> deadlines.Extension | None:
    """The pack's next extension of the deadline, or None when none is left."""
    try:
        return deadlines.next_extension(deadlines.policy_for(complaint.pack), complaint.extensions)
    except deadlines.SlaError:
        return None


def replies_of(complaint: Complaint) -> list[Reply]:
    return list(complaint.replies.order_by("requested_at", "pk"))


def waiting_apology(complaint: Complaint) -> Reply | None:
    return complaint.replies.filter(
        kind=ReplyKind.APOLOGY, sent_at__isnull=True, send_at__isnull=False
    ).first()


def apology_sent(complaint: Complaint) -> bool:
    return complaint.replies.filter(kind=ReplyKind.APOLOGY, sent_at__isnull=False).exists()


def open_question(complaint: Complaint) -> Reply | None:
    """The officer's latest question not yet answered (sent, or held for the morning)."""
    return (
        complaint.replies.filter(kind=ReplyKind.INFORMATION_REQUEST, answered_at__isnull=True)
        .filter(Q(sent_at__isnull=False) | Q(send_at__isnull=False))
        .order_by("-requested_at", "-pk")
        .first()
    )


def coaching_of(complaint: Complaint) -> list[CoachingTask]:
    return list(complaint.coaching.select_related("collector").order_by("created_at", "pk"))


def complainant_zone(complaint: Complaint) -> ZoneInfo:
    """The zone the complainant lives in as far as we know: the borrower's, else the pack's."""
    if complaint.borrower is not None and complaint.borrower.time_zone:
        return ZoneInfo(complaint.borrower.time_zone)
    return pack_time_zone(complaint.pack)


def complaints_of_borrower(borrower: Borrower) -> QuerySet[Complaint]:
    return Complaint.objects.filter(borrower=borrower).order_by("-received_at")


def complaint_of_borrower(borrower: Borrower, reference: UUID) -> Complaint | None:
    return complaints_of_borrower(borrower).filter(reference=reference).first()


@dataclass(frozen=True)
class Evidence:
    attempt: ContactAttempt
    recordings: list[Recording]


@dataclass(frozen=True)
class InvestigationFile:
    complaint: Complaint
    evidence: list[Evidence]
    collectors: list[str]
    events: list[Any]
    holds: list[Any]
    remediations: list[Any]


def investigation_file(complaint: Complaint) -> InvestigationFile:
    """Return everything the investigation needs: contacts, recordings, findings, timeline."""
    attempts = [
        link.attempt
        for link in complaint.attempts.select_related(
            "attempt__collector", "attempt__loan", "attempt__recipient"
        ).order_by("attempt__requested_at")
    ]
    evidence = [Evidence(attempt, _recordings(attempt)) for attempt in attempts]
    return InvestigationFile(
        complaint=complaint,
        evidence=evidence,
        collectors=collectors_involved(complaint),
        events=list(complaint.events.order_by("at", "pk")),
        holds=list(complaint.holds.select_related("hold__lift", "hold__loan").order_by("pk")),
        remediations=list(complaint.remediations.order_by("recorded_at", "pk")),
    )


def collectors_involved(complaint: Complaint) -> list[str]:
    """The usernames of the collectors of the contacts the complaint concerns, sorted."""
    names = complaint.attempts.filter(attempt__collector__isnull=False).values_list(
        "attempt__collector__username", flat=True
    )
    return sorted(set(names))


def _recordings(attempt: ContactAttempt) -> list[Recording]:
    return recordings_of(attempt)


# --- reports ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Breakdown:
    name: str
    rows: list[tuple[str, int, Decimal]]


@dataclass(frozen=True)
class Report:
    accounts: int
    total: int
    per_10k: Decimal
    breakdowns: list[Breakdown]
    resolved: int
    resolved_on_time: int
    open_overdue: int

    @property
    def sla_rate(self) -> Decimal | None:
        if not self.resolved:
            return None
        return _percent(self.resolved_on_time, self.resolved)


def report(*, pack: str | None = None, today: date) -> Report:
    """Count complaints per 10,000 accounts by category, channel, collector and outcome."""
    complaints = list(_of_pack(pack))
    accounts = loan_count()
    collectors = _collectors_by_complaint(complaints)
    breakdowns = [
        _breakdown("category", Counter(c.category for c in complaints), accounts),
        _breakdown("channel", Counter(c.channel for c in complaints), accounts),
        _breakdown(
            "collector",
            Counter(name for c in complaints for name in collectors.get(c.pk, ["—"])),
            accounts,
        ),
        _breakdown("outcome", Counter(c.resolution or c.status for c in complaints), accounts),
    ]
    resolved = [c for c in complaints if c.resolved_at is not None]
    return Report(
        accounts=accounts,
        total=len(complaints),
        per_10k=_rate(len(complaints), accounts),
        breakdowns=breakdowns,
        resolved=len(resolved),
        resolved_on_time=sum(within_sla(c) for c in resolved),
        open_overdue=sum(
            c.resolved_at is None and c.status != Status.CLOSED and c.due_on < today
            for c in complaints
        ),
    )


def within_sla(complaint: Complaint) -> bool:
    """Tell whether the complaint was resolved by its deadline: by the end of its due day
    in its pack's zone, as the SLA clock counts (an answer at 01:00 in Shanghai the day
    after is late, though it is still the due day in UTC)."""
    if complaint.resolved_at is None:
        return False
    return complaint.resolved_at.astimezone(pack_time_zone(complaint.pack)).date() <= (
        complaint.due_on
    )


def _day_in_pack_zone(moment: Any) -> Case:
    """The day of `moment` in each complaint's pack's zone, in the database (the SLA
    clock's day; a pack no longer shipped counts in the strictest pack's zone)."""
    return Case(
        *(
            When(pack=name, then=TruncDate(moment, tzinfo=pack_time_zone(name)))
            for name in pack_names()
        ),
        default=TruncDate(moment, tzinfo=pack_time_zone(STRICTEST_PACK)),
        output_field=DateField(),
    )


def export_rows(pack: str | None) -> list[dict[str, object]]:
    """Return one row per complaint for the regulator: no personal data."""
    complaints = list(_of_pack(pack).order_by("received_at", "pk"))
    collectors = _collectors_by_complaint(complaints)
    return [
        {
            "number": c.number,
            "pack": c.pack,
            "received_on": c.received_at.date().isoformat(),
            "channel": c.channel,
            "category": c.category,
            "complainant": c.complainant_kind,
            "status": c.status,
            "outcome": c.resolution,
            "due_on": c.due_on.isoformat(),
            "extensions": c.extensions,
            "resolved_on": c.resolved_at.date().isoformat() if c.resolved_at else "",
            "within_sla": "yes" if within_sla(c) else ("no" if c.resolved_at else ""),
            "linked_contacts": c.attempts.count(),
            "collectors": len(collectors.get(c.pk, [])),
        }
        for c in complaints
    ]


def _of_pack(pack: str | None) -> QuerySet[Complaint]:
    complaints = Complaint.objects.all()
    return complaints.filter(pack=pack) if pack else complaints


def _collectors_by_complaint(complaints: list[Complaint]) -> dict[int, list[str]]:
    found: dict[int, set[str]] = {}
    links = LinkedAttempt.objects.filter(
        complaint__in=complaints, attempt__collector__isnull=False
    ).values_list("complaint_id", "attempt__collector__username")
    for complaint_id, username in links:
        found.setdefault(complaint_id, set()).add(username)
    return {key: sorted(names) for key, names in found.items()}


def _breakdown(name: str, counts: Counter[str], accounts: int) -> Breakdown:
    rows = [(key, count, _rate(count, accounts)) for key, count in counts.most_common()]
    return Breakdown(name, rows)


def _rate(count: int, accounts: int) -> Decimal:
    if not accounts:
        return Decimal("0.00")
    return (Decimal(count) * PER_ACCOUNTS / accounts).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


def _percent(part: int, whole: int) -> Decimal:
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def open_coaching() -> QuerySet[CoachingTask]:
    """Return the coaching tasks not done yet, oldest first."""
    return (
        CoachingTask.objects.filter(done_at__isnull=True)
        .select_related("collector", "complaint", "finding")
        .order_by("created_at", "pk")
    )


def coaching_by_pk(pk: int) -> CoachingTask | None:
    return CoachingTask.objects.filter(pk=pk, done_at__isnull=True).first()


# (local day, pack, the parts of the key, how many): what the oversight roll-ups store.
DayCounts = list[tuple[date, str, tuple[str, ...], int]]


def complaint_counts_per_day(*, start: datetime, end: datetime, zone: tzinfo) -> DayCounts:
    """Count the complaints received in [start, end) per day in `zone`, pack and category."""
    rows = (
        Complaint.objects.filter(received_at__gte=start, received_at__lt=end)
        .annotate(day=TruncDate("received_at", tzinfo=zone))
        .values_list("day", "pack", "category")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [(day, pack, (category,), n) for day, pack, category, n in rows]


# How a complaint stands against its deadline: answered in time or late, or still open
# and on time, at risk (due within DUE_SOON_DAYS) or past its day.
SLA_STANDINGS = ("on_time", "at_risk", "breached")


def _sla_standing(today: date) -> Case:
    soon = today + timedelta(days=deadlines.DUE_SOON_DAYS)
    is_open = Q(status__in=OPEN_STATUSES)
    return Case(
        When(is_open & Q(due_on__lt=today), then=Value("breached")),
        When(is_open & Q(due_on__lte=soon), then=Value("at_risk")),
        When(is_open, then=Value("on_time")),
        # The day of the answer in the pack's zone, as `within_sla` reads it.
        When(Q(ended_on__gt=F("due_on")), then=Value("breached")),
        default=Value("on_time"),
        output_field=CharField(),
    )


def complaints_received(
    *,
    start: datetime,
    end: datetime,
    today: date,
    pack: str = "",
    category: str = "",
    standing: str = "",
) -> QuerySet[Complaint]:
    """Return the complaints received in [start, end), each with its `sla_standing`
    (one of SLA_STANDINGS on `today`), narrowed by what is given, newest first."""
    ended = Coalesce("resolved_at", "closed_at")
    complaints = (
        Complaint.objects.filter(received_at__gte=start, received_at__lt=end)
        .annotate(ended_on=_day_in_pack_zone(ended))
        .annotate(sla_standing=_sla_standing(today))
    )
    if pack:
        complaints = complaints.filter(pack=pack)
    if category:
        complaints = complaints.filter(category=category)
    if standing:
        complaints = complaints.filter(sla_standing=standing)
    return complaints.order_by("-received_at", "-pk")


def sla_health(*, start: datetime, end: datetime, today: date, pack: str = "") -> dict[str, int]:
    """Count the complaints received in [start, end) per SLA standing on `today`."""
    received = complaints_received(start=start, end=end, today=today, pack=pack).order_by()
    # An annotation of complaints_received: the type checker cannot see it.
    rows = received.values_list("sla_standing").annotate(n=Count("pk"))  # type: ignore[misc]
    counts: dict[str, int] = dict(rows)
    return {standing: counts.get(standing, 0) for standing in SLA_STANDINGS}


# --- the regulator's monthly report (tactful.reports) ---------------------------------------


def complaint_counts_of_pack(
    *, pack: str, start: datetime, end: datetime
) -> list[tuple[str, str, str, int]]:
    """Count the complaints of `pack` received in [start, end) per category, intake channel
    and complainant kind, grouped in the database."""
    rows = (
        Complaint.objects.filter(pack=pack, received_at__gte=start, received_at__lt=end)
        .values_list("category", "channel", "complainant_kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [(category, channel, kind, n) for category, channel, kind, n in rows]


def resolution_counts_of_pack(
    *, pack: str, start: datetime, end: datetime, zone: tzinfo
) -> list[tuple[str, bool, int]]:
    """Count the complaints of `pack` resolved in [start, end) per outcome and whether the
    outcome came by the end of the due day in the pack's zone `zone` (the SLA clock's day)."""
    rows = (
        Complaint.objects.filter(pack=pack, resolved_at__gte=start, resolved_at__lt=end)
        .annotate(resolved_on=TruncDate("resolved_at", tzinfo=zone))
        .annotate(
            in_time=Case(
                When(resolved_on__lte=F("due_on"), then=Value("yes")),
                default=Value("no"),
                output_field=CharField(),
            )
        )
        .values_list("resolution", "in_time")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [(resolution, in_time == "yes", n) for resolution, in_time, n in rows]


def open_complaint_counts_of_pack(*, pack: str, at: datetime, due_before: date) -> tuple[int, int]:
    """Count the complaints of `pack` still open at `at`, and of them those due before
    `due_before` (their deadline as it now stands, extensions included)."""
    still_open = Complaint.objects.filter(pack=pack, received_at__lt=at).filter(
        Q(resolved_at__isnull=True) | Q(resolved_at__gte=at),
        Q(closed_at__isnull=True) | Q(closed_at__gte=at),
    )
    counts = still_open.aggregate(
        open=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=due_before))
    )
    return counts["open"], counts["overdue"]
