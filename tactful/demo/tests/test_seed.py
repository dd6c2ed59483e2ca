from __future__ import annotations

from datetime import date
from decimal import Decimal

import phonenumbers
import pytest
from django.db import transaction
from stdnum.cn import ric

from tactful.accounts.models import User
from tactful.audit.models import AuditEvent
from tactful.audit.verification import verify_chain
from tactful.borrowers.models import Borrower, Language, PhoneNumber
from tactful.demo.seed import (
    AREA_CODES,
    MAX_BORROWERS,
    NUMBERS_PER_AREA_CODE,
    demo_phone,
    seed_demo,
)
from tactful.demo.tests.conftest import portfolio_digest
from tactful.errors import Conflict, InvalidInput
from tactful.loans.models import Installment, LedgerEntry, Loan

TODAY = date(2025, 6, 30)


def stored_counts() -> dict[str, int]:
    models = (Borrower, PhoneNumber, Loan, Installment, LedgerEntry, AuditEvent)
    return {model.__name__: model.objects.count() for model in models}


def digest_of_a_fresh_seed(*, seed: int, borrowers: int = 12) -> str:
    """Seed into the test's empty database, take the digest, and roll everything back."""
    with transaction.atomic():
        seed_demo(borrowers=borrowers, seed=seed, today=TODAY)
        digest = portfolio_digest()
        transaction.set_rollback(True)
    return digest


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_portfolio():
    first = digest_of_a_fresh_seed(seed=3)

    assert not Borrower.objects.exists()
    assert digest_of_a_fresh_seed(seed=3) == first
    assert digest_of_a_fresh_seed(seed=4) != first


@pytest.mark.django_db
def test_seeding_again_changes_nothing():
    first = seed_demo(borrowers=10, seed=3, today=TODAY)
    before, digest = stored_counts(), portfolio_digest()

    second = seed_demo(borrowers=10, seed=3, today=TODAY)

    assert stored_counts() == before
    assert portfolio_digest() == digest
    assert (first.borrowers_created, second.borrowers_created) == (10, 0)
    assert second.counts == first.counts


@pytest.mark.django_db
def test_seeding_more_borrowers_later_equals_seeding_them_at_once():
    at_once = digest_of_a_fresh_seed(seed=3, borrowers=8)

    seed_demo(borrowers=5, seed=3, today=TODAY)
    later = seed_demo(borrowers=8, seed=3, today=TODAY)

    assert later.borrowers_created == 3
    assert portfolio_digest() == at_once


@pytest.mark.django_db
def test_the_portfolio_spreads_over_every_delinquency_bucket():
    summary = seed_demo(borrowers=60, seed=7, today=TODAY)

    buckets = summary.counts.loans_per_bucket
    assert list(buckets) == ["M0", "M1", "M2", "M3+"]
    assert all(count > 0 for count in buckets.values()), buckets
    assert buckets["M0"] > sum(buckets.values()) / 2
    assert sum(buckets.values()) == summary.counts.loans == Loan.objects.count()


@pytest.mark.django_db
def test_histories_include_late_fees_and_bounced_payments():
    seed_demo(borrowers=60, seed=7, today=TODAY)

    kinds = set(LedgerEntry.objects.values_list("kind", flat=True))
    assert kinds == {"payment", "fee", "reversal"}
    assert not LedgerEntry.objects.filter(value_date__gt=TODAY).exists()


@pytest.mark.django_db
def test_loans_fit_the_demo_products_and_terms():
    seed_demo(borrowers=30, seed=7, today=TODAY)

    for loan in Loan.objects.all():
        assert loan.product in {"消费分期", "现金贷"}
        assert Decimal(1_000) <= loan.principal <= Decimal(50_000)
        assert Decimal("0.06") <= loan.annual_rate <= Decimal("0.24")
        assert 3 <= loan.term_months <= 24
        assert (TODAY - loan.disbursed_on).days <= 730
        assert loan.currency == "CNY"
    assert {loan.method for loan in Loan.objects.all()} == {"equal_installment", "equal_principal"}


@pytest.mark.django_db
def test_borrowers_have_valid_fictional_identities():
    seed_demo(borrowers=30, seed=7, today=TODAY)

    for borrower in Borrower.objects.all():
        assert ric.is_valid(borrower.national_id)
        assert borrower.national_id.startswith("110101")
        assert borrower.id_country == "cn"
        assert borrower.timezone_override == "Asia/Shanghai"
        assert borrower.time_zone == "Asia/Shanghai"
        (phone,) = borrower.phone_numbers.all()
        assert phone.is_primary
        assert phone.e164[5:10] == "55501"
    languages = list(Borrower.objects.values_list("preferred_language", flat=True))
    assert languages.count(Language.SIMPLIFIED_CHINESE) > len(languages) / 2
    assert set(languages) <= set(Language.values)


@pytest.mark.django_db
def test_seeding_goes_through_the_audited_service_layer():
    seed_demo(borrowers=5, seed=7, today=TODAY)

    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"borrower.created", "loan.opened", "ledger.payment"} <= actions
    assert verify_chain().intact


@pytest.mark.django_db
def test_progress_is_reported_every_tenth() -> None:
    lines: list[str] = []

    seed_demo(borrowers=20, seed=7, today=TODAY, progress=lines.append)

    assert len(lines) == 10
    assert lines[0] == "seeded 2/20 borrowers (10%)"
    assert lines[-1] == "seeded 20/20 borrowers (100%)"


def test_every_demo_phone_number_is_valid_and_distinct():
    indexes = [
        position * NUMBERS_PER_AREA_CODE + line
        for position in range(len(AREA_CODES))
        for line in (0, NUMBERS_PER_AREA_CODE - 1)
    ]
    numbers = [demo_phone(index) for index in indexes]

    assert len(set(numbers)) == len(numbers)
    for number in numbers:
        assert phonenumbers.is_valid_number(phonenumbers.parse(number))
    assert demo_phone(0) == "+12015550100"
    assert demo_phone(MAX_BORROWERS - 1) == "+19195550199"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"borrowers": 0}, "borrowers"),
        ({"borrowers": MAX_BORROWERS + 1}, "borrowers"),
        ({"borrowers": 1, "today": date(2999, 1, 1)}, "today"),
    ],
)
def test_bad_options_are_refused_and_nothing_is_stored(options, field):
    with pytest.raises(InvalidInput) as raised:
        seed_demo(seed=1, **options)

    assert field in raised.value.fields
    assert sum(stored_counts().values()) == 0


@pytest.mark.django_db
def test_a_second_seed_in_the_same_database_is_refused():
    seed_demo(borrowers=2, seed=1, today=TODAY)
    before = stored_counts()

    with pytest.raises(Conflict) as raised:
        seed_demo(borrowers=2, seed=2, today=TODAY)

    assert raised.value.code == "other_demo_seed"
    assert stored_counts() == before


@pytest.mark.django_db
def test_in_demo_mode_seeding_also_creates_the_demo_staff(settings):
    settings.DEMO_MODE = True

    summary = seed_demo(borrowers=1, seed=7, today=TODAY)

    assert summary.staff_created == [
        "collector",
        "collector2",
        "supervisor",
        "compliance",
        "compliance2",
        "admin",
    ]
    assert (
        "  demo staff created: collector, collector2, supervisor, compliance, compliance2, admin"
        in summary.describe()
    )
    assert User.objects.count() == 6


@pytest.mark.django_db
def test_outside_demo_mode_seeding_creates_no_staff(settings):
    settings.DEMO_MODE = False

    summary = seed_demo(borrowers=1, seed=7, today=TODAY)

    assert summary.staff_created == []
    text = "\n".join(summary.describe())
    assert "demo staff created: skipped: TACTFUL_DEMO is off" in text
    assert "demo activity: skipped: TACTFUL_DEMO is off" in text
    assert not User.objects.exists()


@pytest.mark.django_db
def test_in_demo_mode_complaints_wait_at_every_stage_once(settings, tmp_path):
    from tactful.complaints.models import Complaint, EventKind, Status
    from tactful.complaints.selectors import closure_request

    settings.DEMO_MODE = True
    settings.VAR_DIR = tmp_path

    summary = seed_demo(borrowers=6, seed=7, today=TODAY)

    assert summary.complaints_filed == 6
    complaints = Complaint.objects.all()
    stages = {c.status for c in complaints}
    assert {Status.RECEIVED, Status.INVESTIGATING, Status.RESOLVED, Status.CLOSED} <= stages
    assert Status.ACKNOWLEDGED in stages
    waiting = complaints.get(status=Status.RESOLVED)
    request = closure_request(waiting)
    assert request is not None
    assert request.actor == f"user:{User.objects.get(username='compliance').pk}"
    assert complaints.filter(attachments__isnull=False).distinct().count() == 3
    assert complaints.filter(channel="regulator").exists()
    assert complaints.filter(events__kind=EventKind.INFORMATION_GIVEN).exists()
    # Seeding again files nothing twice.
    assert seed_demo(borrowers=6, seed=7, today=TODAY).complaints_filed == 0
    assert Complaint.objects.count() == 6
