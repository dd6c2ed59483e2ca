"""Whether a complaint was answered in time is read on the SLA clock's day: the day in its
pack's zone, not the UTC date (the export, the dashboards and the report agree)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tactful.complaints.models import Complaint
from tactful.complaints.selectors import complaints_received, within_sla
from tactful.oversight.tests import records

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
DUE = date(2026, 3, 10)
# 01:00 on the 11th in Shanghai is 17:00 on the 10th in UTC: late, though UTC says the due day.
JUST_LATE = datetime(2026, 3, 11, 1, 0, tzinfo=SHANGHAI)
# 23:30 on the 10th in Shanghai: in time.
JUST_IN_TIME = datetime(2026, 3, 10, 23, 30, tzinfo=SHANGHAI)


def answered(at: datetime) -> Complaint:
    complaint = records.complaint(
        at=datetime(2026, 3, 1, 12, tzinfo=SHANGHAI), category="harassment", due_on=DUE
    )
    Complaint.objects.filter(pk=complaint.pk).update(
        status="resolved", resolved_at=at, resolution="upheld"
    )
    complaint.refresh_from_db()
    return complaint


@pytest.mark.parametrize(("at", "in_time"), [(JUST_LATE, False), (JUST_IN_TIME, True)])
def test_an_answer_is_in_time_by_the_due_day_in_the_packs_zone(at, in_time):
    complaint = answered(at)

    assert at.astimezone(UTC).date() <= DUE  # UTC alone would call both in time
    assert within_sla(complaint) is in_time
    standing = (
        complaints_received(
            start=datetime(2026, 3, 1, tzinfo=UTC),
            end=datetime(2026, 3, 2, tzinfo=UTC) + timedelta(days=30),
            today=date(2026, 3, 20),
        )
        .get(pk=complaint.pk)
        .sla_standing
    )
    assert standing == ("on_time" if in_time else "breached")
