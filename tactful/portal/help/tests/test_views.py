from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from tactful.repayment import selectors
from tactful.repayment.models import (
    Acceptance,
    DebitMandate,
    HardshipPause,
    PointsEntry,
    PromiseToPay,
    RestructuringOffer,
)
from tactful.testing.personas import (
    SECOND_PHONE,
    make_borrower,
    make_overdue_loan,
    sign_in_borrower,
)
from tactful.testing.zones import move_to_daytime

D = Decimal


@pytest.fixture
def client(borrower) -> Client:
    client = Client()
    sign_in_borrower(client, borrower)
    return client


def url(name: str, *args: object) -> str:
    return reverse(f"portal:{name}", args=args)


@pytest.mark.parametrize("language", ["zh-hans", "zh-hant", "en"])
def test_every_page_opens_in_every_language(client, loan, language) -> None:
    client.cookies["django_language"] = language
    pages = [
        url("help"),
        url("budget"),
        url("points"),
        url("plans", loan.reference),
        url("hardship", loan.reference),
        url("promise", loan.reference),
        url("auto-debit", loan.reference),
    ]
    for page in pages:
        response = client.get(page, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200, page
        assert f'lang="{ {"zh-hans": "zh-Hans", "zh-hant": "zh-Hant", "en": "en"}[language] }"' in (
            response.content.decode()
        )


def test_the_pages_are_translated(client, loan) -> None:
    page = client.get(url("help"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "还款帮助" in page
    page = client.get(url("help"), HTTP_ACCEPT_LANGUAGE="zh-hant").content.decode()
    assert "還款幫助" in page


def test_pages_need_a_signed_in_borrower(loan) -> None:
    response = Client().get(url("plans", loan.reference))
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:sign-in")


def test_another_borrowers_loan_reads_as_not_found(client, loan, db) -> None:
    stranger = make_borrower(external_id="b-other", phone=SECOND_PHONE)
    theirs = make_overdue_loan(stranger, external_id="l-other")
    for name in ("plans", "hardship", "promise", "auto-debit"):
        assert client.get(url(name, theirs.reference)).status_code == 404
    assert client.post(url("hardship", theirs.reference), {"reason": "illness"}).status_code == 404
    assert not HardshipPause.objects.exists()


def test_the_budget_planner_shows_the_sum_and_its_assumptions(client) -> None:
    response = client.post(
        url("budget"),
        {
            "salary": "8000",
            "obligations": "1000",
            "expense_housing": "2500",
            "expense_food": "1500",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    page = response.content.decode()
    assert 'data-affordable="1800.00"' in page
    assert "How this was worked out" in page
    assert client.session["repayment_affordable"] == "1800.00"


def test_a_malformed_budget_is_refused_kindly(client) -> None:
    response = client.post(url("budget"), {"salary": "-5"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "Enter an amount of zero or more." in response.content.decode()
    assert "repayment_affordable" not in client.session


def test_a_plan_is_chosen_and_accepted_with_a_texted_code(
    client, loan, sms_outbox, django_capture_on_commit_callbacks
) -> None:
    client.post(url("budget"), {"salary": "6000"})
    client.post(url("plans", loan.reference))
    page = client.get(url("plans", loan.reference)).content.decode()
    assert 'data-fits="yes"' in page
    offer = RestructuringOffer.objects.get(loan=loan, months=12)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("offer", offer.reference))
    [text] = sms_outbox.sent
    found = re.search(r"\b(\d{6})\b", text.body)
    assert found is not None
    code = found.group(1)
    wrong = client.post(url("accept", offer.reference), {"code": "000000"})
    assert wrong.status_code == 400
    assert not Acceptance.objects.exists()
    response = client.post(url("accept", offer.reference), {"code": code})
    acceptance = Acceptance.objects.get()
    assert response["Location"] == reverse("portal:loan", args=[acceptance.plan_loan.reference])


def accept_plan(client, offer, sms_outbox, capture) -> Acceptance:
    with capture(execute=True):
        client.post(url("offer", offer.reference))
    found = re.search(r"\b(\d{6})\b", sms_outbox.sent[-1].body)
    assert found is not None
    client.post(url("accept", offer.reference), {"code": found.group(1)})
    return Acceptance.objects.get()


@pytest.mark.parametrize("language", ["zh-hans", "zh-hant", "en"])
def test_a_loan_moved_into_a_plan_never_reads_as_paid(
    client, loan, sms_outbox, django_capture_on_commit_callbacks, language
) -> None:
    client.post(url("plans", loan.reference))
    offer = RestructuringOffer.objects.get(loan=loan, months=24)
    acceptance = accept_plan(client, offer, sms_outbox, django_capture_on_commit_callbacks)
    client.cookies["django_language"] = language
    old = client.get(url("loan", loan.reference), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    plan = client.get(
        url("loan", acceptance.plan_loan.reference), HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()
    home = client.get(url("home"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    with translation.override(language):
        paid = str(translation.gettext("Paid in full. Thank you."))
        received = str(translation.gettext("Payment received"))
        borrowed = str(translation.gettext("Amount borrowed"))
        moved = str(translation.gettext("Moved into your repayment plan (not a payment)"))
        carried = str(translation.gettext("Carried into the plan"))
    assert paid not in old
    assert paid not in home
    assert received not in old
    assert moved in old
    assert 'data-restructured="moved"' in old
    assert "status-restructured" in old
    assert 'data-restructured="plan"' in plan
    assert carried in plan
    assert borrowed not in plan


def test_smaller_payments_are_only_plans_that_lower_every_payment(client, loan, today) -> None:
    client.post(url("plans", loan.reference))
    page = client.get(url("plans", loan.reference), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    found = re.search(r'data-current-payment="([\d.]+)"', page)
    assert found is not None
    current = D(found.group(1))
    assert current == D("1100.16")  # the loan's own level installment
    smaller_part, _, larger_part = page.partition('id="larger-plans"')
    smaller = {int(m) for m in re.findall(r'data-months="(\d+)"', smaller_part)}
    larger = {int(m) for m in re.findall(r'data-months="(\d+)"', larger_part)}
    offers = {row.months: row for row in RestructuringOffer.objects.filter(loan=loan)}
    assert smaller
    assert larger
    assert smaller | larger == set(offers)
    for months in smaller:
        assert offers[months].regular_payment < current
        assert offers[months].first_payment < current
    for months in larger:
        assert max(offers[months].regular_payment, offers[months].first_payment) >= current
    assert 3 in larger
    outstanding = selectors.account_status(loan, as_of=today).status.outstanding
    for row in offers.values():
        # The cost in all to the cent (never rounded to a whole yuan), and the difference
        # from the current schedule, both in words and as data.
        assert f'data-total-cost="{row.total_interest + row.fee}"' in page
        assert f'data-extra-cost="{row.total_repaid - outstanding}"' in page
    assert "more in all" in page or "less in all" in page


def test_a_hardship_pause_from_the_portal(client, loan) -> None:
    today = timezone.now().date()
    response = client.post(
        url("hardship", loan.reference),
        {
            "reason": "job_loss",
            "starts_on": (today - timedelta(days=3)).isoformat(),
            "length": "60",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert 'id="pause-recorded"' in response.content.decode()
    pause = HardshipPause.objects.get()
    assert (pause.ends_on - pause.starts_on).days == 60
    assert pause.requested_via == "portal"
    client.post(url("resume", loan.reference))
    assert HardshipPause.objects.get().resumption is not None


def test_a_pause_too_far_back_is_refused_and_nothing_stored(client, loan) -> None:
    too_early = (timezone.now().date() - timedelta(days=45)).isoformat()
    response = client.post(
        url("hardship", loan.reference),
        {"reason": "illness", "starts_on": too_early, "length": "30"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "A pause can start at most 30 days ago." in response.content.decode()
    assert not HardshipPause.objects.exists()


def test_a_promise_from_the_portal(client, loan) -> None:
    day = (timezone.now().date() + timedelta(days=5)).isoformat()
    client.post(url("promise", loan.reference), {"amount": "500", "due_on": day})
    assert PromiseToPay.objects.get().channel == "portal"
    refused = client.post(url("promise", loan.reference), {"amount": "1.001", "due_on": day})
    assert refused.status_code == 400
    assert PromiseToPay.objects.count() == 1


MANDATE = {
    "bank_code": "ICBC",
    "account_number": "6222020200112233445",
    "max_amount": "1000",
    "debit_day": "10",
}


def _shown_digest(page: bytes) -> str:
    found = re.search(rb'name="agreed_digest" value="([0-9a-f]{64})"', page)
    assert found, "the page carries no digest of the authorisation it shows"
    return found.group(1).decode()


def test_auto_debit_set_up_and_cancelled_from_the_portal(client, loan, processor) -> None:
    reviewed = client.post(url("auto-debit", loan.reference), MANDATE, HTTP_ACCEPT_LANGUAGE="en")
    assert reviewed.status_code == 200
    assert not DebitMandate.objects.exists()
    digest = _shown_digest(reviewed.content)
    unticked = client.post(
        url("auto-debit", loan.reference),
        {**MANDATE, "agreed_digest": digest},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert unticked.status_code == 400
    assert not DebitMandate.objects.exists()
    agreed = {**MANDATE, "agreed_digest": digest, "consent": "on"}
    client.post(url("auto-debit", loan.reference), agreed, HTTP_ACCEPT_LANGUAGE="en")
    mandate = DebitMandate.objects.get()
    assert mandate.consent.language == "en"
    page = client.get(url("auto-debit", loan.reference), HTTP_ACCEPT_LANGUAGE="en").content
    assert b"ending 3445" in page
    assert b"6222020200112233445" not in page
    client.post(url("auto-debit-cancel", loan.reference))
    assert DebitMandate.objects.get().cancellation.reason == "borrower"


def test_the_authorisation_agreed_to_states_the_day_and_limit_chosen(client, loan, processor):
    """It used to read "day 1 ... at most CNY 0.00" whatever was chosen, then set day 10."""
    first = client.get(url("auto-debit", loan.reference), HTTP_ACCEPT_LANGUAGE="en").content
    assert b"CNY 0.00" not in first
    assert b"on day 1 of" not in first
    reviewed = client.post(url("auto-debit", loan.reference), MANDATE, HTTP_ACCEPT_LANGUAGE="en")
    text = reviewed.content.decode()
    assert "on day 10 of each month, at most CNY 1,000.00 a day" in text
    agreed = {**MANDATE, "agreed_digest": _shown_digest(reviewed.content), "consent": "on"}
    client.post(url("auto-debit", loan.reference), agreed, HTTP_ACCEPT_LANGUAGE="en")
    mandate = DebitMandate.objects.get()
    assert (mandate.debit_day, mandate.max_amount) == (10, Decimal("1000"))
    assert mandate.consent.wording_digest == _shown_digest(reviewed.content)


def test_figures_changed_after_reading_need_reading_again(client, loan, processor):
    reviewed = client.post(url("auto-debit", loan.reference), MANDATE, HTTP_ACCEPT_LANGUAGE="en")
    changed = {
        **MANDATE,
        "debit_day": "15",
        "agreed_digest": _shown_digest(reviewed.content),
        "consent": "on",
    }
    page = client.post(url("auto-debit", loan.reference), changed, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 400
    assert not DebitMandate.objects.exists()
    assert "The figures changed" in page.content.decode()
    assert "on day 15 of each month" in page.content.decode()


def test_an_auto_debit_in_force_is_listed_under_my_consents(client, loan, processor):
    reviewed = client.post(url("auto-debit", loan.reference), MANDATE, HTTP_ACCEPT_LANGUAGE="en")
    agreed = {**MANDATE, "agreed_digest": _shown_digest(reviewed.content), "consent": "on"}
    client.post(url("auto-debit", loan.reference), agreed, HTTP_ACCEPT_LANGUAGE="en")
    page = client.get("/portal/privacy/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "on day 10 of each month, at most CNY 1,000.00 a day" in page
    client.post(url("auto-debit-cancel", loan.reference))
    page = client.get("/portal/privacy/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "on day 10 of each month" not in page


def test_points_are_shown_and_used(client, borrower, loan) -> None:
    PointsEntry.objects.create(
        borrower=borrower,
        kind="bonus",
        points=1000,
        on=timezone.now().date(),
        source="test",
        recorded_at=timezone.now(),
        recorded_by="t",
    )
    page = client.get(url("points"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "You have 1000 points." in page
    client.post(url("points"), {"loan": str(loan.reference), "points": "500"})
    assert PointsEntry.objects.filter(kind="redeem").get().points == 500
    too_many = client.post(url("points"), {"loan": str(loan.reference), "points": "5000"})
    assert too_many.status_code == 400
    assert PointsEntry.objects.filter(kind="redeem").count() == 1


def test_the_portal_links_to_help(client, loan, borrower) -> None:
    move_to_daytime(borrower)
    home = client.get(reverse("portal:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert url("help") in home
    detail = client.get(reverse("portal:loan", args=[loan.reference])).content.decode()
    assert url("plans", loan.reference) in detail
