"""Check a copy of an issued report against the audit chain.

The copy's SHA-256 must be the digest of a document Tactful issued, that issue's audit
event must still carry the same digest and match its own hash, and the chain must verify
(`tactful.audit.verification`). Any change to the file, a byte included, fails the first.
"""

from __future__ import annotations

from dataclasses import dataclass

from tactful.audit.models import AuditEvent
from tactful.audit.selectors import events_about
from tactful.audit.verification import event_problem, verify_chain
from tactful.reports.models import IssuedReport
from tactful.reports.selectors import issued_with_digest
from tactful.reports.services import ISSUED, sha256

_REPORT_TYPE = IssuedReport._meta.label_lower


@dataclass(frozen=True)
class CopyCheck:
    """The outcome: the copy's digest, what it is a copy of, and the first problem, if any."""

    digest: str
    problem: str | None = None
    report: IssuedReport | None = None
    document: str = ""
    sequence: int | None = None

    @property
    def matches(self) -> bool:
        return self.problem is None


def verify_copy(content: bytes, *, whole_chain: bool = True) -> CopyCheck:
    """Check `content` (a report's PDF or workbook) against its issue's audit event."""
    digest = sha256(content)
    report = issued_with_digest(digest)
    if report is None:
        return CopyCheck(
            digest,
            "no report was issued with this digest: the file was changed, or Tactful "
            "never issued it",
        )
    document = "pdf" if report.pdf_sha256 == digest else "xlsx"
    found = CopyCheck(digest, None, report, document)
    event = _issue_event(report)
    if event is None:
        return _with(found, "the audit chain holds no event of this report's issue")
    found = CopyCheck(digest, None, report, document, event.sequence)
    if event.payload.get(f"{document}_sha256") != digest:
        return _with(found, "the audit event of its issue records another digest")
    problem = event_problem(event)
    if problem is not None:
        return _with(found, f"the audit event of its issue is no longer intact: {problem.value}")
    if whole_chain:
        chain = verify_chain()
        if not chain.intact:
            return _with(found, chain.describe())
    return found


def _issue_event(report: IssuedReport) -> AuditEvent | None:
    events = events_about(_REPORT_TYPE, [str(report.pk)], actions=[ISSUED])
    return events.order_by("sequence").first()


def _with(check: CopyCheck, problem: str) -> CopyCheck:
    return CopyCheck(check.digest, problem, check.report, check.document, check.sequence)
