from __future__ import annotations

from datetime import date, timedelta

import pytest

from tactful.accounts.roles import Role
from tactful.reports.tests import records
from tactful.reports.tests.records import JUST_AFTER, JUST_INSIDE, MAY_START, MID_MAY
from tactful.testing.personas import CN_PHONE, make_borrower, make_staff


@pytest.fixture
def activity(db):
    """A month of activity in `cn`, with records just outside it and of another pack."""
    borrower = make_borrower(external_id="B-REPORT-1", phone=CN_PHONE)
    debtor = records.Recipient.objects.create(borrower=borrower, role="debtor")
    relative = records.Recipient.objects.create(borrower=borrower, role="emergency_contact")
    stranger = records.Recipient.objects.create(borrower=borrower, role="third_party")
    for moment in (JUST_INSIDE, MID_MAY, MID_MAY):
        records.attempt(debtor, at=moment)
    for _ in range(2):
        records.attempt(debtor, at=MID_MAY, channel="call", decision="deny")
    records.attempt(relative, at=MID_MAY, channel="call", purpose="locate")
    records.attempt(relative, at=MID_MAY, channel="call", purpose="locate", decision="deny")
    records.attempt(stranger, at=MID_MAY, decision="deny")
    records.attempt(debtor, at=JUST_AFTER)
    records.attempt(debtor, at=MID_MAY, pack="uk")
    _complaints()
    reviewer = make_staff("zhou.reviewer", Role.SUPERVISOR)
    first, second = (records.inspected_call(debtor, at=MID_MAY) for _ in range(2))
    records.finding(first, "threat", "confirmed", reviewer=reviewer)
    records.finding(first, "insult", "dismissed", reviewer=reviewer)
    records.finding(second, "threat", "confirmed", "dismissed", reviewer=reviewer)
    records.finding(second, "impersonation", reviewer=reviewer)
    records.finding(records.inspected_call(debtor, at=JUST_AFTER), "threat", reviewer=reviewer)
    for purpose in ("channel_sms", "channel_sms", "agency_sharing"):
        records.withdrawal(borrower, at=MID_MAY, purpose=purpose)
    records.withdrawal(borrower, at=MAY_START - timedelta(days=3), purpose="channel_sms")
    _rights(borrower)
    return borrower


def _complaints() -> None:
    def may(day: int, hour: int = 3):
        return MAY_START.replace(month=5, day=day, hour=hour)

    records.complaint(
        at=may(2), category="harassment", due_on=date(2026, 5, 20),
        resolved_at=may(20, 15), resolution="upheld",
    )  # fmt: skip
    # Resolved on 10 May UTC, but on 11 May in Shanghai: a day after its due day.
    records.complaint(
        at=may(3), category="harassment", due_on=date(2026, 5, 10),
        resolved_at=may(10, 17), resolution="not_upheld",
    )  # fmt: skip
    records.complaint(
        at=may(4), category="contacted_others", due_on=date(2026, 5, 25), kind="third_party"
    )
    records.complaint(
        at=may(6), category="disclosure", due_on=date(2026, 6, 5), kind="anonymous",
        channel="regulator",
    )  # fmt: skip
    records.complaint(
        at=MAY_START - timedelta(days=10), category="privacy", due_on=date(2026, 5, 5),
        resolved_at=may(3), resolution="upheld",
    )  # fmt: skip
    records.complaint(at=may(7), category="harassment", due_on=date(2026, 5, 30), pack="uk")


def _rights(borrower) -> None:
    may2 = MAY_START.replace(month=5, day=2, hour=3)
    records.rights_request(borrower, kind="correction", at=may2, answered_after=timedelta(days=3))
    records.rights_request(borrower, kind="erasure", at=may2, answered_after=timedelta(days=20))
    records.rights_request(borrower, kind="access", at=MID_MAY)
    records.rights_request(borrower, kind="stop_contact", at=MID_MAY.replace(day=25))
    records.rights_request(
        borrower, kind="export", at=MAY_START - timedelta(days=29), answered_after=timedelta(days=1)
    )
