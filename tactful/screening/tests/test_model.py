import json

import numpy as np
import pytest

from tactful.screening.dataset import read_accounts
from tactful.screening.features import FEATURE_NAMES, feature_matrix
from tactful.screening.model import DEFAULT_BUNDLE, ModelError, Platt, load_bundle
from tactful.screening.training import BoosterSettings, TrainingPlan, train_bundle

QUICK = TrainingPlan(
    risk=BoosterSettings(rounds=20, parameters={"objective": "binary", "num_leaves": 7}),
    self_cure=BoosterSettings(rounds=10, parameters={"objective": "binary", "num_leaves": 7}),
    folds=3,
    threads=1,
)


@pytest.fixture(scope="module")
def shipped():
    return load_bundle()


def test_the_shipped_model_is_small(shipped):
    size = sum(path.stat().st_size for path in DEFAULT_BUNDLE.iterdir())

    assert size < 1_000_000


def test_the_shipped_model_reaches_the_cross_validated_target(shipped):
    cv = shipped.metadata["models"]["risk"]["cross_validated"]

    assert cv["roc_auc"] >= 0.785
    assert len(cv["roc_auc_per_fold"]) == 5
    assert shipped.metadata["cross_validation"] == {"folds": 5, "seed": 2005, "stratified": True}


def test_the_shipped_model_names_its_data_features_and_libraries(shipped):
    metadata = shipped.metadata

    assert metadata["data"]["sha256"] == (
        "4561aba89a62d270653dc5155e278dfcdd523b17eb18bcb1c833dcaca419845b"
    )
    assert metadata["features"] == list(FEATURE_NAMES)
    assert set(metadata["excluded_columns"]["protected"]) == {"SEX", "MARRIAGE", "AGE"}
    assert {"lightgbm", "scikit-learn", "numpy", "polars", "python"} <= set(metadata["libraries"])
    assert {"SEX", "MARRIAGE", "AGE"} <= set(metadata["fairness"])


def test_the_shipped_model_scores_probabilities(shipped, sample_csv):
    accounts = read_accounts(sample_csv, need_outcome=True)

    scores = shipped.risk.probability(feature_matrix(accounts.behaviour))

    assert scores.shape == (accounts.rows,)
    assert ((scores > 0) & (scores < 1)).all()
    assert scores[accounts.outcome == 1].mean() > scores[accounts.outcome == 0].mean()


def test_contributions_add_up_to_the_calibrated_log_odds(shipped, sample_csv):
    matrix = feature_matrix(read_accounts(sample_csv).behaviour)[:50]

    explained = shipped.risk.explain(matrix)
    probability = explained.probability
    expected = shipped.risk.calibration.apply(shipped.risk.raw(matrix))

    assert np.allclose(probability, expected)
    base = np.log(probability / (1 - probability)) - explained.contributions.sum(axis=1)
    assert np.allclose(base, base[0], atol=1e-4)  # the same expected value for everyone


def test_a_quick_training_run_saves_a_bundle_that_scores_the_same(tmp_path, sample_csv):
    accounts = read_accounts(sample_csv, need_outcome=True)
    bundle = train_bundle(accounts, source_name="sample.csv", trained_at="t", plan=QUICK)

    bundle.save(tmp_path)
    again = load_bundle(tmp_path)
    matrix = feature_matrix(accounts.behaviour)

    assert np.allclose(bundle.risk.probability(matrix), again.risk.probability(matrix))
    assert again.metadata["models"]["self_cure"]["population"] == "accounts with PAY_0 >= 1"
    assert again.self_cure.target == "cure"


def test_a_bundle_of_other_features_is_refused(tmp_path, shipped):
    shipped.save(tmp_path)
    metadata = json.loads((tmp_path / "metadata.json").read_text())
    metadata["features"] = metadata["features"][:-1]
    (tmp_path / "metadata.json").write_text(json.dumps(metadata))

    with pytest.raises(ModelError, match="other features"):
        load_bundle(tmp_path)


def test_a_directory_without_a_model_is_refused(tmp_path):
    with pytest.raises(ModelError, match="no metadata.json"):
        load_bundle(tmp_path)


def test_platt_scaling_recovers_a_known_slope_and_intercept():
    rng = np.random.default_rng(3)
    raw = rng.normal(size=20000)
    outcome = (rng.random(20000) < 1 / (1 + np.exp(-(2 * raw - 1)))).astype(int)

    fitted = Platt.fit(raw, outcome)

    assert fitted.slope == pytest.approx(2, abs=0.1)
    assert fitted.intercept == pytest.approx(-1, abs=0.1)
