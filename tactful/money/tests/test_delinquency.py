from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from tactful.money import (
    DEFAULT_BUCKET_SPEC,
    DEFAULT_BUCKETS,
    Bucket,
    BucketError,
    BucketScheme,
    Due,
    Entry,
    EntryKind,
    InstallmentState,
    days_past_due,
    delinquency_history,
    scheme_from_environ,
)

D = Decimal
JAN, FEB, MAR = date(2026, 1, 15), date(2026, 2, 15), date(2026, 3, 15)


def installment(due_date: date, paid_off_on: date | None = None, n: int = 1) -> InstallmentState:
    paid = D(1) if paid_off_on else D(0)
    return InstallmentState(n, due_date, D(0), D(0), D(1), D(0), D(0), paid, paid_off_on)


def test_installment_due_today_is_not_past_due() -> None:
    assert days_past_due([installment(JAN)], JAN) == 0


def test_unpaid_installment_counts_days_since_due() -> None:
    assert days_past_due([installment(JAN)], JAN + timedelta(days=1)) == 1
    assert days_past_due([installment(JAN)], FEB) == 31


def test_oldest_unpaid_installment_sets_the_count() -> None:
    installments = [
        installment(JAN, paid_off_on=JAN, n=1),
        installment(FEB, n=2),
        installment(MAR, n=3),
    ]
    assert days_past_due(installments, date(2026, 3, 20)) == 33


def test_installment_paid_after_as_of_was_still_unpaid_then() -> None:
    late = installment(JAN, paid_off_on=MAR)
    assert days_past_due([late], FEB) == 31
    assert days_past_due([late], MAR) == 0


def test_no_installments_means_not_past_due() -> None:
    assert days_past_due([], MAR) == 0


@pytest.mark.parametrize(
    ("days", "label"),
    [(0, "M0"), (1, "M1"), (30, "M1"), (31, "M2"), (60, "M2"), (61, "M3+"), (10_000, "M3+")],
)
def test_default_buckets(days: int, label: str) -> None:
    assert DEFAULT_BUCKETS.bucket_for(days).label == label


def test_negative_days_have_no_bucket() -> None:
    with pytest.raises(ValueError, match="negative"):
        DEFAULT_BUCKETS.bucket_for(-1)


def test_scheme_round_trips_through_text() -> None:
    assert str(DEFAULT_BUCKETS) == DEFAULT_BUCKET_SPEC
    assert DEFAULT_BUCKETS.buckets[-1] == Bucket("M3+", 61, None)


def test_parse_tolerates_spaces() -> None:
    scheme = BucketScheme.parse(" current : 0 - 0 , late: 1- ")
    assert scheme.buckets == (Bucket("current", 0, 0), Bucket("late", 1, None))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("M0:1-", "must start at 0"),
        ("M0:0-0,M1:2-", "gap between buckets M0:0-0 and M1:2-"),
        ("M0:0-5,M1:5-", "overlap"),
        ("M0:0-0,M1:1-30", "last bucket must be open-ended"),
        ("M0:0-,M1:1-", "only the last bucket may be open-ended"),
        ("M0:0-0,M1:1-0,M2:1-", "ends before it starts"),
        ("M0=0-0", "not of the form label:min-max"),
        ("M0:0-0,,M1:1-", "not of the form"),
        ("M0:a-b", "not of the form"),
        ("M0:-1-", "not of the form"),
        (":0-", "has no label"),
        ("M0:0-0,M0:1-", "labels must be unique"),
    ],
)
def test_bad_bucket_specifications_are_refused(text: str, message: str) -> None:
    with pytest.raises(BucketError, match=message):
        BucketScheme.parse(text)


def test_scheme_from_environ() -> None:
    assert scheme_from_environ({}) is DEFAULT_BUCKETS
    assert scheme_from_environ({"DELINQUENCY_BUCKETS": " "}) is DEFAULT_BUCKETS
    custom = scheme_from_environ({"DELINQUENCY_BUCKETS": "ok:0-0,late:1-"})
    assert [b.label for b in custom.buckets] == ["ok", "late"]


def test_delinquency_history_records_bucket_transitions() -> None:
    dues = [Due(1, JAN, D("100"), D(0)), Due(2, FEB, D("100"), D(0))]
    entries = [Entry("p", EntryKind.PAYMENT, date(2026, 3, 1), D("200"))]
    history = delinquency_history(dues, entries, date(2026, 1, 1), date(2026, 3, 31))
    assert history == [
        (date(2026, 1, 1), 0, "M0"),
        (date(2026, 1, 16), 1, "M1"),
        (date(2026, 2, 15), 31, "M2"),
        (date(2026, 3, 1), 0, "M0"),
    ]


def test_delinquency_history_follows_a_reversal() -> None:
    dues = [Due(1, JAN, D("100"), D(0))]
    entries = [
        Entry("p", EntryKind.PAYMENT, JAN, D("100")),
        Entry("r", EntryKind.REVERSAL, date(2026, 1, 20), D(0), reverses="p"),
    ]
    history = delinquency_history(dues, entries, JAN, date(2026, 1, 31))
    assert history == [(JAN, 0, "M0"), (date(2026, 1, 20), 5, "M1")]


def test_delinquency_history_refuses_an_inverted_range() -> None:
    with pytest.raises(ValueError, match="before start"):
        delinquency_history([], [], FEB, JAN)
