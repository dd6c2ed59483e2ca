"""Draw the simulator's comparison as a PNG (matplotlib, from the ``ml`` extra)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

PANELS = (
    ("contacts_made", "Contacts made"),
    ("third_party_requests", "Contacts to others asked for (label: asked / made)"),
    ("complaints", "Complaints (modelled)"),
    ("amount_recovered", "Amount recovered (NT$, modelled)"),
)


def draw_comparison(report: dict[str, Any], path: str | Path) -> Path:
    """Draw one bar panel per figure, blast beside tactful, and save it at `path`."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    names = ["blast", "tactful"]
    results = report["results"]
    figure, axes = pyplot.subplots(2, 2, figsize=(9, 6.5))
    for axis, (key, title) in zip(axes.flat, PANELS, strict=True):
        values = [results[name][key] for name in names]
        bars = axis.bar(names, values, color=["#b04a3b", "#3b7a57"])
        axis.bar_label(bars, labels=_labels(results, names, key), fontsize=9)
        axis.set_title(title, fontsize=10)
        axis.margins(y=0.2)
    figure.suptitle(
        f"{report['accounts']} overdue accounts, {report['days']} days, seed {report['seed']}, "
        f"pack {report['pack']}\nModel outputs under stated assumptions, not measurements",
        fontsize=10,
    )
    figure.tight_layout()
    target = Path(path)
    figure.savefig(target, dpi=110)
    pyplot.close(figure)
    return target


def _labels(results: dict[str, Any], names: list[str], key: str) -> list[str]:
    if key != "third_party_requests":
        return [f"{results[name][key]:,}" for name in names]
    # The gate refuses what the pack forbids: show what was asked and what happened.
    return [f"{results[name][key]:,} / {results[name]['third_party_contacts']:,}" for name in names]
