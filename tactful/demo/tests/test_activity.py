"""The demo's 30 days of casework: through the gate, the same every time, seeded once."""

from __future__ import annotations

from collections import Counter

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from tactful.accounts.models import User
from tactful.audit.models import AuditEvent
from tactful.audit.verification import verify_chain
from tactful.callqa.models import Finding, Recording, Status
from tactful.casework.models import Assignment, CallLog, CaseNote, TemplatedMessage
from tactful.contacts.models import ContactAttempt, Hold
from tactful.demo.activity import seed_demo_activity
from tactful.demo.seed import seed_demo
from tactful.loans.models import LedgerEntry
from tactful.repayment.models import PromiseOutcome, PromiseToPay
from tactful.testing.personas import sign_in_staff
from tactful.treatments.models import DailyPlan, PlanEntry

pytestmark = pytest.mark.django_db
BORROWERS = 60


@pytest.fixture(autouse=True)
def demo_mode(settings, tmp_path):
    settings.DEMO_MODE = True
    settings.VAR_DIR = tmp_path  # the recordings' storage


def stored_counts():
    models = (
        ContactAttempt, CallLog, CaseNote, TemplatedMessage, Assignment, Hold, PromiseToPay,
        PromiseOutcome, LedgerEntry, Recording, DailyPlan, PlanEntry, AuditEvent,
    )  # fmt: skip
    return {model.__name__: model.objects.count() for model in models}


def attempts_digest():
    rows = ContactAttempt.objects.filter(collector__isnull=False).order_by("requested_at", "pk")
    return [
        (a.loan.external_id, a.collector.username, a.channel, a.requested_at, a.decision,
         tuple(a.categories))
        for a in rows.select_related("loan", "collector")
    ]  # fmt: skip


def test_the_activity_asks_the_gate_for_every_contact_and_hears_yes_and_no():
    summary = seed_demo(borrowers=BORROWERS, seed=7).activity

    assert summary.accounts > 10
    assert summary.allowed > 0
    assert summary.refused > 0
    assert {"time_window", "hold", "certification", "frequency"} <= set(summary.refused_by)
    attempts = ContactAttempt.objects.filter(collector__isnull=False)
    assert attempts.count() == summary.allowed + summary.refused
    assert attempts.filter(decision="deny").count() == summary.refused
    # Every refusal is the gate's own decision, with its reasons, pack and version.
    for denied in attempts.filter(decision="deny"):
        assert denied.reasons
        assert (denied.pack, bool(denied.pack_version)) == ("cn", True)
    assert {"sms", "call"} == set(attempts.values_list("channel", flat=True))
    assert TemplatedMessage.objects.count() == attempts.filter(channel="sms").count()
    results = set(CallLog.objects.values_list("result", flat=True))
    assert results == {"connected", "no_answer", "wrong_number", "dispute", "hardship", "promise"}
    assert verify_chain().intact


def test_the_uncertified_collector_is_refused_by_the_certification_rule():
    seed_demo(borrowers=BORROWERS, seed=7)

    newcomer = User.objects.get(username="collector2")
    theirs = ContactAttempt.objects.filter(collector=newcomer)
    assert theirs.exists()
    for attempt in theirs:
        assert attempt.decision == "deny"
        assert "certification" in attempt.categories
    mine = ContactAttempt.objects.filter(collector__username="collector", decision="allow")
    assert mine.exists()


def test_promises_are_kept_broken_and_pending():
    summary = seed_demo(borrowers=BORROWERS, seed=7).activity

    assert summary.promises == {"kept": 1, "broken": 1, "pending": 1}
    outcomes = Counter(PromiseOutcome.objects.values_list("state", flat=True))
    assert outcomes == {"kept": 1, "broken": 1}
    kept = PromiseOutcome.objects.get(state="kept").promise
    payment = LedgerEntry.objects.get(loan=kept.loan, external_reference__startswith="demo-promise")
    assert kept.made_on <= payment.value_date <= kept.due_on
    assert payment.amount >= kept.amount


def test_a_hardship_case_waits_for_a_supervisors_review():
    seed_demo(borrowers=BORROWERS, seed=7)

    hold = Hold.objects.get(kind="hardship")
    assert not hasattr(hold, "lift")
    entry = PlanEntry.objects.get(loan=hold.loan, plan=DailyPlan.objects.latest("plan_date"))
    assert entry.treatment == "review"
    assert CaseNote.objects.filter(loan=hold.loan).exists()
    # Contact stopped: the collector's call the next day met the hold.
    after = ContactAttempt.objects.filter(loan=hold.loan, requested_at__gt=hold.starts_at)
    assert [a.decision for a in after] == ["deny"]
    assert "hold" in after.get().categories


def test_seeding_again_adds_nothing():
    first = seed_demo(borrowers=BORROWERS, seed=7)
    before = stored_counts()

    second = seed_demo(borrowers=BORROWERS, seed=7)

    assert stored_counts() == before
    assert first.activity.accounts > 0
    assert second.activity.accounts == 0
    assert second.activity.skipped == "the demo collectors have worked already"


def test_the_same_seed_gives_the_same_activity():
    def fresh():
        with transaction.atomic():
            activity = seed_demo(borrowers=BORROWERS, seed=7).activity
            seen = (
                activity.accounts, activity.allowed, activity.refused_by, activity.calls_logged,
                activity.promises, activity.recordings, attempts_digest(),
            )  # fmt: skip
            transaction.set_rollback(True)
        return seen

    assert fresh() == fresh()


def test_the_worklist_and_the_team_page_show_the_days_work():
    seed_demo(borrowers=BORROWERS, seed=7)
    supervisor = Client()
    sign_in_staff(supervisor, User.objects.get(username="supervisor"))
    collector = Client()
    sign_in_staff(collector, User.objects.get(username="collector"))
    plan = DailyPlan.objects.latest("plan_date")
    mine = PlanEntry.objects.filter(
        plan=plan, treatment__in=["call", "reminder", "offer"], loan__assignments__isnull=False
    ).select_related("loan")
    review = PlanEntry.objects.filter(plan=plan, treatment="review").select_related("loan")
    assert mine.exists()
    assert review.exists()

    everyone = supervisor.get("/staff/work/?who=all").content.decode()
    team = supervisor.get("/staff/team/").content.decode()
    own = collector.get("/staff/work/").content.decode()
    recordings = supervisor.get("/staff/recordings/").content.decode()

    assert any(entry.loan.external_id in everyone for entry in mine)
    assert any(entry.loan.external_id in own for entry in mine)
    assert "collector2" in team
    assert any(entry.loan.external_id in team for entry in review)
    for recording in Recording.objects.select_related("attempt"):
        assert recording.attempt.verification_code in recordings
    account = collector.get(f"/staff/work/{mine[0].loan.external_id}/")
    assert account.status_code == 200


def test_the_recordings_are_transcribed_by_the_real_engine_and_one_has_a_finding(
    django_capture_on_commit_callbacks,
):
    pytest.importorskip("faster_whisper")

    with django_capture_on_commit_callbacks(execute=True):
        summary = seed_demo(borrowers=BORROWERS, seed=7).activity

    assert summary.recordings == 2
    for recording in Recording.objects.all():
        assert recording.status == Status.INSPECTED
        assert recording.engine == "faster-whisper"
        assert recording.attempt.collector.username == "collector"
    assert Finding.objects.filter(category="exposure_threat").exists()


def test_no_activity_outside_demo_mode(settings):
    settings.DEMO_MODE = False

    summary = seed_demo_activity(seed=7, today=timezone.now().date())

    assert summary.skipped == "TACTFUL_DEMO is off"
    assert not ContactAttempt.objects.exists()
