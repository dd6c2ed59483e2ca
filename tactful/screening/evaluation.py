"""Evaluate a model bundle on labelled accounts: metrics of both models and fairness."""

from __future__ import annotations

from typing import Any

import numpy as np

from tactful.screening.dataset import Accounts
from tactful.screening.fairness import data_treatments, fairness_report
from tactful.screening.features import feature_matrix, late_now
from tactful.screening.metrics import evaluate
from tactful.screening.model import ModelBundle
from tactful.screening.strategy import load_strategy


def evaluate_bundle(
    bundle: ModelBundle, accounts: Accounts, strategy: str = "cn"
) -> dict[str, Any]:
    """Return the risk metrics, the self-cure metrics and, with groups, the fairness report."""
    outcome = accounts.labelled()
    matrix = feature_matrix(accounts.behaviour)
    risk = bundle.risk.probability(matrix)
    report: dict[str, Any] = {
        "model_id": bundle.model_id,
        "risk": evaluate(outcome, risk).to_json(),
    }
    late = late_now(accounts.behaviour)
    cured = 1 - outcome[late]
    self_cure = bundle.self_cure.probability(matrix[late]) if late.any() else np.zeros(0)
    if 0 < cured.sum() < cured.size:
        report["self_cure"] = evaluate(cured, self_cure).to_json()
    if accounts.groups is not None:
        treatments = data_treatments(load_strategy(strategy), accounts.behaviour, late, self_cure)
        report["fairness"] = fairness_report(
            accounts.groups, outcome=outcome, risk=risk, treatments=treatments
        )
    return report


def format_report(report: dict[str, Any]) -> str:
    """Return the report as text for people: headline figures, then the tables."""
    lines = [f"model {report['model_id']}"]
    for name in ("risk", "self_cure"):
        if name in report:
            lines.extend(_model_lines(name, report[name]))
    for column, groups in report.get("fairness", {}).items():
        lines.append(f"fairness by {column}: group, accounts, observed, predicted, AUC")
        lines.extend(_group_line(group) for group in groups)
    return "\n".join(lines)


def _model_lines(name: str, metrics: dict[str, Any]) -> list[str]:
    lines = [
        f"{name}: {metrics['accounts']} accounts, base rate {metrics['base_rate']:.4f}",
        f"  ROC AUC {metrics['roc_auc']:.4f}  KS {metrics['ks']:.4f}  "
        f"Brier {metrics['brier']:.4f}  log loss {metrics['log_loss']:.4f}",
        "  calibration (tenths by probability): predicted / observed",
    ]
    lines.extend(
        f"    {band['group']:>2}  {band['mean_probability']:.3f} / {band['observed_rate']:.3f}"
        for band in metrics["calibration"]
    )
    lines.append("  lift (tenths by probability, highest first): rate, lift, cumulative capture")
    lines.extend(
        f"    {band['group']:>2}  {band['observed_rate']:.3f}  {band['lift']:.2f}  "
        f"{band['cumulative_capture']:.3f}"
        for band in metrics["lift"]
    )
    return lines


def _group_line(group: dict[str, Any]) -> str:
    if "observed_default_rate" not in group:
        return f"  {group['group']}: {group['accounts']} accounts (too few for rates)"
    auc = group["roc_auc"]
    return (
        f"  {group['group']}: {group['accounts']}, {group['observed_default_rate']:.3f}, "
        f"{group['mean_predicted_risk']:.3f}, {'-' if auc is None else f'{auc:.3f}'}"
    )
