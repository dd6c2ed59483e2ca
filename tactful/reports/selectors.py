"""Read paths of the reports: a month's counts from the apps that hold the records, and the
reports issued."""

from __future__ import annotations

from dataclasses import replace
from uuid import UUID

from django.conf import settings
from django.db.models import Q, QuerySet

from tactful.callqa import selectors as callqa
from tactful.complaints import selectors as complaints
from tactful.consent import selectors as consent
from tactful.contacts import selectors as contacts
from tactful.reports.figures import RawCounts
from tactful.reports.models import IssuedReport
from tactful.reports.periods import Period
from tactful.rights import selectors as rights


def month_counts(period: Period) -> RawCounts:
    """Count the month's records of `period.pack`, each app grouping in its own database.

    Consent and rights records carry no pack: they are counted for the gate's pack only.
    """
    pack, start, end = period.pack, period.start, period.end
    counts = RawCounts(
        permits=contacts.permit_counts_of_pack(pack=pack, start=start, end=end),
        complaints=complaints.complaint_counts_of_pack(pack=pack, start=start, end=end),
        resolutions=complaints.resolution_counts_of_pack(
            pack=pack, start=start, end=end, zone=period.zone
        ),
        open_complaints=complaints.open_complaint_counts_of_pack(
            pack=pack, at=end, due_before=period.next_month
        ),
        inspected_calls=callqa.inspected_call_count_of_pack(pack=pack, start=start, end=end),
        findings=callqa.finding_verdict_counts_of_pack(pack=pack, start=start, end=end),
    )
    if period.pack != settings.GATE_PACK:
        return counts
    return replace(
        counts,
        withdrawals=consent.withdrawal_counts(start=start, end=end),
        requests=rights.request_counts(start=start, end=end),
        answers=rights.answer_counts(start=start, end=end),
        late_unanswered=rights.late_unanswered_count(at=period.end),
    )


def issued_reports(*, limit: int = 100) -> QuerySet[IssuedReport]:
    """Return the reports issued, newest first, without their documents' bytes."""
    return IssuedReport.objects.defer("pdf", "xlsx").order_by("-issued_at", "-pk")[:limit]


def issued_report(reference: UUID) -> IssuedReport | None:
    return IssuedReport.objects.filter(reference=reference).first()


def issued_with_digest(digest: str) -> IssuedReport | None:
    """Return the report one of whose documents has the SHA-256 `digest`."""
    found = IssuedReport.objects.defer("pdf", "xlsx")
    return found.filter(Q(pdf_sha256=digest) | Q(xlsx_sha256=digest)).first()
