"""The fairness report: how the model and the strategy treat groups it was not shown.

Sex, marital status and age are never model inputs (see `columns`). They are kept in the
data only to check, per group, that the risk is calibrated (predicted near observed) and
ranks as well, and how often overdue members get each treatment. Differences in
treatment rates follow from differences in repayment history; the report shows them so
that people can judge them, it does not judge them itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import polars as pl

from tactful.screening.columns import STATUS_COLUMNS
from tactful.screening.metrics import roc_auc
from tactful.screening.strategy import TREATMENTS, Strategy

MINIMUM_GROUP = 30  # smaller groups are listed without rates that would mean nothing
HIGH_RISK = 0.5
# Days past due taken for an account n months late in the data: the middle of month n.
DAYS_PER_MONTH_LATE = 30

SEX = {1.0: "male", 2.0: "female"}
MARRIAGE = {1.0: "married", 2.0: "single", 3.0: "other"}


def _age_group(age: float) -> str:
    if age < 30:
        return "under 30"
    if age < 40:
        return "30-39"
    if age < 50:
        return "40-49"
    return "50 and over"


GROUPERS: dict[str, Callable[[float], str]] = {
    "SEX": lambda value: SEX.get(value, "not recorded"),
    "MARRIAGE": lambda value: MARRIAGE.get(value, "not recorded"),
    "AGE": _age_group,
}


def fairness_report(
    groups: pl.DataFrame,
    *,
    outcome: np.ndarray,
    risk: np.ndarray,
    treatments: list[str | None],
) -> dict[str, list[dict[str, Any]]]:
    """Return, per protected attribute and group, calibration, AUC and treatment rates.

    `treatments` holds each account's treatment, None for accounts not overdue.
    """
    treated = np.asarray([t or "" for t in treatments], dtype=object)
    report: dict[str, list[dict[str, Any]]] = {}
    for column, grouper in GROUPERS.items():
        if column not in groups.columns:
            continue
        labels = np.asarray([grouper(v) for v in groups.get_column(column).fill_null(-1)])
        report[column] = [
            _group_row(name, labels == name, outcome, risk, treated)
            for name in sorted(set(labels.tolist()))
        ]
    return report


def _group_row(
    name: str, members: np.ndarray, outcome: np.ndarray, risk: np.ndarray, treated: np.ndarray
) -> dict[str, Any]:
    row: dict[str, Any] = {"group": name, "accounts": int(members.sum())}
    if row["accounts"] < MINIMUM_GROUP:
        return row
    y, p = outcome[members], risk[members]
    row.update(
        observed_default_rate=round(float(y.mean()), 4),
        mean_predicted_risk=round(float(p.mean()), 4),
        roc_auc=round(roc_auc(y, p), 4) if 0 < y.sum() < y.size else None,
        high_risk_share=round(float((p >= HIGH_RISK).mean()), 4),
    )
    overdue = treated[members]
    overdue = overdue[overdue != ""]
    row["overdue_accounts"] = int(overdue.size)
    if overdue.size:
        row["treatment_shares"] = {t: round(float((overdue == t).mean()), 4) for t in TREATMENTS}
    return row


def data_treatments(
    strategy: Strategy, behaviour: pl.DataFrame, late: np.ndarray, self_cure: np.ndarray
) -> list[str | None]:
    """Return the treatment of each account of the data (None when not late now).

    `self_cure` holds the probabilities of the late accounts, in order. The data has
    months late, not days: an account n months late is taken as 30n - 15 days past due.
    """
    months_late = behaviour.get_column(STATUS_COLUMNS[0]).to_numpy()
    treatments: list[str | None] = [None] * late.size
    for index, probability in zip(np.flatnonzero(late), self_cure, strict=True):
        days = int(months_late[index]) * DAYS_PER_MONTH_LATE - DAYS_PER_MONTH_LATE // 2
        assignment = strategy.assign(self_cure=float(probability), days_past_due=days)
        treatments[index] = assignment.treatment if assignment else None
    return treatments
