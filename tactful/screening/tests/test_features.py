import polars as pl
import pytest

from tactful.screening.columns import BEHAVIOUR_COLUMNS, PROTECTED_COLUMNS
from tactful.screening.features import FEATURE_NAMES, FEATURES, MONOTONE, feature_frame
from tactful.screening.tests.builders import behaviour, frame


def test_protected_attributes_are_never_model_inputs():
    names = " ".join(FEATURE_NAMES).lower()

    for column in (*PROTECTED_COLUMNS, "EDUCATION"):
        assert column not in BEHAVIOUR_COLUMNS
        assert column.lower() not in names
    assert not {"sex", "age", "marriage", "education"} & set(FEATURE_NAMES)


def test_the_features_read_only_the_behaviour_columns():
    row = behaviour(status=[1, 0, 0, 0, 0, 0])
    with_groups = frame({**row, "SEX": 1.0, "AGE": 30.0, "MARRIAGE": 2.0})
    other_groups = frame({**row, "SEX": 2.0, "AGE": 61.0, "MARRIAGE": 1.0})

    assert feature_frame(with_groups).equals(feature_frame(other_groups))


def test_every_feature_has_a_unique_name_and_a_direction():
    assert len(set(FEATURE_NAMES)) == len(FEATURE_NAMES)
    assert set(MONOTONE) <= {-1, 0, 1}


@pytest.mark.parametrize("name", ["months_late_m0", "late_months", "longest_delay", "late_streak"])
def test_more_lateness_never_lowers_the_risk(name):
    feature = next(f for f in FEATURES if f.name == name)

    assert feature.monotone == +1


@pytest.mark.parametrize(
    ("status", "late_streak", "late_months", "longest"),
    [
        ([0, 0, 0, 0, 0, 0], 0, 0, 0),
        ([2, 1, 0, 3, 0, 0], 2, 3, 3),
        ([-1, 2, 2, 2, 2, 2], 0, 5, 2),
        ([1, 1, 1, 1, 1, 1], 6, 6, 1),
    ],
)
def test_lateness_counts_and_streaks(status, late_streak, late_months, longest):
    features = feature_frame(frame(behaviour(status=status))).row(0, named=True)

    assert features["late_streak"] == late_streak
    assert features["late_months"] == late_months
    assert features["longest_delay"] == longest


def test_payment_ratio_pairs_each_payment_with_the_bill_before_it():
    row = behaviour(bills=[9000, 4000, 1000, 1000, 1000, 1000], paid=[2000, 500, 0, 0, 0, 0])

    features = feature_frame(frame(row)).row(0, named=True)

    assert features["payment_ratio_m0"] == pytest.approx(0.5)
    assert features["payment_ratio_m1"] == pytest.approx(0.5)
    assert features["utilisation_m0"] == pytest.approx(9000 / 50000)


def test_a_ratio_over_a_bill_of_zero_is_missing_not_infinite():
    row = behaviour(bills=[0.0] * 6, paid=[100.0] * 6)

    features = feature_frame(frame(row))

    assert features.get_column("payment_ratio_m0").to_list() == [None]


def test_features_of_a_million_accounts_are_one_vectorized_pass():
    rows = frame(behaviour()).select(pl.all().repeat_by(1000).explode())

    assert feature_frame(rows).height == 1000
