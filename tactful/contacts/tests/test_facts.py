from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from tactful.borrowers.models import Borrower, PhoneNumber
from tactful.contacts import facts as facts_module
from tactful.contacts.facts import (
    PermitRequest,
    debtor_unreachable,
    gather_facts,
    unanswered_days_in_a_row,
)
from tactful.contacts.models import ContactAttempt, Recipient
from tactful.contacts.packs import configured_pack
from tactful.contacts.services import report_outcome, request_permit
from tactful.contacts.tests.conftest import NOW
from tactful.loans.models import Loan

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def gathered(recipient, *, loan=None, purpose="collection", collector=None, now=NOW):
    request = PermitRequest(
        loan=loan, recipient=recipient, channel="call", purpose=purpose, collector=collector
    )
    return gather_facts(request, now=now, pack=configured_pack())


def call(loan, recipient, collector, now):
    return request_permit(
        request=PermitRequest(
            loan=loan,
            recipient=recipient,
            channel="call",
            purpose="collection",
            collector=collector,
        ),
        actor="dialer",
        now=now,
    )


def local(day: int, hour: int) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=SHANGHAI)


class TestDerivedFacts:
    def test_days_past_due_is_read_on_the_recipients_local_day(self, loan, recipient):
        # 16:30 UTC is already the next day in Shanghai: one more day past due.
        before = gathered(recipient, loan=loan, now=datetime(2026, 3, 14, 15, 30, tzinfo=UTC))
        after = gathered(recipient, loan=loan, now=datetime(2026, 3, 14, 16, 30, tzinfo=UTC))

        assert after.facts.days_past_due == before.facts.days_past_due + 1

    def test_without_a_loan_days_past_due_is_missing(self, recipient):
        assert gathered(recipient).facts.days_past_due is None

    def test_an_unknown_time_zone_stays_unknown(self, loan, recipient):
        Borrower.objects.update(timezone_override="")
        PhoneNumber.objects.update(time_zone=None)
        recipient.refresh_from_db()

        result = gathered(recipient, loan=loan)

        assert result.attempt.recipient_timezone is None
        assert result.facts.days_past_due is None

    def test_the_numbers_own_zone_is_used_when_the_borrower_states_none(self, recipient):
        Borrower.objects.update(timezone_override="")
        recipient.refresh_from_db()

        assert gathered(recipient).attempt.recipient_timezone == "America/New_York"

    def test_consents_are_none_yet(self, recipient):
        assert gathered(recipient).facts.consents == frozenset()

    def test_history_holds_only_permitted_attempts_up_to_now(self, loan, recipient, collector):
        call(loan, recipient, collector, NOW - timedelta(hours=1))
        call(loan, recipient, collector, NOW.replace(hour=15))  # 23:00 local: denied
        call(loan, recipient, collector, NOW + timedelta(hours=1))

        history = gathered(recipient, now=NOW).facts.history

        assert [(entry.at, entry.outcome) for entry in history] == [
            (NOW - timedelta(hours=1), "connected")
        ]

    def test_a_reported_outcome_replaces_the_pending_connected(self, loan, recipient, collector):
        permit = call(loan, recipient, collector, NOW - timedelta(hours=1))
        report_outcome(attempt=permit, outcome="no_answer", actor="dialer")

        [entry] = gathered(recipient).facts.history

        assert entry.outcome == "no_answer"
        assert entry.debt == str(loan.reference)


class TestDebtorUnreachable:
    @pytest.fixture
    def contact_person(self, borrower):
        # Emergency contacts come with the consent issue; made directly here.
        return Recipient.objects.create(borrower=borrower, role="emergency_contact")

    def unanswered_calls(self, loan, recipient, collector, days, outcome="no_answer"):
        for day in days:
            permit = call(loan, recipient, collector, local(day, 10))
            report_outcome(attempt=permit, outcome=outcome, actor="dialer")

    def test_three_unanswered_days_make_the_debtor_unreachable(
        self, borrower, loan, recipient, collector
    ):
        self.unanswered_calls(loan, recipient, collector, [1, 2, 3])

        assert debtor_unreachable(borrower, pack=configured_pack(), now=local(3, 12))

    def test_two_days_are_not_enough(self, borrower, loan, recipient, collector):
        self.unanswered_calls(loan, recipient, collector, [2, 3])

        assert not debtor_unreachable(borrower, pack=configured_pack(), now=local(3, 12))

    def test_a_call_still_pending_counts_as_answered(self, borrower, loan, recipient, collector):
        self.unanswered_calls(loan, recipient, collector, [1, 2, 3])
        call(loan, recipient, collector, local(4, 9))

        assert not debtor_unreachable(borrower, pack=configured_pack(), now=local(4, 12))

    def test_every_number_failing_for_good_makes_the_debtor_unreachable(
        self, borrower, loan, recipient, collector
    ):
        permit = call(loan, recipient, collector, NOW)
        report_outcome(attempt=permit, outcome="failed", permanent_failure=True, actor="dialer")

        assert debtor_unreachable(borrower, pack=configured_pack(), now=NOW)

    def test_the_fact_reaches_the_gate_for_a_contact_person(
        self, borrower, loan, recipient, collector, contact_person
    ):
        self.unanswered_calls(loan, recipient, collector, [1, 2, 3])

        result = gathered(contact_person, loan=loan, purpose="locate", now=local(3, 12))

        assert result.facts.debtor_unreachable is True
        assert result.record()["debtor_unreachable"] is True

    def test_a_contact_person_is_still_denied_without_consent(
        self, borrower, loan, recipient, collector, contact_person
    ):
        self.unanswered_calls(loan, recipient, collector, [1, 2, 3])

        permit = request_permit(
            request=PermitRequest(
                loan=loan,
                recipient=contact_person,
                channel="call",
                purpose="locate",
                collector=collector,
            ),
            actor="test",
            now=local(3, 12),
        )

        assert (permit.decision, permit.categories) == ("deny", ["consent"])


class TestUnansweredDaysInARow:
    @pytest.mark.parametrize(
        ("calls", "days"),
        [
            ([], 0),
            ([(local(1, 10), "no_answer")], 1),
            (
                [(local(1, 10), "no_answer"), (local(2, 10), "failed"), (local(3, 9), "no_answer")],
                3,
            ),
            # a gap day breaks the run
            ([(local(1, 10), "no_answer"), (local(3, 10), "no_answer")], 1),
            # an answered call on day 2 leaves only day 3
            (
                [
                    (local(1, 10), "no_answer"),
                    (local(2, 9), "no_answer"),
                    (local(2, 15), "connected"),
                    (local(3, 10), "no_answer"),
                ],
                1,
            ),
            # a pending call (no outcome yet) counts as answered
            ([(local(1, 10), "no_answer"), (local(2, 10), None)], 0),
            # 23:30 UTC on the 1st is the 2nd in Shanghai
            (
                [
                    (datetime(2026, 3, 1, 1, tzinfo=UTC), "no_answer"),
                    (datetime(2026, 3, 1, 23, 30, tzinfo=UTC), "no_answer"),
                    (local(3, 10), "no_answer"),
                ],
                3,
            ),
        ],
    )
    def test_runs_are_counted_on_local_days(self, calls, days):
        assert unanswered_days_in_a_row(calls, SHANGHAI) == days


class TestFailClosed:
    def test_an_error_while_gathering_facts_is_a_recorded_data_gap_denial(
        self, monkeypatch, loan, recipient, collector, sms_outbox
    ):
        def broken(*args, **kwargs):
            raise RuntimeError("ledger unavailable")

        monkeypatch.setattr(facts_module, "loan_status", broken)

        permit = call(loan, recipient, collector, NOW)

        assert (permit.decision, permit.categories) == ("deny", ["data_gap"])
        assert permit.facts == {"error": "facts could not be gathered"}
        assert permit.next_allowed_at is None
        assert ContactAttempt.objects.get() == permit
        assert sms_outbox.sent == []

    def test_a_failed_query_does_not_spoil_the_recording_of_the_denial(
        self, monkeypatch, loan, recipient, collector
    ):
        def failing_query(*args, **kwargs):
            with connection.cursor() as cursor:
                cursor.execute("SELECT * FROM no_such_table")

        monkeypatch.setattr(facts_module, "loan_status", failing_query)

        permit = call(loan, recipient, collector, NOW)

        assert permit.categories == ["data_gap"]
        assert ContactAttempt.objects.filter(decision="deny").count() == 1

    def test_a_service_text_is_denied_too_when_facts_fail(self, monkeypatch, loan, recipient):
        def broken(*args, **kwargs):
            raise RuntimeError("boom")

        monkeypatch.setattr(facts_module, "person_history", broken)

        permit = request_permit(
            request=PermitRequest(
                loan=loan, recipient=recipient, channel="sms", purpose="service", automated=True
            ),
            actor="test",
            now=NOW,
        )

        assert permit.categories == ["data_gap"]

    def test_a_dropped_number_cannot_be_called(self, borrower, loan, recipient, collector):
        PhoneNumber.objects.filter(borrower=borrower).delete()
        recipient.refresh_from_db()

        permit = call(loan, recipient, collector, NOW)

        assert permit.categories == ["data_gap"]
        assert "phone_number" in permit.reasons[0]["message"]
        assert Loan.objects.count() == 1
