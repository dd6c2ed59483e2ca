"""Benchmark the never-loosens check: sweep the cn pack against proposals, timed.

Run from the repository root::

    .venv/bin/python benchmarks/pack_sweep_bench.py            # cn, 3 runs each
    .venv/bin/python benchmarks/pack_sweep_bench.py --pack us --runs 5

For each proposal (the pack against itself, a tightening override, a loosening one) the
sweep decides every generated scenario under both packs with ``decide()``; printed are the
scenarios covered, the decisions that loosen and tighten, the rules named, and the best
and worst wall time of the runs. The budget is 30 s for cn (docs/oversight.md).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tactful.policy import CompiledPack, load_pack  # noqa: E402
from tactful.policy.overrides import merge_override  # noqa: E402
from tactful.policy.packs import compile_pack, read_pack_file  # noqa: E402
from tactful.policy.sweep import SweepReport, sweep  # noqa: E402

BUDGET_SECONDS = 30.0


def _proposals(name: str) -> dict[str, CompiledPack]:
    base = read_pack_file(name)
    window = next(rule for rule in base.rules if rule.kind == "time_window")
    cap = next(rule for rule in base.rules if rule.kind == "frequency_cap")
    start, end = window.parameters["start"], window.parameters["end"]
    tighter: dict[str, Any] = {
        "pack": name,
        "rules": [
            {"id": window.id, "parameters": {"start": _clock(start + 60)}},
            {"id": cap.id, "parameters": {"max": max(1, cap.parameters["max"] - 1)}},
        ],
    }
    looser: dict[str, Any] = {
        "pack": name,
        "rules": [
            {"id": window.id, "parameters": {"end": _clock(min(end + 60, 24 * 60))}},
            {"id": cap.id, "parameters": {"max": cap.parameters["max"] + 2}},
        ],
    }
    return {
        "itself": load_pack(name),
        "tightening": compile_pack(merge_override(base, tighter, "tighter")),
        "loosening": compile_pack(merge_override(base, looser, "looser")),
    }


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pack", default="cn")
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    current = load_pack(options.pack)
    print(f"pack {options.pack} ({current.version}), {options.runs} runs per proposal")
    print(f"{'proposal':<12}{'scenarios':>11}{'loosened':>10}{'tightened':>11}{'best s':>9}"
          f"{'worst s':>9}  rules loosened")  # fmt: skip
    worst_overall = 0.0
    for label, proposed in _proposals(options.pack).items():
        times: list[float] = []
        report = SweepReport()
        for _ in range(options.runs):
            started = time.perf_counter()
            report = sweep(current, proposed)
            times.append(time.perf_counter() - started)
        worst_overall = max(worst_overall, *times)
        rules = ", ".join(sorted(report.loosened_rules)) or "-"
        print(f"{label:<12}{report.scenarios:>11,}{report.loosened:>10,}{report.tightened:>11,}"
              f"{min(times):>9.2f}{max(times):>9.2f}  {rules}")  # fmt: skip
    verdict = "within" if worst_overall <= BUDGET_SECONDS else "OVER"
    print(f"slowest sweep {worst_overall:.2f} s: {verdict} the {BUDGET_SECONDS:.0f} s budget")


if __name__ == "__main__":
    main()
