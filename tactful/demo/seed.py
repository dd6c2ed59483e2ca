"""A fictional loan portfolio to try Tactful with: borrowers, loans and payment histories.

Everything is written through the service layer, exactly as an integrator's data
would be. The same seed and the same "today" always give the same portfolio, and
seeding again changes nothing: a borrower or loan that exists is left alone.

Who the borrowers are:
- names from Faker's zh_CN locale, seeded per borrower;
- valid Chinese resident ID numbers (region 110101, a fictional birth date, the
  check digit computed by python-stdnum), which belong to no one we know of;
- phone numbers from the North American fictional range +1 NXX 555-0100..0199,
  reserved for fiction, so a demo can never reach a real person. They stand in for
  Chinese mobile numbers, so each borrower's time zone is overridden to
  Asia/Shanghai: quiet hours are then evaluated as they would be in China, not in
  the time zone of the American area code.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import cache

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from faker import Faker
from stdnum.cn import ric

from tactful.borrowers.models import Borrower, Language
from tactful.borrowers.selectors import borrower_by_external_id, borrowers_with_external_id_prefix
from tactful.borrowers.services import BorrowerDetails, upsert_borrower
from tactful.demo.activity import WINDOW_DAYS, ActivitySummary, seed_demo_activity
from tactful.demo.casework import seed_demo_templates
from tactful.demo.complaints import seed_demo_complaints
from tactful.demo.histories import (
    BEHAVIOUR_WEIGHTS,
    Behaviour,
    DueInstallment,
    Posting,
    plan_history,
)
from tactful.demo.selectors import (
    DEMO_BORROWER_PREFIX,
    PortfolioCounts,
    borrower_external_id,
    count_portfolio,
)
from tactful.demo.staff import DEMO_ACTOR, create_demo_staff
from tactful.errors import Conflict, InvalidInput
from tactful.loans.models import LedgerEntry, Loan
from tactful.loans.selectors import ledger_entries, loan_with_external_id
from tactful.loans.services import LoanTerms, charge_fee, open_loan, post_payment, reverse_entry
from tactful.money import Method
from tactful.oversight.services import rebuild_rollups

# Geographic US area codes of the original plan (middle digit 0 or 1), all of which
# python-phonenumbers accepts with a 555-01XX line; each yields 100 fictional numbers.
AREA_CODES = (
    201, 202, 203, 205, 206, 207, 208, 209, 210, 212, 213, 214, 215, 216, 217, 218, 219,
    301, 302, 303, 304, 305, 307, 308, 309, 310, 312, 313, 314, 315, 316, 317, 318, 319,
    401, 402, 404, 405, 406, 407, 408, 409, 410, 412, 413, 414, 415, 417, 419,
    501, 502, 503, 504, 505, 507, 508, 509, 510, 512, 513, 515, 516, 517, 518,
    601, 602, 603, 605, 606, 607, 608, 609, 610, 612, 614, 615, 616, 617, 618, 619,
    701, 702, 703, 704, 706, 707, 708, 712, 713, 714, 715, 716, 717, 718, 719,
    801, 802, 803, 804, 805, 806, 808, 810, 812, 813, 814, 815, 816, 817, 818,
    901, 903, 904, 906, 907, 908, 909, 910, 912, 913, 914, 915, 916, 917, 918, 919,
)  # fmt: skip
NUMBERS_PER_AREA_CODE = 100
MAX_BORROWERS = len(AREA_CODES) * NUMBERS_PER_AREA_CODE
TIME_ZONE = "Asia/Shanghai"
ID_REGION = "110101"  # 北京市东城区
OLDEST_BIRTH_DATE = date(1965, 1, 1)
YOUNGEST_BIRTH_DATE = date(2004, 12, 31)
ADDRESS_EVERY = 4  # every fourth borrower has a postal address

LANGUAGE_WEIGHTS = {
    Language.SIMPLIFIED_CHINESE: 80,
    Language.TRADITIONAL_CHINESE: 12,
    Language.ENGLISH: 8,
}
PRODUCTS = ("消费分期", "现金贷")
TERMS_IN_MONTHS = (3, 6, 9, 12, 18, 24)
HISTORY_DAYS = 730
CURRENCY = "CNY"


@dataclass(frozen=True)
class SeedSummary:
    seed: int
    today: date
    borrowers_created: int
    counts: PortfolioCounts
    staff_created: list[str] = field(default_factory=list)
    demo_mode: bool = False
    complaints_filed: int = 0
    activity: ActivitySummary = field(default_factory=ActivitySummary)

    def describe(self) -> list[str]:
        """Return the summary as lines for people."""
        counts = self.counts
        buckets = ", ".join(f"{label} {n}" for label, n in counts.loans_per_bucket.items())
        staff = ", ".join(self.staff_created) or "none, they exist"
        if not self.demo_mode:
            staff = "skipped: TACTFUL_DEMO is off, and their password is public"
        return [
            f"Demo portfolio, seed {self.seed}, as of {self.today.isoformat()}:",
            f"  borrowers: {counts.borrowers} ({self.borrowers_created} new)",
            f"  loans:     {counts.loans}",
            f"  entries:   {counts.entries}",
            f"  loans per bucket: {buckets}",
            f"  demo staff created: {staff}",
            f"  demo complaints filed: {self.complaints_filed}",
            *self.activity.describe(),
        ]


def demo_phone(index: int) -> str:
    """Return the fictional phone number of the demo borrower at `index` (0-based)."""
    area_code = AREA_CODES[index // NUMBERS_PER_AREA_CODE]
    return f"+1{area_code}55501{index % NUMBERS_PER_AREA_CODE:02d}"


def seed_demo(
    *,
    borrowers: int,
    seed: int,
    today: date | None = None,
    progress: Callable[[str], None] | None = None,
) -> SeedSummary:
    """Seed the portfolio and, in demo mode, the staff and their work; return what is there.

    In demo mode only: the demo staff, their message templates and complaints, then 30
    days of their casework (tactful.demo.activity), ending with the day's plan.
    """
    day = _valid_today(today)
    _validate_size(borrowers)
    _ensure_no_other_seed(seed)
    created = 0
    for index in range(borrowers):
        created += _seed_borrower(seed=seed, index=index, today=day)
        done = index + 1
        if progress is not None and _is_progress_step(done, borrowers):
            progress(f"seeded {done}/{borrowers} borrowers ({done * 100 // borrowers}%)")
    counts = count_portfolio(seed=seed, today=day)
    staff = create_demo_staff()
    seed_demo_templates()
    complaints = seed_demo_complaints(seed=seed, borrowers=borrowers)
    activity = seed_demo_activity(seed=seed, today=day, progress=progress)
    # What the hourly roll-up would have counted, so the dashboards show the 30 days at once
    # (a day past `day` too: the operating zone's today may be UTC's tomorrow).
    rebuild_rollups(first=day - timedelta(days=WINDOW_DAYS + 1), last=day + timedelta(days=1))
    return SeedSummary(
        seed, day, created, counts, staff, settings.DEMO_MODE, complaints, activity=activity
    )


def _valid_today(today: date | None) -> date:
    real_today = timezone.now().date()
    if today is None:
        return real_today
    if today > real_today:
        # Ledger entries cannot be valued in the future.
        raise InvalidInput({"today": "must not be after the real date"})
    return today


def _validate_size(borrowers: int) -> None:
    if not 1 <= borrowers <= MAX_BORROWERS:
        raise InvalidInput({"borrowers": f"must be between 1 and {MAX_BORROWERS}"})


def _ensure_no_other_seed(seed: int) -> None:
    # Every seed uses the same fictional numbers, and a number belongs to one borrower.
    others = borrowers_with_external_id_prefix(DEMO_BORROWER_PREFIX).exclude(
        external_id__startswith=f"{DEMO_BORROWER_PREFIX}{seed}-"
    )
    if others.exists():
        raise Conflict(
            "other_demo_seed",
            "this database holds the demo portfolio of another seed; use a fresh database",
        )


def _is_progress_step(done: int, total: int) -> bool:
    step = max(total // 10, 1)
    return done % step == 0 or done == total


def _seed_borrower(*, seed: int, index: int, today: date) -> bool:
    """Seed borrower `index` with loans and histories; return whether it was new."""
    rng = random.Random(f"{seed}:{index}")
    with transaction.atomic():
        borrower, created = _borrower(seed, index, rng)
        loan_count = 2 if rng.random() < 0.2 else 1
        for number in range(loan_count):
            terms = _loan_terms(f"demo-l-{seed}-{index}-{number}", rng, today)
            behaviour = rng.choices(list(BEHAVIOUR_WEIGHTS), list(BEHAVIOUR_WEIGHTS.values()))[0]
            _seed_loan(borrower, terms, behaviour, random.Random(terms.external_id), today)
    return created


def _borrower(seed: int, index: int, rng: random.Random) -> tuple[Borrower, bool]:
    external_id = borrower_external_id(seed, index)
    # Drawn even for a borrower that exists, so its loans draw the same numbers as before.
    details = _borrower_details(external_id, seed=seed, index=index, rng=rng)
    existing = borrower_by_external_id(external_id)
    if existing is not None:
        # Seeding again writes nothing, not even an "updated" audit event.
        return existing, False
    return upsert_borrower(details=details, actor=DEMO_ACTOR)


def _borrower_details(
    external_id: str, *, seed: int, index: int, rng: random.Random
) -> BorrowerDetails:
    faker = _faker()
    faker.seed_instance(f"{seed}:{index}")
    language = rng.choices(list(LANGUAGE_WEIGHTS), list(LANGUAGE_WEIGHTS.values()))[0]
    return BorrowerDetails(
        external_id=external_id,
        name=faker.name(),
        id_country="cn",
        national_id=fictional_resident_id(rng),
        phones=[demo_phone(index)],
        preferred_language=language,
        timezone_override=TIME_ZONE,
        # A few borrowers have a (fictional) postal address, shown masked to staff.
        address=faker.address() if index % ADDRESS_EVERY == 0 else "",
    )


@cache
def _faker() -> Faker:
    # Building a Faker loads every provider; one instance, reseeded per borrower, is enough.
    return Faker("zh_CN")


def fictional_resident_id(rng: random.Random) -> str:
    """Return a valid 18-character CN resident ID number with a fictional birth date."""
    span = (YOUNGEST_BIRTH_DATE - OLDEST_BIRTH_DATE).days
    born = OLDEST_BIRTH_DATE + timedelta(days=rng.randint(0, span))
    body = f"{ID_REGION}{born:%Y%m%d}{rng.randint(1, 999):03d}"
    # calc_check_digit reads all but the last character, so give it a placeholder.
    return body + ric.calc_check_digit(body + "0")


def _loan_terms(external_id: str, rng: random.Random, today: date) -> LoanTerms:
    return LoanTerms(
        external_id=external_id,
        product=rng.choice(PRODUCTS),
        principal=Decimal(rng.randint(10, 500) * 100),
        annual_rate=Decimal(rng.randint(12, 48)) * Decimal("0.005"),
        term_months=rng.choice(TERMS_IN_MONTHS),
        method=rng.choice(list(Method)).value,
        disbursed_on=today - timedelta(days=rng.randint(10, HISTORY_DAYS)),
        currency=CURRENCY,
    )


def _seed_loan(
    borrower: Borrower, terms: LoanTerms, behaviour: Behaviour, rng: random.Random, today: date
) -> None:
    loan = loan_with_external_id(terms.external_id)
    if loan is None:
        loan, _ = open_loan(borrower=borrower, terms=terms, actor=DEMO_ACTOR)
    if ledger_entries(loan).exists():
        return
    dues = [
        DueInstallment(row.n, row.due_date, row.principal + row.interest)
        for row in loan.installments.order_by("n")
    ]
    _post_history(loan, plan_history(dues=dues, behaviour=behaviour, rng=rng, today=today))


def _post_history(loan: Loan, postings: Sequence[Posting]) -> None:
    entries: dict[str, LedgerEntry] = {}
    for posting in postings:
        entries[posting.key] = _post(loan, posting, entries)


def _post(loan: Loan, posting: Posting, earlier: dict[str, LedgerEntry]) -> LedgerEntry:
    if posting.kind == "fee":
        assert posting.installment_n is not None
        return charge_fee(
            loan=loan,
            installment_n=posting.installment_n,
            amount=posting.amount,
            value_date=posting.value_date,
            actor=DEMO_ACTOR,
        )
    if posting.kind == "reversal":
        assert posting.reverses is not None
        return reverse_entry(
            loan=loan,
            entry_reference=str(earlier[posting.reverses].reference),
            value_date=posting.value_date,
            actor=DEMO_ACTOR,
        )
    return post_payment(
        loan=loan,
        amount=posting.amount,
        value_date=posting.value_date,
        actor=DEMO_ACTOR,
        external_reference=f"demo-{posting.key}",
    )
