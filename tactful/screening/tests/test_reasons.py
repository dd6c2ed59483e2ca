import numpy as np
import pytest

from tactful.screening.features import REASON_OF
from tactful.screening.reasons import (
    CODES,
    DIRECTIONS,
    FACTORS,
    LANGUAGES,
    describe,
    reason_weights,
    top_reason_keys,
    top_reasons,
)


def test_every_feature_counts_towards_a_reason_with_words_in_every_language():
    assert set(REASON_OF.values()) <= set(CODES)
    for code in CODES:
        assert set(FACTORS[code]) == set(LANGUAGES)
    assert set(DIRECTIONS) == set(LANGUAGES)


def test_the_strongest_reasons_come_first_whatever_their_sign():
    weights = np.zeros((1, len(CODES)), dtype=np.float32)
    weights[0, CODES.index("current_delay")] = 0.9
    weights[0, CODES.index("payment_ratio")] = -1.2
    weights[0, CODES.index("utilisation")] = 0.1

    reasons = top_reasons(weights)[0]

    assert [reason.key for reason in reasons] == [
        "payment_ratio-",
        "current_delay+",
        "utilisation+",
    ]
    assert top_reason_keys(weights) == ["payment_ratio-;current_delay+;utilisation+"]


def test_a_model_of_a_good_outcome_has_its_reasons_turned_towards_risk():
    contributions = np.zeros((1, len(REASON_OF)), dtype=np.float32)
    contributions[0, 0] = 1.0  # months_late_m0 raises the chance of a cure

    weights = reason_weights(contributions, risk_sign=-1.0)

    assert weights[0, CODES.index(REASON_OF["months_late_m0"])] == pytest.approx(-1.0)


@pytest.mark.parametrize(
    ("key", "language", "words"),
    [
        ("current_delay+", "en", "How late the current payment is: raises the estimated risk."),
        ("payment_ratio-", "zh-Hans", "每期账单的还款比例：降低了估计风险。"),
        ("depth+", "zh-Hant", "以往最長的逾期時間：提高了估計風險。"),
        ("depth+", "fr", "The longest delay so far: raises the estimated risk."),
    ],
)
def test_reasons_are_said_in_plain_words(key, language, words):
    assert describe(key, language) == words
