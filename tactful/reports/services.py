"""The one write path of the reports: issue a month's report for a pack, in a language.

The report is counted, drawn as a PDF and a workbook, stored as issued, and its two
SHA-256 digests appended to the audit chain (`report.issued`) in the same transaction: a
copy handed to a regulator can later be checked against the chain (`verification.py`).
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from tactful.audit.services import record_event
from tactful.reports.figures import MonthReport, build
from tactful.reports.models import IssuedReport
from tactful.reports.pdf import report_pdf
from tactful.reports.periods import check_language, period_of
from tactful.reports.selectors import month_counts
from tactful.reports.workbook import report_xlsx

ISSUED = "report.issued"


def issue_report(
    *, pack: str, month: str, language: str, actor: str, now: datetime | None = None
) -> IssuedReport:
    """Issue the report of `month` (YYYY-MM) for `pack` in `language`; InvalidInput naming
    the problem for an unknown pack or language, or a month malformed or not over yet."""
    moment = now or timezone.now()
    check_language(language)
    period = period_of(pack=pack, month=month, now=moment)
    report = build(period, month_counts(period))
    pdf, xlsx = _rendered(report, language, moment)
    with transaction.atomic():
        issued = IssuedReport.objects.create(
            pack=pack,
            month=period.month,
            language=language,
            issued_at=moment,
            issued_by=actor,
            pdf=pdf,
            pdf_sha256=sha256(pdf),
            xlsx=xlsx,
            xlsx_sha256=sha256(xlsx),
        )
        record_event(
            actor=actor,
            action=ISSUED,
            target=issued,
            payload={
                "pack": pack,
                "month": period.label,
                "language": language,
                "pdf_sha256": issued.pdf_sha256,
                "xlsx_sha256": issued.xlsx_sha256,
            },
            occurred_at=moment,
        )
    return issued


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _rendered(report: MonthReport, language: str, moment: datetime) -> tuple[bytes, bytes]:
    with translation.override(language):
        gate_pack = settings.GATE_PACK
        return (
            report_pdf(report, issued_at=moment, gate_pack=gate_pack),
            report_xlsx(report, issued_at=moment, gate_pack=gate_pack),
        )
