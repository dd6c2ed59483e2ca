from __future__ import annotations

from datetime import timedelta

import pytest

from tactful.repayment.models import (
    Acceptance,
    DebitMandate,
    HardshipPause,
    PointsEntry,
    PromiseToPay,
    RestructuringOffer,
)
from tactful.testing.api import ApiClient, issue_test_key


@pytest.fixture
def client(db) -> ApiClient:
    return ApiClient(issue_test_key())


def test_the_budget_planner_computes_without_storing(client) -> None:
    response = client.post(
        "/repayment/budget",
        {
            "currency": "CNY",
            "incomes": {"salary": "8000.00"},
            "expenses": {"housing": "2500.00", "food": "1500.00"},
            "obligations": "1000.00",
        },
        key=None,
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["affordable_installment"] == "1800.00"
    assert body["limited_by"] == "repayment_share"
    assert body["assumptions"] == {"safety_margin": "0.1", "max_repayment_share": "0.35"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"currency": "CNY", "incomes": {"salary": "-1"}}, "incomes.salary"),
        ({"currency": "CNY", "incomes": {"salary": 8000}}, "incomes.salary"),
        ({"currency": "CNY", "incomes": {}, "expenses": {"yachts": "1"}}, "expenses.yachts"),
        ({"currency": "XXX", "incomes": {}}, "currency"),
    ],
)
def test_bad_budgets_get_a_clear_error(client, body, field) -> None:
    response = client.post("/repayment/budget", body, key=None)
    assert response.status_code == 422
    assert field in " ".join(response.json()["fields"])


def test_offers_are_priced_listed_and_accepted(client, loan) -> None:
    priced = client.post("/repayment/loans/l-help/offers", {"months": 12})
    assert priced.status_code == 201, priced.json()
    [offer] = priced.json()["offers"]
    assert offer["apr"] == "0.1800"
    assert len(offer["schedule"]) == 12
    listed = client.get("/repayment/loans/l-help/offers").json()["offers"]
    assert [row["reference"] for row in listed] == [offer["reference"]]

    accepted = client.post(
        f"/repayment/offers/{offer['reference']}/acceptance",
        {"confirmation_reference": "app-otp-7731"},
    )
    assert accepted.status_code == 201, accepted.json()
    assert accepted.json()["plan_loan_external_id"] == "l-help:plan"
    status = client.get("/repayment/loans/l-help:plan/status").json()
    assert status["plan_of"] == "l-help"
    assert status["watch"]["state"] == "watching"
    assert client.get("/repayment/loans/l-help/status").json()["restructured_into"] == "l-help:plan"


def test_an_acceptance_retried_with_its_key_lands_once(client, loan) -> None:
    [offer] = client.post("/repayment/loans/l-help/offers", {"months": 6}).json()["offers"]
    path = f"/repayment/offers/{offer['reference']}/acceptance"
    first = client.post(path, {"confirmation_reference": "x"}, key="accept-1")
    again = client.post(path, {"confirmation_reference": "x"}, key="accept-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert Acceptance.objects.count() == 1


def test_money_moving_posts_need_an_idempotency_key(client, loan) -> None:
    response = client.post("/repayment/loans/l-help/offers", {"months": 6}, key=None)
    assert response.json()["code"] == "idempotency_key_required"
    assert not RestructuringOffer.objects.exists()


def test_a_plan_beyond_the_cost_cap_is_refused(client, loan) -> None:
    response = client.post(
        "/repayment/loans/l-help/offers", {"months": 3, "annual_rate": "0.18", "fee": "300.00"}
    )
    assert response.status_code == 422
    assert response.json()["code"] in {"cost_cap_exceeded", "fee_above_cap"}
    assert not RestructuringOffer.objects.exists()


def test_a_backdated_pause_and_an_overlap(client, loan, today) -> None:
    body = {
        "starts_on": (today - timedelta(days=7)).isoformat(),
        "ends_on": (today + timedelta(days=23)).isoformat(),
        "reason": "illness",
    }
    created = client.post("/repayment/loans/l-help/pauses", body)
    assert created.status_code == 201, created.json()
    assert created.json()["pause"]["hold"] is not None
    assert created.json()["invited_offers"]
    overlap = client.post("/repayment/loans/l-help/pauses", body)
    assert overlap.status_code == 422
    assert overlap.json()["code"] == "pause_overlaps"
    assert HardshipPause.objects.count() == 1
    status = client.get("/repayment/loans/l-help/status").json()
    assert status["paused"] is True
    reference = created.json()["pause"]["reference"]
    resumed = client.post(f"/repayment/pauses/{reference}/resumption", {})
    assert resumed.status_code == 201
    assert resumed.json()["resumes_on"] == today.isoformat()


def test_a_pause_before_the_limit_is_refused(client, loan, today) -> None:
    body = {
        "starts_on": (today - timedelta(days=45)).isoformat(),
        "ends_on": today.isoformat(),
        "reason": "job_loss",
    }
    response = client.post("/repayment/loans/l-help/pauses", body)
    assert (response.status_code, response.json()["code"]) == (422, "backdate_too_far")
    assert not HardshipPause.objects.exists()


def test_promises_are_recorded_and_listed(client, loan, today) -> None:
    body = {
        "amount": "800.00",
        "due_on": (today + timedelta(days=3)).isoformat(),
        "channel": "call",
    }
    created = client.post("/repayment/loans/l-help/promises", body)
    assert created.status_code == 201, created.json()
    assert created.json()["state"] == "pending"
    listed = client.get("/repayment/loans/l-help/promises").json()["promises"]
    assert [row["amount"] for row in listed] == ["800.00"]
    refused = client.post("/repayment/loans/l-help/promises", {**body, "amount": "-5"})
    assert refused.status_code == 422
    assert PromiseToPay.objects.count() == 1


def test_a_mandate_is_set_up_and_cancelled_without_echoing_the_account(client, loan, processor):
    body = {
        "bank_code": "ICBC",
        "account_number": "6222020200112233445",
        "max_amount": "3000.00",
        "debit_day": 15,
        "language": "zh-hans",
    }
    created = client.post("/repayment/loans/l-help/mandates", body)
    assert created.status_code == 201, created.json()
    assert "6222020200112233445" not in created.content.decode()
    assert created.json()["account_hint"] == "3445"
    too_much = client.post("/repayment/loans/l-help/mandates", {**body, "max_amount": "60000.00"})
    assert (too_much.status_code, too_much.json()["code"]) == (422, "mandate_above_maximum")
    reference = created.json()["reference"]
    cancelled = client.post(f"/repayment/mandates/{reference}/cancellation", {})
    assert cancelled.json()["cancellation_reason"] == "borrower"
    assert DebitMandate.objects.count() == 1


def test_points_are_shown_and_redeemed_only_against_fees_and_interest(client, loan, borrower):
    from django.utils import timezone

    PointsEntry.objects.create(
        borrower=borrower,
        kind="bonus",
        points=5000,
        on=timezone.now().date(),
        source="test",
        recorded_at=timezone.now(),
        recorded_by="test",
    )
    shown = client.get("/repayment/borrowers/b-help/points").json()
    assert shown["balance"] == 5000
    redeemed = client.post(
        "/repayment/borrowers/b-help/points/redemptions",
        {"loan_external_id": "l-help", "points": 1000},
    )
    assert redeemed.status_code == 201, redeemed.json()
    assert (redeemed.json()["value"], redeemed.json()["balance"]) == ("10.00", 4000)
    too_many = client.post(
        "/repayment/borrowers/b-help/points/redemptions",
        {"loan_external_id": "l-help", "points": 9000},
    )
    assert too_many.json()["code"] == "not_enough_points"


def test_scopes_are_enforced_before_anything_happens(db, loan) -> None:
    reader = ApiClient(issue_test_key("repayment:read"))
    response = reader.post("/repayment/loans/l-help/offers", {"months": 6})
    assert (response.status_code, response.json()["code"]) == (403, "forbidden_scope")
    writer = ApiClient(issue_test_key("repayment:write"))
    body = {
        "bank_code": "ICBC",
        "account_number": "6222020200112233445",
        "max_amount": "300.00",
        "debit_day": 5,
        "language": "en",
    }
    assert writer.post("/repayment/loans/l-help/mandates", body).status_code == 403
    assert ApiClient(None).get("/repayment/loans/l-help/offers").status_code == 401
    assert not RestructuringOffer.objects.exists()
    assert not DebitMandate.objects.exists()


def test_unknown_loans_and_offers_are_not_found(client) -> None:
    assert client.get("/repayment/loans/nope/status").status_code == 404
    missing = client.post(
        "/repayment/offers/6f1d7c5e-0000-4000-8000-000000000000/acceptance",
        {"confirmation_reference": "x"},
    )
    assert missing.status_code == 404
