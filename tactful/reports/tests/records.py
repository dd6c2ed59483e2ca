"""A month of activity written straight into the tables, at chosen moments, for the report
tests: the services' own tests cover how each record comes to be."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from tactful.accounts.models import User
from tactful.borrowers.models import Borrower
from tactful.callqa.models import Finding, FindingReview, Recording, Segment, Status
from tactful.complaints.models import Complaint
from tactful.consent.models import ConsentEvent, NoticeVersion
from tactful.contacts.models import ContactAttempt, Recipient
from tactful.rights.models import RightsRequest, RightsRequestEvent

_codes = itertools.count(1)
# May 2026 in Asia/Shanghai (the `cn` pack's zone): 30 April 16:00 to 31 May 16:00 UTC.
MAY_START = datetime(2026, 4, 30, 16, tzinfo=UTC)
MAY_END = datetime(2026, 5, 31, 16, tzinfo=UTC)
JUST_INSIDE = MAY_START + timedelta(minutes=30)  # 1 May 00:30 in Shanghai
JUST_AFTER = MAY_END + timedelta(minutes=30)  # 1 June 00:30 in Shanghai
MID_MAY = datetime(2026, 5, 12, 3, tzinfo=UTC)


@dataclass
class Activity:
    """What was written, for the tests to count themselves."""

    permits: list[ContactAttempt] = field(default_factory=list)
    complaints: list[Complaint] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def attempt(
    to: Recipient,
    *,
    at: datetime,
    decision: str = "allow",
    channel: str = "sms",
    purpose: str = "collection",
    pack: str = "cn",
) -> ContactAttempt:
    return ContactAttempt.objects.create(
        recipient=to,
        channel=channel,
        purpose=purpose,
        attempt={},
        facts={},
        decision=decision,
        pack=pack,
        pack_version="test",
        verification_code=f"R{next(_codes):07d}",
        requested_at=at,
        requested_by="test",
    )


def complaint(
    *,
    at: datetime,
    category: str,
    due_on: date,
    kind: str = "borrower",
    channel: str = "public",
    pack: str = "cn",
    resolved_at: datetime | None = None,
    resolution: str = "",
) -> Complaint:
    return Complaint.objects.create(
        number=f"R{next(_codes):07d}",
        pack=pack,
        category=category,
        channel=channel,
        complainant_kind=kind,
        description="(test)",
        received_at=at,
        received_by="test",
        due_on=due_on,
        status="resolved" if resolved_at else "received",
        resolution=resolution,
        resolved_at=resolved_at,
    )


def inspected_call(to: Recipient, *, at: datetime, pack: str = "cn") -> Recording:
    return Recording.objects.create(
        attempt=attempt(to, at=at, channel="call", pack=pack),
        audio="test/call.wav",
        size_bytes=1,
        sha256="0" * 64,
        uploaded_at=at,
        uploaded_by="test",
        status=Status.INSPECTED,
    )


def finding(call: Recording, category: str, *verdicts: str, reviewer: User) -> Finding:
    segment = Segment.objects.create(
        recording=call,
        index=Segment.objects.filter(recording=call).count(),
        start_seconds=0,
        end_seconds=1,
        text="x",
    )
    found = Finding.objects.create(
        recording=call,
        segment=segment,
        category=category,
        start=0,
        end=1,
        evidence="x",
        source="rules",
        score=1.0,
        rule="test",
        found_at=call.uploaded_at,
    )
    for hours, verdict in enumerate(verdicts, start=1):
        FindingReview.objects.create(
            finding=found,
            verdict=verdict,
            reviewer=reviewer,
            reviewed_at=call.uploaded_at + timedelta(hours=hours),
        )
    return found


def withdrawal(borrower: Borrower, *, at: datetime, purpose: str) -> ConsentEvent:
    return ConsentEvent.objects.create(
        subject="borrower",
        borrower=borrower,
        purpose=purpose,
        action="withdraw",
        notice=NoticeVersion.objects.filter(purpose=purpose).get(),
        language="zh-hans",
        channel="portal",
        recorded_at=at,
        recorded_by="test",
    )


def rights_request(
    borrower: Borrower, *, kind: str, at: datetime, answered_after: timedelta | None = None
) -> RightsRequest:
    request = RightsRequest.objects.create(
        borrower=borrower, kind=kind, requested_at=at, requested_by="test"
    )
    if answered_after is not None:
        RightsRequestEvent.objects.create(
            request=request,
            status="completed",
            recorded_at=at + answered_after,
            recorded_by="test",
        )
    return request
