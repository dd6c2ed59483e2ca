from datetime import date, timedelta

import pytest
from django.utils import timezone

from tactful.loans.models import DelinquencySnapshot, Installment, LedgerEntry, Loan
from tactful.testing.api import ApiClient, create_borrower, create_loan, issue_test_key, loan_body

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


@pytest.fixture
def client():
    return ApiClient(issue_test_key())


@pytest.fixture
def borrower():
    return create_borrower("b-1")


@pytest.fixture
def loan(borrower):
    return create_loan("l-1", borrower)


class TestPutLoan:
    def test_a_new_loan_is_created_with_its_schedule(self, client, borrower):
        response = client.put("/loans/l-1", loan_body(principal="12000"))
        assert response.status_code == 201
        body = response.json()
        assert (body["principal"], body["annual_rate"], body["currency"]) == (
            "12000.00",
            "0.18",
            "CNY",
        )
        assert body["borrower_external_id"] == "b-1"
        assert Installment.objects.filter(loan__external_id="l-1").count() == 12

    def test_the_same_terms_again_answer_200_with_the_same_loan(self, client, borrower):
        first = client.put("/loans/l-1", loan_body())
        again = client.put("/loans/l-1", loan_body(principal="12000.0", annual_rate="0.180"))
        assert again.status_code == 200
        assert again.json() == first.json()
        assert Loan.objects.count() == 1

    def test_other_terms_are_a_conflict_and_change_nothing(self, client, borrower):
        client.put("/loans/l-1", loan_body())
        response = client.put("/loans/l-1", loan_body(principal="13000.00"))
        assert response.status_code == 409
        assert response.json()["code"] == "loan_terms_immutable"
        assert Loan.objects.get().principal == 12000

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"principal": "-100.00"}, "principal"),
            ({"principal": "0"}, "principal"),
            ({"principal": "100.001"}, "principal"),
            ({"principal": 12000.5}, "principal"),
            ({"principal": "12,000"}, "principal"),
            ({"principal": "1" * 17}, "principal"),
            ({"currency": "XYZ"}, "currency"),
            ({"currency": "cny"}, "currency"),
            ({"disbursed_on": "2025-02-30"}, "disbursed_on"),
            ({"disbursed_on": "15/01/2025"}, "disbursed_on"),
            ({"disbursed_on": 1736899200}, "disbursed_on"),
            ({"disbursed_on": "0001-01-01"}, "disbursed_on"),
            ({"annual_rate": "10.5"}, "annual_rate"),
            ({"annual_rate": "-0.1"}, "annual_rate"),
            ({"annual_rate": "0.1234567"}, "annual_rate"),
            ({"annual_rate": 0.18}, "annual_rate"),
            ({"term_months": 0}, "term_months"),
            ({"term_months": 601}, "term_months"),
            ({"term_months": "12"}, "term_months"),
            ({"method": "balloon"}, "method"),
            ({"product": ""}, "product"),
            ({"borrower_external_id": "nobody"}, "borrower_external_id"),
        ],
    )
    def test_bad_terms_are_refused_field_by_field_and_store_nothing(
        self, client, borrower, overrides, field
    ):
        response = client.put("/loans/l-1", loan_body(**overrides))
        assert response.status_code == 422
        assert response.json()["code"] == "invalid_input"
        assert field in response.json()["fields"]
        assert Loan.objects.count() == 0
        assert Installment.objects.count() == 0

    def test_jpy_amounts_have_no_decimals(self, client, borrower):
        refused = client.put("/loans/l-1", loan_body(currency="JPY", principal="100000.50"))
        assert refused.status_code == 422
        assert set(refused.json()["fields"]) == {"principal"}
        created = client.put("/loans/l-1", loan_body(currency="JPY", principal="100000"))
        assert created.json()["principal"] == "100000"


class TestReadLoan:
    def test_status_as_of_a_day(self, client, loan):
        response = client.get("/loans/l-1", as_of="2025-03-20")
        assert response.status_code == 200
        assert response.json() == {
            "external_id": "l-1",
            "as_of": "2025-03-20",
            "currency": "CNY",
            "outstanding": "13201.95",
            "due_now": "2200.32",
            "unapplied": "0.00",
            "days_past_due": 33,
            "bucket": "M2",
            "settled": False,
        }

    def test_status_defaults_to_today_utc(self, client, loan):
        response = client.get("/loans/l-1")
        assert response.json()["as_of"] == timezone.now().date().isoformat()

    def test_schedule_lists_each_installment_with_what_was_paid(self, client, loan):
        client.post("/loans/l-1/payments", {"amount": "1100.16", "value_date": "2025-02-10"})
        response = client.get("/loans/l-1/schedule", as_of="2025-03-01")
        first, second = response.json()["installments"][:2]
        assert first == {
            "n": 1,
            "due_date": "2025-02-15",
            "principal": "920.16",
            "interest": "180.00",
            "fees_due": "0.00",
            "paid": "1100.16",
            "outstanding": "0.00",
            "paid_off_on": "2025-02-10",
        }
        assert (second["n"], second["paid"], second["paid_off_on"]) == (2, "0.00", None)
        assert len(response.json()["installments"]) == 12

    def test_delinquency_gives_the_current_bucket_the_history_and_its_transitions(
        self, client, loan
    ):
        for day, dpd, bucket in [
            (date(2025, 2, 15), 0, "M0"),
            (date(2025, 2, 16), 1, "M1"),
            (date(2025, 2, 17), 2, "M1"),
            (date(2025, 3, 20), 33, "M2"),
        ]:
            DelinquencySnapshot.objects.create(
                loan=loan, as_of=day, days_past_due=dpd, bucket=bucket
            )
        response = client.get("/loans/l-1/delinquency", as_of="2025-03-19")
        body = response.json()
        assert (body["days_past_due"], body["bucket"]) == (32, "M2")
        assert [row["as_of"] for row in body["history"]] == [
            "2025-02-15",
            "2025-02-16",
            "2025-02-17",
        ]
        assert body["transitions"] == [{"on": "2025-02-16", "from_bucket": "M0", "to_bucket": "M1"}]

    def test_an_unknown_loan_is_not_found(self, client):
        for path in ("/loans/nope", "/loans/nope/schedule", "/loans/nope/delinquency"):
            assert client.get(path).json()["code"] == "not_found"


class TestMoney:
    def test_a_payment_is_recorded_allocated_and_answered_with_the_new_status(self, client, loan):
        response = client.post(
            "/loans/l-1/payments",
            {"amount": "1200.00", "value_date": "2025-02-15", "external_reference": "bank-7"},
        )
        assert response.status_code == 201
        body = response.json()
        entry = LedgerEntry.objects.get()
        assert body["entry"]["reference"] == str(entry.reference)
        assert (body["entry"]["kind"], body["entry"]["amount"]) == ("payment", "1200.00")
        assert entry.posted_by.startswith("api-key:")
        assert entry.external_reference == "bank-7"
        assert body["allocation"] == {
            "installments": [
                {"n": 1, "fees": "0.00", "interest": "180.00", "principal": "920.16"},
                {"n": 2, "fees": "0.00", "interest": "99.84", "principal": "0.00"},
            ],
            "unapplied": "0.00",
        }
        assert body["status"]["outstanding"] == "12001.95"

    @pytest.mark.parametrize(
        ("payment", "field"),
        [
            ({"amount": "-1.00", "value_date": "2025-02-15"}, "amount"),
            ({"amount": "0.00", "value_date": "2025-02-15"}, "amount"),
            ({"amount": "1.005", "value_date": "2025-02-15"}, "amount"),
            ({"amount": 10, "value_date": "2025-02-15"}, "amount"),
            ({"amount": "10.00", "value_date": "2025-13-01"}, "value_date"),
            ({"amount": "10.00", "value_date": "2024-12-31"}, "value_date"),
            ({"amount": "10.00"}, "value_date"),
            (
                {"amount": "10.00", "value_date": "2025-02-15", "external_reference": "x" * 65},
                "external_reference",
            ),
        ],
    )
    def test_a_bad_payment_is_refused_and_stores_no_entry(self, client, loan, payment, field):
        response = client.post("/loans/l-1/payments", payment)
        assert response.status_code == 422
        assert field in response.json()["fields"]
        assert LedgerEntry.objects.count() == 0

    def test_a_payment_in_the_future_is_refused(self, client, loan):
        tomorrow = (timezone.now().date() + timedelta(days=1)).isoformat()
        response = client.post("/loans/l-1/payments", {"amount": "10.00", "value_date": tomorrow})
        assert response.json()["fields"] == {"value_date": "must not be in the future"}
        assert LedgerEntry.objects.count() == 0

    def test_a_reversal_cancels_a_payment_and_keeps_the_original(self, client, loan):
        paid = client.post("/loans/l-1/payments", {"amount": "500.00", "value_date": "2025-02-15"})
        reference = paid.json()["entry"]["reference"]
        response = client.post(
            f"/loans/l-1/entries/{reference}/reversal", {"value_date": "2025-02-20"}
        )
        assert response.status_code == 201
        body = response.json()
        assert (body["entry"]["kind"], body["entry"]["reverses"]) == ("reversal", reference)
        assert body["status"]["outstanding"] == "13201.95"
        assert LedgerEntry.objects.count() == 2

    def test_a_second_reversal_of_the_same_entry_is_a_conflict(self, client, loan):
        paid = client.post("/loans/l-1/payments", {"amount": "500.00", "value_date": "2025-02-15"})
        path = f"/loans/l-1/entries/{paid.json()['entry']['reference']}/reversal"
        client.post(path, {"value_date": "2025-02-20"})
        response = client.post(path, {"value_date": "2025-02-21"})
        assert response.status_code == 409
        assert response.json()["code"] == "already_reversed"
        assert LedgerEntry.objects.count() == 2

    def test_reversing_an_unknown_entry_is_not_found(self, client, loan):
        path = "/loans/l-1/entries/3fa85f64-5717-4562-b3fc-2c963f66afa6/reversal"
        response = client.post(path, {"value_date": "2025-02-20"})
        assert response.status_code == 404
        assert response.json()["code"] == "entry_not_found"
        bad = client.post("/loans/l-1/entries/not-a-uuid/reversal", {"value_date": "2025-02-20"})
        assert set(bad.json()["fields"]) == {"reference"}
        assert LedgerEntry.objects.count() == 0

    def test_a_fee_is_charged_on_an_installment(self, client, loan):
        response = client.post(
            "/loans/l-1/fees", {"installment": 2, "amount": "30.00", "value_date": "2025-03-20"}
        )
        assert response.status_code == 201
        assert response.json()["entry"]["installment"] == 2
        schedule = client.get("/loans/l-1/schedule", as_of="2025-03-20").json()
        assert schedule["installments"][1]["fees_due"] == "30.00"

    @pytest.mark.parametrize(
        ("fee", "field"),
        [
            ({"installment": 13, "amount": "30.00", "value_date": "2025-03-20"}, "installment"),
            ({"installment": 0, "amount": "30.00", "value_date": "2025-03-20"}, "installment"),
            ({"installment": 2, "amount": "-30.00", "value_date": "2025-03-20"}, "amount"),
        ],
    )
    def test_a_bad_fee_is_refused_and_stores_no_entry(self, client, loan, fee, field):
        response = client.post("/loans/l-1/fees", fee)
        assert response.status_code == 422
        assert field in response.json()["fields"]
        assert LedgerEntry.objects.count() == 0
