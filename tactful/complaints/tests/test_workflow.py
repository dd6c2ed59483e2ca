"""The workflow, four-eyes closing, extensions, lifting holds, remediation, escalation."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import translation

from tactful.accounts.roles import Role
from tactful.audit.models import AuditEvent
from tactful.complaints import services
from tactful.complaints.models import Complaint, ComplaintEvent, RuleProposal, Status
from tactful.complaints.services import Intake, NotAnOfficer, file_complaint
from tactful.complaints.tests.conftest import NOW
from tactful.contacts.facts import PermitRequest
from tactful.contacts.models import HoldLift
from tactful.contacts.services import request_permit
from tactful.errors import Conflict, InvalidInput
from tactful.loans.models import EntryKind
from tactful.testing.personas import make_staff

STRICTER = """
pack: cn
name: after-complaint
rules:
  - id: cn.gbt45251.quiet_hours
    parameters: {start: "09:00", end: "20:00"}
"""
LOOSER = STRICTER.replace('"09:00", end: "20:00"', '"06:00", end: "23:00"')


@pytest.fixture
def complaint(call, borrower):
    intake = Intake(
        channel="portal",
        category="abusive_language",
        description="催收员骂了我。",
        borrower=borrower,
        complainant_kind="borrower",
        verification_codes=[call.verification_code],
    )
    return file_complaint(intake=intake, actor="t", now=NOW).complaint


def _investigated(complaint, officer, resolution="upheld"):
    services.start_investigation(complaint=complaint, actor=officer, now=NOW)
    return services.resolve(
        complaint=complaint, resolution=resolution, summary="录音证实。", actor=officer, now=NOW
    )


@pytest.mark.django_db
def test_an_upheld_complaint_closes_only_with_a_second_officer(complaint, officer, second_officer):
    complaint = _investigated(complaint, officer)
    requested = services.close(complaint=complaint, actor=officer, now=NOW)
    assert requested.status == Status.RESOLVED
    with pytest.raises(Conflict) as refused:
        services.close(complaint=complaint, actor=officer, now=NOW)
    assert refused.value.code == "second_officer_required"

    closed = services.close(complaint=complaint, actor=second_officer, now=NOW)

    assert closed.status == Status.CLOSED
    kinds = list(ComplaintEvent.objects.filter(complaint=complaint).values_list("kind", flat=True))
    assert kinds == [
        "received",
        "acknowledged",
        "investigating",
        "resolved",
        "reply_sent",  # the complainant is told the answer is on their page
        "closure_requested",
        "closed",
    ]
    assert AuditEvent.objects.filter(action="complaint.closed").count() == 1


@pytest.mark.django_db
def test_a_not_upheld_complaint_closes_with_one_officer_and_can_be_reopened(complaint, officer):
    complaint = _investigated(complaint, officer, "not_upheld")
    services.close(complaint=complaint, actor=officer, now=NOW)

    reopened = services.reopen(complaint=complaint, reason="新证据", actor=officer, now=NOW)
    assert reopened.status == Status.INVESTIGATING
    assert reopened.resolution == ""


@pytest.mark.django_db
def test_collectors_cannot_move_a_complaint(complaint, collector):
    with pytest.raises(NotAnOfficer):
        services.start_investigation(complaint=complaint, actor=collector, now=NOW)
    assert Complaint.objects.get().status == Status.ACKNOWLEDGED


@pytest.mark.django_db
def test_steps_out_of_order_are_refused(complaint, officer):
    with pytest.raises(Conflict):
        services.resolve(
            complaint=complaint, resolution="upheld", summary="x", actor=officer, now=NOW
        )


@pytest.mark.django_db
def test_chinese_extensions_need_a_reason_then_an_approval(complaint, officer, second_officer):
    with pytest.raises(InvalidInput):
        services.extend_deadline(complaint=complaint, reason=" ", actor=officer, now=NOW)
    first = services.extend_deadline(complaint=complaint, reason="需要调取录音", actor=officer)
    assert first.due_on == date(2026, 4, 1)
    with pytest.raises(InvalidInput):
        services.extend_deadline(complaint=complaint, reason="特别复杂", actor=officer)
    second = services.extend_deadline(
        complaint=complaint, reason="特别复杂", actor=officer, approved_by=second_officer
    )
    assert second.due_on == date(2026, 5, 6)  # 2 Mar + 60 = 1 May, Labour Day week -> 6 May
    with pytest.raises(Conflict):
        services.extend_deadline(
            complaint=complaint, reason="再延", actor=officer, approved_by=second_officer
        )


@pytest.mark.django_db
def test_lifting_the_holds_is_an_explicit_step_and_contact_resumes(
    complaint, officer, loan, recipient, collector
):
    with pytest.raises(InvalidInput):
        services.lift_holds(complaint=complaint, reason="", actor=officer)
    assert not HoldLift.objects.exists()

    lifted = services.lift_holds(complaint=complaint, reason="已解决", actor=officer, now=NOW)

    assert lifted == 1
    later = request_permit(
        request=PermitRequest(
            loan=loan,
            recipient=recipient,
            channel="sms",
            purpose="collection",
            automated=True,
            content="请还款",
        ),
        actor="t",
        now=NOW + timedelta(hours=1),
    )
    assert "hold" not in later.categories


@pytest.mark.django_db
def test_the_apology_reaches_the_complainant_in_their_language(
    complaint, officer, sms_outbox, django_capture_on_commit_callbacks
):
    complaint = _investigated(complaint, officer)
    with django_capture_on_commit_callbacks(execute=True):
        services.send_apology(complaint=complaint, actor=officer, now=NOW)

    remedy = complaint.remediations.get(kind="apology")
    assert remedy.details == {"template": "2026.1", "language": "zh-hans"}
    assert remedy.attempt.purpose == "service"
    assert any(
        complaint.number in message.body and "抱歉" in message.body for message in sms_outbox.sent
    )


@pytest.mark.django_db
def test_an_apology_needs_an_upheld_complaint(complaint, officer, sms_outbox):
    complaint = _investigated(complaint, officer, "not_upheld")
    with pytest.raises(Conflict):
        services.send_apology(complaint=complaint, actor=officer, now=NOW)


@pytest.mark.django_db
def test_a_fee_waiver_and_compensation_are_new_ledger_rows(complaint, officer, loan):
    before = loan.entries.count()
    waiver = services.waive_fee(
        complaint=complaint, installment_n=1, amount="30.00", actor=officer, now=NOW
    )
    paid = services.compensate(complaint=complaint, amount="200", actor=officer, now=NOW)

    assert waiver.ledger_entry.kind == EntryKind.WAIVER
    assert paid.ledger_entry.external_reference == f"compensation:{complaint.number}"
    assert loan.entries.count() == before + 2
    with pytest.raises(InvalidInput):
        services.compensate(complaint=complaint, amount="-5", actor=officer, now=NOW)
    assert loan.entries.count() == before + 2


@pytest.mark.django_db
def test_a_coaching_task_goes_to_the_collector(complaint, officer, collector):
    task = services.coach_collector(
        complaint=complaint, collector=collector, note="用语培训", actor=officer, now=NOW
    )
    assert task.collector == collector
    with pytest.raises(InvalidInput):
        services.coach_collector(
            complaint=complaint, collector=officer, note="x", actor=officer, now=NOW
        )


@pytest.mark.django_db
def test_a_rule_proposal_must_tighten_the_pack(complaint, officer):
    proposal = services.propose_rule(complaint=complaint, override=STRICTER, actor=officer)
    assert proposal.pack == "cn"
    for bad in (LOOSER, "pack: [", "pack: uk\nrules: []"):
        with pytest.raises(InvalidInput):
            services.propose_rule(complaint=complaint, override=bad, actor=officer)
    assert RuleProposal.objects.count() == 1


@pytest.mark.django_db
def test_the_complainant_rates_a_resolved_complaint_once(complaint, officer):
    with pytest.raises(Conflict):
        services.rate_outcome(complaint=complaint, score=4)
    complaint = _investigated(complaint, officer)
    services.rate_outcome(complaint=complaint, score=4, comment="谢谢")
    with pytest.raises(Conflict):
        services.rate_outcome(complaint=complaint, score=5)
    with pytest.raises(InvalidInput):
        services.rate_outcome(complaint=Complaint.objects.get(), score=9)


@pytest.mark.django_db
def test_complaints_close_to_their_deadline_are_escalated_once(complaint):
    assert services.escalate_due(today=date(2026, 3, 5)) == []
    assert services.escalate_due(today=date(2026, 3, 16)) == [complaint]
    assert services.escalate_due(today=date(2026, 3, 16)) == []
    assert services.escalate_due(today=date(2026, 3, 18)) == [complaint]


@pytest.mark.django_db
def test_a_confirmed_finding_can_open_a_complaint(call, db):
    from tactful.callqa.models import Finding, FindingReview, Recording, Segment

    supervisor = make_staff("sun.supervisor", Role.SUPERVISOR)
    recording = Recording.objects.create(
        attempt=call, size_bytes=1, sha256="0" * 64, uploaded_at=NOW, uploaded_by="t"
    )
    segment = Segment.objects.create(
        recording=recording, index=0, start_seconds=0, end_seconds=1, text="再不还钱就报警"
    )
    finding = Finding.objects.create(
        recording=recording,
        segment=segment,
        category="threat",
        start=0,
        end=3,
        evidence="报警",
        source="lexicon",
        score=1.0,
        rule="r",
        found_at=NOW,
    )
    with pytest.raises(Conflict):
        services.open_complaint_from_finding(finding=finding, actor=supervisor, now=NOW)
    FindingReview.objects.create(
        finding=finding, verdict="confirmed", reviewer=supervisor, reviewed_at=NOW
    )

    complaint = services.open_complaint_from_finding(finding=finding, actor=supervisor, now=NOW)

    assert complaint.category == "abusive_language"
    assert [link.attempt for link in complaint.attempts.all()] == [call]
    again = services.open_complaint_from_finding(finding=finding, actor=supervisor, now=NOW)
    assert again == complaint


@pytest.mark.django_db
def test_reports_count_per_ten_thousand_accounts_and_sla(complaint, officer):
    from tactful.complaints.exports import complaints_csv
    from tactful.complaints.selectors import report

    _investigated(complaint, officer)
    figures = report(pack="cn", today=date(2026, 3, 3))

    assert figures.accounts == 1
    assert figures.total == 1
    assert str(figures.per_10k) == "10000.00"
    by_name = {b.name: b.rows for b in figures.breakdowns}
    assert by_name["collector"] == [("wang.collector", 1, figures.per_10k)]
    assert by_name["outcome"][0][0] == "upheld"
    assert figures.resolved_on_time == 1
    assert str(figures.sla_rate) == "100.0"
    exported = complaints_csv("cn")
    assert "张伟" not in exported
    assert complaint.number in exported
    # The key row and the row of names in the reader's language, and nothing else.
    assert complaints_csv("uk").count("\n") == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "name"),
    [("zh-hans", "投诉编号"), ("zh-hant", "投訴編號"), ("en", "Complaint number")],
)
def test_exports_keep_a_stable_key_row_and_name_columns_in_the_readers_language(
    complaint, language, name
):
    import csv
    import io

    from openpyxl import load_workbook  # type: ignore[import-untyped]

    from tactful.complaints.exports import COLUMNS, complaints_csv, complaints_xlsx

    with translation.override(language):
        rows = list(csv.reader(io.StringIO(complaints_csv(None))))
        workbook = load_workbook(io.BytesIO(complaints_xlsx(None)))
    assert rows[0] == list(COLUMNS)
    assert rows[1][0] == name
    assert rows[2][0] == complaint.number
    sheet = workbook.worksheets[0]
    assert [cell.value for cell in sheet[1]] == list(COLUMNS)
    assert sheet[2][0].value == name
    meanings = {(row[0], row[1]): row[2] for row in workbook["codes"].iter_rows(values_only=True)}
    assert ("category", "abusive_language") in meanings


def _finding_on(call):
    from tactful.callqa.models import Finding, Recording, Segment

    recording = Recording.objects.create(
        attempt=call, size_bytes=1, sha256="1" * 64, uploaded_at=NOW, uploaded_by="t"
    )
    segment = Segment.objects.create(
        recording=recording, index=0, start_seconds=0, end_seconds=1, text="再不还钱就报警"
    )
    return Finding.objects.create(
        recording=recording, segment=segment, category="threat", start=0, end=3,
        evidence="报警", source="lexicon", score=1.0, rule="r", found_at=NOW,
    )  # fmt: skip


@pytest.mark.django_db
def test_a_confirmed_finding_coaches_the_caller_and_suspends_them_until_a_new_certificate(
    call, collector
):
    from datetime import timedelta

    from django.utils import timezone

    from tactful.complaints.models import CoachingTask
    from tactful.contacts.selectors import holds_valid_certification
    from tactful.contacts.services import certify_collector

    supervisor = make_staff("sun.supervisor", Role.SUPERVISOR)
    now = timezone.now()
    assert holds_valid_certification(collector, now=now)

    services.review_finding_and_coach(
        finding=_finding_on(call), verdict="confirmed", reason="", reviewer=supervisor
    )

    task = CoachingTask.objects.get(collector=collector)
    assert task.finding is not None
    assert "Re-quiz" in task.note
    later = timezone.now()
    assert not holds_valid_certification(collector, now=later)
    # A certificate recorded after the suspension (a passed re-quiz) counts again.
    certify_collector(
        collector=collector, certificate_number="T-CN-REQUIZ", valid_from=later,
        valid_until=later + timedelta(days=365), actor="test", now=later + timedelta(seconds=1),
    )  # fmt: skip
    assert holds_valid_certification(collector, now=later + timedelta(seconds=2))


@pytest.mark.django_db
def test_a_dismissed_finding_coaches_nobody(call, collector):
    from django.utils import timezone

    from tactful.complaints.models import CoachingTask
    from tactful.contacts.selectors import holds_valid_certification

    supervisor = make_staff("sun.supervisor", Role.SUPERVISOR)
    services.review_finding_and_coach(
        finding=_finding_on(call), verdict="dismissed", reason="banter", reviewer=supervisor
    )
    assert not CoachingTask.objects.exists()
    assert holds_valid_certification(collector, now=timezone.now())
