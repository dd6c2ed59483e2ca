from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tactful.money import (
    BucketScheme,
    days_past_due,
    days_past_due_frame,
    installment_states_by_loan,
)

AS_OF = date(2026, 6, 30)


def frame(rows: list[tuple[int, date, date | None]]) -> pl.DataFrame:
    return pl.DataFrame(
        rows,
        schema={"loan_id": pl.Int64, "due_date": pl.Date, "paid_off_on": pl.Date},
        orient="row",
    )


def test_one_row_per_loan_with_days_and_bucket() -> None:
    installments = frame(
        [
            (1, date(2026, 5, 1), None),
            (1, date(2026, 6, 1), None),
            (2, date(2026, 5, 1), date(2026, 5, 1)),
            (2, date(2026, 6, 30), None),
            (3, date(2026, 1, 1), date(2026, 7, 5)),
            (4, date(2026, 7, 1), None),
        ]
    )
    result = days_past_due_frame(installments, AS_OF)
    assert result.columns == ["loan_id", "days_past_due", "bucket"]
    assert result.rows() == [(1, 60, "M2"), (2, 0, "M0"), (3, 180, "M3+"), (4, 0, "M0")]


def test_custom_scheme() -> None:
    scheme = BucketScheme.parse("ok:0-0,late:1-")
    result = days_past_due_frame(frame([(7, date(2026, 6, 29), None)]), AS_OF, scheme)
    assert result.rows() == [(7, 1, "late")]


def test_empty_frame_gives_empty_result() -> None:
    assert days_past_due_frame(frame([]), AS_OF).height == 0


@pytest.mark.parametrize(
    ("columns", "message"),
    [
        ({"loan_id": [1], "due_date": [AS_OF]}, "lacks column 'paid_off_on'"),
        (
            {"loan_id": ["a"], "due_date": [AS_OF], "paid_off_on": [AS_OF]},
            "'loan_id' must be Int64",
        ),
    ],
)
def test_malformed_frames_are_refused(columns: dict[str, list[object]], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        days_past_due_frame(pl.DataFrame(columns), AS_OF)


def test_states_by_loan_are_in_due_order() -> None:
    states = installment_states_by_loan(
        frame([(1, date(2026, 2, 1), None), (1, date(2026, 1, 1), date(2026, 1, 3))])
    )
    assert [(s.n, s.due_date, s.is_paid) for s in states[1]] == [
        (1, date(2026, 1, 1), True),
        (2, date(2026, 2, 1), False),
    ]


days_around = st.integers(min_value=-200, max_value=200).map(lambda d: AS_OF + timedelta(days=d))
rows = st.lists(
    st.tuples(
        st.integers(min_value=1, max_value=20), days_around, st.one_of(st.none(), days_around)
    ),
    max_size=80,
)


@settings(max_examples=150, deadline=None)
@given(rows, st.integers(min_value=-30, max_value=30))
def test_batch_agrees_with_the_per_loan_path(rows, shift) -> None:
    as_of = AS_OF + timedelta(days=shift)
    installments = frame(rows)
    batch = days_past_due_frame(installments, as_of)
    expected = []
    for loan_id, states in sorted(installment_states_by_loan(installments).items()):
        days = days_past_due(states, as_of)
        expected.append(
            (
                loan_id,
                days,
                BucketScheme.parse("M0:0-0,M1:1-30,M2:31-60,M3+:61-").bucket_for(days).label,
            )
        )
    assert batch.rows() == expected
