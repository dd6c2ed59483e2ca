"""The month's figures equal what the records hold, counted the plain way."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from tactful.contacts.models import ContactAttempt
from tactful.errors import InvalidInput
from tactful.reports.figures import build
from tactful.reports.periods import period_of
from tactful.reports.selectors import month_counts
from tactful.reports.tests.records import MAY_END, MAY_START

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 6, 15, tzinfo=UTC)


def _report(pack="cn"):
    period = period_of(pack=pack, month="2026-05", now=NOW)
    return build(period, month_counts(period))


def _rows(section):
    return {row.labels: row.figures for row in section.rows}


def _figures(report):
    return {row.labels[0]: row.figures[0] for row in report.section("summary").rows}


def test_the_month_runs_midnight_to_midnight_in_the_packs_zone():
    period = period_of(pack="cn", month="2026-05", now=NOW)

    assert (period.start, period.end) == (MAY_START, MAY_END)
    assert period.zone.key == "Asia/Shanghai"


def test_contacts_by_channel_and_role_equal_the_permits_of_the_month(activity):
    contacts = _rows(_report().section("contacts"))

    in_may = ContactAttempt.objects.filter(
        pack="cn", requested_at__gte=MAY_START, requested_at__lt=MAY_END
    )
    for (channel, role), (allowed, denied, total) in contacts.items():
        mine = in_may.filter(channel=channel, recipient__role=role)
        assert allowed == mine.filter(decision="allow").count()
        assert denied == mine.filter(decision="deny").count()
        assert total == allowed + denied
    assert sum(row[2] for row in contacts.values()) == in_may.count()
    # Three texts (one at 00:30 on 1 May in Shanghai), none of June's or of `uk`.
    assert contacts[("sms", "debtor")] == (3, 0, 3)
    assert contacts[("call", "debtor")] == (2, 2, 4)  # two denied, two calls inspected


def test_third_party_contacts_are_counted_apart(activity):
    third = _rows(_report().section("third_parties"))

    assert third == {
        ("emergency_contact", "locate"): (1, 1, 2),
        ("third_party", "collection"): (0, 1, 1),
    }


def test_complaints_their_outcomes_and_the_deadline_in_the_packs_zone(activity):
    report = _report()

    received = _rows(report.section("complaints"))
    assert received[("harassment",)] == (2, 0, 0, 2)
    assert received[("contacted_others",)] == (0, 1, 0, 1)
    assert received[("disclosure",)] == (0, 0, 1, 1)
    assert received[("privacy",)] == (0, 0, 0, 0)
    assert _rows(report.section("complaint_intake"))[("regulator",)] == (1,)
    outcomes = _rows(report.section("complaint_outcomes"))
    assert outcomes[("upheld",)] == (2, 0, 2)
    assert outcomes[("not_upheld",)] == (0, 1, 1)
    figures = _figures(report)
    assert figures["complaints_received"] == 4
    assert figures["complaints_in_time_percent"] == Decimal("66.7")
    assert (figures["complaints_open_at_end"], figures["complaints_overdue_at_end"]) == (2, 1)


def test_findings_count_by_their_latest_review(activity):
    findings = _rows(_report().section("qa_findings"))

    assert findings[("threat",)] == (1, 1, 0, 2)
    assert findings[("insult",)] == (0, 1, 0, 1)
    assert findings[("impersonation",)] == (0, 0, 1, 1)
    assert _figures(_report())["calls_inspected"] == 2


def test_withdrawals_and_rights_requests_with_their_timing(activity):
    report = _report()

    assert _rows(report.section("consent_withdrawals")) == {
        ("channel_sms", "borrower"): (2,),
        ("agency_sharing", "borrower"): (1,),
    }
    rights = _rows(report.section("rights_requests"))
    assert rights[("correction",)] == (1, 0, 1, 0)
    assert rights[("erasure",)] == (1, 0, 0, 1)
    assert rights[("export",)] == (0, 0, 0, 0)
    figures = _figures(report)
    assert figures["rights_requests"] == 4
    assert figures["rights_in_time_percent"] == Decimal("50.0")
    # The access request of 12 May was due by the end of 27 May and is still unanswered.
    assert figures["rights_late_unanswered_at_end"] == 1


def test_another_packs_report_leaves_out_the_records_without_a_pack(activity):
    report = _report("uk")

    assert not report.section("consent_withdrawals").scoped
    assert report.section("rights_requests").rows == ()
    assert _rows(report.section("contacts")) == {("sms", "debtor"): (1, 0, 1)}
    assert _figures(report)["consent_withdrawals"] is None


@pytest.mark.parametrize(
    ("pack", "month", "code"),
    [
        ("cn", "2026-5", "bad_month"),
        ("cn", "2026-13", "bad_month"),
        ("cn", "May", "bad_month"),
        ("cn", "2026-06", "month_not_over"),
        ("cn", "2027-01", "month_not_over"),
        ("xx", "2026-05", "unknown_pack"),
    ],
)
def test_a_bad_pack_or_month_is_refused_naming_it(pack, month, code):
    with pytest.raises(InvalidInput) as refused:
        period_of(pack=pack, month=month, now=NOW)

    assert refused.value.code == code
