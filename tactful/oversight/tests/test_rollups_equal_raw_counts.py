"""The roll-ups' figures equal a count over the raw records, whatever the activity.

Hypothesis writes random permits, complaints and opt-outs around the edges of local days
(some outside the rebuilt range), the roll-ups are rebuilt, and every figure the dashboards
read is compared with the rows themselves counted one by one in Python.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta
from typing import ClassVar
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from tactful.complaints.models import Complaint
from tactful.contacts.models import ContactAttempt, OptOut, Recipient
from tactful.contacts.selectors import attempts_between
from tactful.oversight import metrics
from tactful.oversight.models import DailyCount
from tactful.oversight.selectors import totals_by
from tactful.oversight.services import rebuild_rollups, window
from tactful.oversight.tests import records
from tactful.testing.personas import make_borrower

ZONE = ZoneInfo("Asia/Shanghai")  # the tests' SCHEDULE_TIME_ZONE
FIRST = date(2026, 3, 2)
LAST = date(2026, 3, 4)
# From six hours before the first day to six hours after the last: some records fall outside.
EARLIEST = datetime.combine(FIRST, time(0), tzinfo=ZONE) - timedelta(hours=6)
SPAN_MINUTES = int((LAST - FIRST).days + 1) * 24 * 60 + 12 * 60
ROLES = ("debtor", "guarantor", "emergency_contact", "third_party")
CATEGORIES = ("time_window", "frequency", "third_party", "consent", "hold")
COMPLAINT_CATEGORIES = ("harassment", "contacted_others", "privacy")

moments = st.integers(0, SPAN_MINUTES).map(lambda m: EARLIEST + timedelta(minutes=m))
permits = st.tuples(
    moments,
    st.sampled_from(("allow", "deny")),
    st.sampled_from(("sms", "call")),
    st.sampled_from(ROLES),
    st.sets(st.sampled_from(CATEGORIES), max_size=3),
    st.sampled_from(("cn", "uk")),
)
complaints = st.tuples(
    moments, st.sampled_from(COMPLAINT_CATEGORIES), st.sampled_from(("cn", "uk"))
)
opt_outs = st.tuples(moments, st.sampled_from(ROLES))


def _local_day(moment: datetime) -> date:
    return moment.astimezone(ZONE).date()


def _inside(moment: datetime) -> bool:
    return FIRST <= _local_day(moment) <= LAST


class RollUpsEqualRawCounts(TestCase):
    recipients: ClassVar[dict[str, Recipient]]

    @classmethod
    def setUpTestData(cls) -> None:
        borrower = make_borrower(external_id="b-roll", phone="+8613800138000", name="测试")
        cls.recipients = {role: records.recipient(borrower, role) for role in ROLES}

    @settings(
        max_examples=30,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(
        st.lists(permits, max_size=25),
        st.lists(complaints, max_size=8),
        st.lists(opt_outs, max_size=6),
        st.sampled_from(("", "cn", "uk")),
    )
    def test_every_figure_equals_the_raw_count(
        self, permit_specs, complaint_specs, opt_out_specs, pack
    ):
        for at, decision, channel, role, categories, in_pack in permit_specs:
            categories = () if decision == "allow" else tuple(categories)
            records.attempt(
                self.recipients[role],
                at=at,
                decision=decision,
                channel=channel,
                categories=categories,
                pack=in_pack,
            )
        for at, category, in_pack in complaint_specs:
            records.complaint(at=at, category=category, pack=in_pack, due_on=LAST)
        for at, role in opt_out_specs:
            records.opt_out(self.recipients[role], at=at)

        rebuild_rollups(first=FIRST, last=LAST)
        self._assert_permits_agree(pack)
        self._assert_complaints_agree(pack)
        self._assert_opt_outs_agree()

        # Rebuilding again changes nothing: the same rows, the same counts.
        before = set(DailyCount.objects.values_list("day", "pack", "metric", "key", "count"))
        rebuild_rollups(first=FIRST, last=LAST)
        after = set(DailyCount.objects.values_list("day", "pack", "metric", "key", "count"))
        assert after == before

    def _assert_permits_agree(self, pack: str) -> None:
        raw = [
            a
            for a in ContactAttempt.objects.select_related("recipient")
            if _inside(a.requested_at) and (not pack or a.pack == pack)
        ]
        expected = Counter(
            (_local_day(a.requested_at).isoformat(), a.decision, a.channel, a.recipient.role)
            for a in raw
        )
        rolled: Counter[tuple[str, ...]] = Counter()
        for row in _day_counts(metrics.PERMITS, pack):
            key = (
                row.day.isoformat(),
                row.parts["decision"],
                row.parts["channel"],
                row.parts["role"],
            )
            rolled[key] += row.count
        assert rolled == expected

        denials = Counter(c for a in raw if a.decision == "deny" for c in a.categories)
        by_combination = totals_by(
            metrics.PERMITS,
            "categories",
            first=FIRST,
            last=LAST,
            pack=pack,
            where={"decision": "deny"},
        )
        rolled_denials: Counter[str] = Counter()
        for (joined,), count in by_combination.items():
            for category in filter(None, joined.split(";")):
                rolled_denials[category] += count
        assert +rolled_denials == +denials

        # The records behind each bar are exactly as many as the bar says.
        days = window(FIRST, LAST)
        for category, count in denials.items():
            behind = attempts_between(
                start=days.start, end=days.end, pack=pack, decision="deny", category=category
            )
            assert behind.count() == count

    def _assert_complaints_agree(self, pack: str) -> None:
        expected = Counter(
            c.category
            for c in Complaint.objects.all()
            if _inside(c.received_at) and (not pack or c.pack == pack)
        )
        rolled = totals_by(metrics.COMPLAINTS, "category", first=FIRST, last=LAST, pack=pack)
        assert Counter({category: n for (category,), n in rolled.items()}) == expected

    def _assert_opt_outs_agree(self) -> None:
        expected = Counter(
            o.recipient.role
            for o in OptOut.objects.select_related("recipient")
            if _inside(o.recorded_at)
        )
        # Opt-outs carry no pack: a pack picked changes nothing.
        for pack in ("", "cn"):
            rolled = totals_by(metrics.OPT_OUTS, "role", first=FIRST, last=LAST, pack=pack)
            assert Counter({role: n for (role,), n in rolled.items()}) == expected


def _day_counts(metric: metrics.Metric, pack: str):
    from tactful.oversight.selectors import day_counts

    return day_counts(metric, first=FIRST, last=LAST, pack=pack)
