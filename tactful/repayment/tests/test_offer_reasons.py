""" "Why did I get this offer?": the plans page shows the nightly plan's reasons, in words."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tactful.borrowers.models import Borrower
from tactful.loans.models import Loan
from tactful.testing.personas import (
    SECOND_PHONE,
    make_borrower,
    make_overdue_loan,
    sign_in_borrower,
)
from tactful.treatments.models import DailyPlan, PlanEntry, StrategyVersion

INTRO = "Our estimate of how likely you are to repay on your own took these into account:"


def plan_entry_for(loan: Loan, reasons: str = "current_delay+;payment_ratio-") -> PlanEntry:
    now = timezone.now()
    strategy = StrategyVersion.objects.create(
        name="cn",
        version="test",
        pack="cn",
        sha256="0" * 64,
        text="",
        recorded_at=now,
        recorded_by="test",
    )
    plan = DailyPlan.objects.create(
        plan_date=now.date(),
        pack="cn",
        strategy=strategy,
        model_id="test",
        planned_at=now,
        created_at=now,
        created_by="test",
    )
    return PlanEntry.objects.create(
        plan=plan,
        loan=loan,
        days_past_due=70,
        bucket="61-90",
        risk=0.4,
        self_cure=0.3,
        band="medium",
        treatment="offer",
        reasons=reasons,
    )


def plans_page(borrower: Borrower, loan: Loan, language: str = "en") -> str:
    client = Client()
    sign_in_borrower(client, borrower)
    page = reverse("portal:plans", args=[loan.reference])
    return client.get(page, HTTP_ACCEPT_LANGUAGE=language).content.decode()


def test_a_borrower_with_a_plan_entry_sees_why_in_plain_words(borrower, loan) -> None:
    plan_entry_for(loan)
    page = plans_page(borrower, loan)
    assert INTRO in page
    assert "How late the current payment is: raises the estimated risk." in page
    # A factor that lowered the estimate is not a reason to offer help, and reads to a
    # borrower who is late as "lateness lowers the risk": it is not shown to them.
    assert "lowers the estimated risk" not in page


@pytest.mark.parametrize(
    ("language", "intro", "reason"),
    [
        ("zh-hans", "我们在估计您能否自行还款时", "当前还款的逾期程度：提高了估计风险。"),
        ("zh-hant", "我們在估計您能否自行還款時", "當前還款的逾期程度：提高了估計風險。"),
    ],
)
def test_the_reasons_are_in_the_borrowers_language(borrower, loan, language, intro, reason) -> None:
    plan_entry_for(loan)
    page = plans_page(borrower, loan, language)
    assert intro in page
    assert reason in page


def test_another_borrower_never_sees_someone_elses_reasons(borrower, loan) -> None:
    plan_entry_for(loan)
    other = make_borrower(external_id="b-other", phone=SECOND_PHONE, name="李娜")
    other_loan = make_overdue_loan(other, external_id="l-other", days_ago=100)
    page = plans_page(other, other_loan)
    assert INTRO not in page
    assert "raises the estimated risk" not in page


def test_no_plan_entry_shows_nothing(borrower, loan) -> None:
    page = plans_page(borrower, loan)
    assert INTRO not in page
    assert "estimated risk" not in page
