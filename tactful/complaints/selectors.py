"""Reads of complaints: the queue, the investigation file, the complainant's view, reports."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from uuid import UUID

from django.db.models import QuerySet

from tactful.borrowers.models import Borrower
from tactful.callqa.models import Recording
from tactful.callqa.selectors import recordings_of
from tactful.complaints.models import Attachment, Complaint, LinkedAttempt, Status
from tactful.contacts.models import ContactAttempt
from tactful.loans.selectors import loan_count

PER_ACCOUNTS = 10_000


def attachment_of(complaint: Complaint, pk: int) -> Attachment | None:
    """Return the attachment `pk` only if it was sent with `complaint`."""
    return complaint.attachments.filter(pk=pk).first()


def complaint_by_reference(reference: UUID) -> Complaint | None:
    return Complaint.objects.filter(reference=reference).first()


def queue() -> QuerySet[Complaint]:
    """Open complaints first, the most urgent deadline first."""
    return Complaint.objects.select_related("assigned_to").order_by("closed_at", "due_on", "pk")


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
    collectors = sorted(
        {attempt.collector.username for attempt in attempts if attempt.collector is not None}
    )
    return InvestigationFile(
        complaint=complaint,
        evidence=evidence,
        collectors=collectors,
        events=list(complaint.events.order_by("at", "pk")),
        holds=list(complaint.holds.select_related("hold__lift", "hold__loan").order_by("pk")),
        remediations=list(complaint.remediations.order_by("recorded_at", "pk")),
    )


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
    """Tell whether the complaint was resolved by its deadline (UTC date of resolution)."""
    return complaint.resolved_at is not None and complaint.resolved_at.date() <= complaint.due_on


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
