"""Reason codes: the model's own per-feature contributions, summed into plain-words reasons.

Each feature counts towards one reason (see `features.Feature.reason`). For one account
the contributions of a reason's features are added up (TreeSHAP values, in calibrated
log-odds of default) and the largest ones, in absolute value, become its reason codes:
``current_delay+`` raises the risk, ``payment_ratio-`` lowers it. The words are here in
English, simplified and traditional Chinese, for collectors and for borrowers alike.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tactful.screening.features import FEATURE_NAMES, REASON_OF

TOP_REASONS = 3
LANGUAGES = ("en", "zh-Hans", "zh-Hant")

# What each reason is about, per language. Said with a direction: "<factor>: raises the
# estimated risk". A contribution compares the account with the average account the model
# learnt from, so the factor's name is stated, never a claim about its value.
FACTORS: dict[str, dict[str, str]] = {
    "current_delay": {
        "en": "How late the current payment is",
        "zh-Hans": "当前还款的逾期程度",
        "zh-Hant": "當前還款的逾期程度",
    },
    "recent_lateness": {
        "en": "Late payments in the last three months",
        "zh-Hans": "近三个月的逾期情况",
        "zh-Hant": "近三個月的逾期情況",
    },
    "late_history": {
        "en": "Late payments in the last six months",
        "zh-Hans": "近六个月的逾期情况",
        "zh-Hant": "近六個月的逾期情況",
    },
    "depth": {
        "en": "The longest delay so far",
        "zh-Hans": "以往最长的逾期时间",
        "zh-Hant": "以往最長的逾期時間",
    },
    "late_streak": {
        "en": "How many months in a row payments were late or on time",
        "zh-Hans": "连续逾期或连续按时还款的月数",
        "zh-Hant": "連續逾期或連續按時還款的月數",
    },
    "lateness_trend": {
        "en": "Whether payments are getting later or more punctual",
        "zh-Hans": "还款是越来越晚还是越来越准时",
        "zh-Hant": "還款是越來越晚還是越來越準時",
    },
    "paid_in_full": {
        "en": "Months in which the balance was paid in full",
        "zh-Hans": "全额还清账单的月份",
        "zh-Hant": "全額還清帳單的月份",
    },
    "no_bill": {
        "en": "Months in which nothing was owed",
        "zh-Hans": "没有欠款的月份",
        "zh-Hant": "沒有欠款的月份",
    },
    "utilisation": {
        "en": "The amount owed compared with the limit or loan",
        "zh-Hans": "欠款相对于额度或借款金额的比例",
        "zh-Hant": "欠款相對於額度或借款金額的比例",
    },
    "credit_limit": {
        "en": "The size of the credit limit or loan",
        "zh-Hans": "额度或借款金额的大小",
        "zh-Hant": "額度或借款金額的大小",
    },
    "balance_growth": {
        "en": "Whether the amount owed is growing or shrinking",
        "zh-Hans": "欠款金额的增减",
        "zh-Hant": "欠款金額的增減",
    },
    "payment_ratio": {
        "en": "How much of each bill was paid",
        "zh-Hans": "每期账单的还款比例",
        "zh-Hant": "每期帳單的還款比例",
    },
    "payment_size": {
        "en": "The size of recent payments",
        "zh-Hans": "近期还款金额",
        "zh-Hant": "近期還款金額",
    },
    "missed_payments": {
        "en": "Months with no payment at all",
        "zh-Hans": "完全没有还款的月份",
        "zh-Hant": "完全沒有還款的月份",
    },
}
DIRECTIONS: dict[str, tuple[str, str]] = {
    "en": ("{factor}: raises the estimated risk.", "{factor}: lowers the estimated risk."),
    "zh-Hans": ("{factor}：提高了估计风险。", "{factor}：降低了估计风险。"),
    "zh-Hant": ("{factor}：提高了估計風險。", "{factor}：降低了估計風險。"),
}
CODES: tuple[str, ...] = tuple(FACTORS)


@dataclass(frozen=True)
class ReasonCode:
    """One reason: its code, whether it raises the risk, and how much (log-odds)."""

    code: str
    raises_risk: bool
    weight: float

    @property
    def key(self) -> str:
        """Return the stored form, such as ``current_delay+``."""
        return f"{self.code}{'+' if self.raises_risk else '-'}"

    def words(self, language: str = "en") -> str:
        """Return the reason in plain words (English when `language` is not offered)."""
        return describe(self.key, language)


def describe(key: str, language: str = "en") -> str:
    """Return the plain words of a stored reason key such as ``current_delay+``."""
    code, sign = key[:-1], key[-1:]
    chosen = language if language in DIRECTIONS else "en"
    raises, lowers = DIRECTIONS[chosen]
    return (raises if sign == "+" else lowers).format(factor=FACTORS[code][chosen])


def _grouping() -> np.ndarray:
    """Return the features x reasons matrix that sums contributions into reasons."""
    matrix = np.zeros((len(FEATURE_NAMES), len(CODES)), dtype=np.float32)
    for row, name in enumerate(FEATURE_NAMES):
        matrix[row, CODES.index(REASON_OF[name])] = 1.0
    return matrix


GROUPING = _grouping()


def reason_weights(contributions: np.ndarray, *, risk_sign: float = 1.0) -> np.ndarray:
    """Return accounts x reasons weights in log-odds of default.

    `risk_sign` is -1 for a model whose probability is of a good outcome (self-cure), so
    that a positive weight always means "raises the risk".
    """
    return np.asarray((contributions @ GROUPING) * np.float32(risk_sign))


def top_reasons(weights: np.ndarray, count: int = TOP_REASONS) -> list[list[ReasonCode]]:
    """Return, per account, its `count` strongest reasons (by absolute weight)."""
    order = np.argsort(-np.abs(weights), axis=1, kind="stable")[:, :count]
    return [
        [ReasonCode(CODES[index], bool(row[index] > 0), float(row[index])) for index in indexes]
        for row, indexes in zip(weights, order, strict=True)
    ]


def top_reason_keys(weights: np.ndarray, count: int = TOP_REASONS) -> list[str]:
    """Return, per account, its strongest reasons as ``;``-joined keys (fast, for batches)."""
    order = np.argsort(-np.abs(weights), axis=1, kind="stable")[:, :count]
    picked = np.take_along_axis(weights, order, axis=1)
    codes = np.asarray(CODES, dtype=object)[order]
    signs = np.where(picked > 0, "+", "-").astype(object)
    keys = codes + signs
    return [";".join(row) for row in keys.tolist()]
