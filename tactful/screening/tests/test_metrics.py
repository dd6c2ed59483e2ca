import numpy as np
import pytest

from tactful.screening.metrics import (
    brier,
    calibration_table,
    evaluate,
    kolmogorov_smirnov,
    lift_table,
    roc_auc,
)

Y = np.array([0, 0, 1, 1])


@pytest.mark.parametrize(
    ("scores", "auc"),
    [
        ([0.1, 0.2, 0.8, 0.9], 1.0),
        ([0.9, 0.8, 0.2, 0.1], 0.0),
        ([0.5, 0.5, 0.5, 0.5], 0.5),
        ([0.1, 0.4, 0.35, 0.8], 0.75),
    ],
)
def test_roc_auc_counts_ordered_pairs_and_half_of_ties(scores, auc):
    assert roc_auc(Y, np.array(scores)) == pytest.approx(auc)


def test_roc_auc_agrees_with_a_pairwise_count():
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, 300)
    p = np.round(rng.random(300), 1)  # many ties
    positives, negatives = p[y == 1], p[y == 0]
    pairs = (positives[:, None] > negatives[None, :]).mean()
    ties = (positives[:, None] == negatives[None, :]).mean()

    assert roc_auc(y, p) == pytest.approx(pairs + ties / 2)


def test_ks_is_the_largest_gap_between_the_two_distributions():
    assert kolmogorov_smirnov(Y, np.array([0.1, 0.2, 0.8, 0.9])) == pytest.approx(1.0)
    assert kolmogorov_smirnov(Y, np.array([0.5, 0.5, 0.5, 0.5])) == pytest.approx(0.0)


def test_brier_is_the_mean_squared_error():
    assert brier(Y, np.array([0.0, 0.5, 0.5, 1.0])) == pytest.approx(0.125)


def test_calibration_and_lift_split_accounts_into_tenths():
    rng = np.random.default_rng(2)
    p = rng.random(1000)
    y = (rng.random(1000) < p).astype(int)

    calibration = calibration_table(y, p)
    lift = lift_table(y, p)

    assert [band.accounts for band in calibration] == [100] * 10
    assert calibration[0].mean_probability < calibration[-1].mean_probability
    assert lift[0].lift > 1 > lift[-1].lift
    assert lift[-1].cumulative_capture == pytest.approx(1.0)


def test_metrics_need_both_outcomes():
    with pytest.raises(ValueError, match="each outcome"):
        evaluate(np.zeros(5), np.full(5, 0.2))
