"""The demo's complaints: one at every stage of the desk, some with evidence attached.

So that a visitor signed in as `compliance` finds work at each step (a new anonymous
complaint, one acknowledged, one under investigation with a question answered, a regulator's
referral, an upheld one whose closing waits for a second officer, and a closed one), and as
`compliance2` can approve the closing. Seeded once per demo seed (each has a submission
key), only in demo mode, by the demo's own officers through the complaint services.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tactful.accounts.models import User
from tactful.accounts.selectors import active_staff
from tactful.borrowers.models import Borrower
from tactful.borrowers.selectors import borrower_by_external_id
from tactful.complaints import services
from tactful.complaints.models import Complaint
from tactful.complaints.selectors import complaint_with_submission_key
from tactful.contacts.selectors import latest_loan
from tactful.demo.selectors import borrower_external_id

# Complaints are received on working mornings in Shanghai, when acknowledgements may go.
DEMO_ZONE = ZoneInfo("Asia/Shanghai")
MORNING = time(10, 0)


@dataclass(frozen=True)
class Officers:
    first: User
    second: User
    collector: User | None


@dataclass(frozen=True)
class DemoComplaint:
    key: str
    days_ago: int
    intake: Callable[[Borrower | None], services.Intake]
    # What the officers did after intake, step by step.
    steps: Callable[[Complaint, Officers, datetime], None] = lambda c, o, at: None
    # Which demo borrower complains, counted from the last one; None: nobody we know.
    borrower_from_end: int | None = None


def seed_demo_complaints(*, seed: int, borrowers: int, now: datetime | None = None) -> int:
    """File the demo's complaints that are not there yet; return how many were filed."""
    if not settings.DEMO_MODE:
        return 0
    officers = _officers()
    if officers is None:
        return 0
    moment = now or timezone.now()
    filed = 0
    for demo in DEMO_COMPLAINTS:
        key = f"demo-complaint:{seed}:{demo.key}"
        if complaint_with_submission_key(key) is not None:
            continue
        borrower = _borrower(seed, borrowers, demo.borrower_from_end)
        if demo.borrower_from_end is not None and borrower is None:
            continue
        at = _morning(moment, demo.days_ago)
        intake = replace(demo.intake(borrower), submission_key=key)
        complaint = services.file_complaint(intake=intake, actor="demo-seed", now=at).complaint
        demo.steps(complaint, officers, at)
        filed += 1
    return filed


def _officers() -> Officers | None:
    first, second = active_staff("compliance"), active_staff("compliance2")
    if first is None or second is None:
        return None
    return Officers(first, second, active_staff("collector"))


def _borrower(seed: int, borrowers: int, from_end: int | None) -> Borrower | None:
    if from_end is None or from_end >= borrowers:
        return None
    return borrower_by_external_id(borrower_external_id(seed, borrowers - 1 - from_end))


def _morning(now: datetime, days_ago: int) -> datetime:
    """10:00 in Shanghai `days_ago` days before `now`'s latest such morning."""
    local = now.astimezone(DEMO_ZONE)
    day = local.date() if local.time() >= MORNING else local.date() - timedelta(days=1)
    return datetime.combine(day - timedelta(days=days_ago), MORNING, tzinfo=DEMO_ZONE)


def _png() -> bytes:
    """A real 2×2 grey PNG: what a screenshot looks like to the signature check."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 2, 2, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x80\x80" * 2)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def _screenshot() -> SimpleUploadedFile:
    return SimpleUploadedFile("screenshot.png", _png(), content_type="image/png")


def _call_log() -> SimpleUploadedFile:
    text = "通话记录（虚构）\n10:02 来电 3 分钟\n10:20 来电 1 分钟\n10:41 来电 2 分钟\n"
    return SimpleUploadedFile("calls.txt", text.encode("utf-8"), content_type="text/plain")


def _borrower_intake(
    category: str,
    description: str,
    files: Callable[[], list[SimpleUploadedFile]] = list,
) -> Callable[[Borrower | None], services.Intake]:
    # Files are made afresh for each intake: an upload is read, and closed, once.
    def intake(borrower: Borrower | None) -> services.Intake:
        return services.Intake(
            channel="portal",
            category=category,
            description=description,
            borrower=borrower,
            loan=latest_loan(borrower) if borrower is not None else None,
            complainant_kind="borrower",
            attachments=files(),
        )

    return intake


def _investigate(complaint: Complaint, officers: Officers, at: datetime) -> Complaint:
    services.assign(complaint=complaint, officer=officers.first, actor=officers.first, now=at)
    return services.start_investigation(
        complaint=complaint, actor=officers.first, now=at + timedelta(minutes=30)
    )


def _question_answered(complaint: Complaint, officers: Officers, at: datetime) -> None:
    complaint = _investigate(complaint, officers, at)
    reply = services.request_information(
        complaint=complaint,
        question="请问这些电话是哪几天打来的？来电号码的后四位是多少？",
        actor=officers.first,
        now=at + timedelta(hours=1),
    )
    services.answer_information_request(
        reply=reply, answer="上周一到周三，每天上午，号码尾号 0100。", now=at + timedelta(hours=3)
    )


def _upheld_waiting_for_approval(complaint: Complaint, officers: Officers, at: datetime) -> None:
    complaint = _investigate(complaint, officers, at)
    complaint = services.resolve(
        complaint=complaint,
        resolution="upheld",
        summary="记录显示同一天联系了您 3 次，超出了规定。我们已向您道歉，并会辅导相关催收员。",
        actor=officers.first,
        now=at + timedelta(hours=2),
    )
    services.send_apology(complaint=complaint, actor=officers.first, now=at + timedelta(hours=2))
    if officers.collector is not None:
        services.coach_collector(
            complaint=complaint,
            collector=officers.collector,
            note="一天内多次来电：请遵守每日联系次数上限。",
            actor=officers.first,
            now=at + timedelta(hours=2),
        )
    services.close(complaint=complaint, actor=officers.first, now=at + timedelta(hours=3))


def _closed_not_upheld(complaint: Complaint, officers: Officers, at: datetime) -> None:
    complaint = _investigate(complaint, officers, at)
    complaint = services.resolve(
        complaint=complaint,
        resolution="not_upheld",
        summary="账目核对无误：逾期费按合同计算，金额正确。账单明细已发到您的页面。",
        actor=officers.first,
        now=at + timedelta(hours=4),
    )
    services.close(complaint=complaint, actor=officers.first, now=at + timedelta(hours=5))


def _assigned(complaint: Complaint, officers: Officers, at: datetime) -> None:
    services.assign(complaint=complaint, officer=officers.second, actor=officers.first, now=at)


DEMO_COMPLAINTS: tuple[DemoComplaint, ...] = (
    DemoComplaint(
        "new-anonymous",
        days_ago=0,
        intake=lambda borrower: services.Intake(
            channel="public",
            category="contacted_others",
            description="有人打电话到我单位，说我同事欠钱不还，还让我转告他。我不认识这家公司。",
            attachments=[_screenshot()],
        ),
    ),
    DemoComplaint(
        "acknowledged",
        days_ago=1,
        intake=_borrower_intake(
            "harassment",
            "一个上午打了我三次电话，我说了在上班也不停。",
            files=lambda: [_call_log()],
        ),
        borrower_from_end=0,
    ),
    DemoComplaint(
        "question-answered",
        days_ago=3,
        intake=_borrower_intake("harassment", "连续几天都有电话，每次都问同样的问题。"),
        steps=_question_answered,
        borrower_from_end=1,
    ),
    DemoComplaint(
        "regulator-referral",
        days_ago=2,
        intake=lambda borrower: services.Intake(
            channel="regulator",
            category="abusive_language",
            description="（监管转办）投诉人称催收人员在电话中语气恶劣。",
            referral_reference="12378-DEMO-0001",
        ),
        steps=_assigned,
    ),
    DemoComplaint(
        "upheld-waiting-for-approval",
        days_ago=6,
        intake=_borrower_intake(
            "harassment", "同一天被联系了三次，我已经说过下午再打。", files=lambda: [_screenshot()]
        ),
        steps=_upheld_waiting_for_approval,
        borrower_from_end=2,
    ),
    DemoComplaint(
        "closed-not-upheld",
        days_ago=12,
        intake=_borrower_intake("wrong_amount", "逾期费好像算多了。"),
        steps=_closed_not_upheld,
        borrower_from_end=3,
    ),
)
