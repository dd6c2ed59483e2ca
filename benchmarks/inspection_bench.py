"""Benchmark the collection-language checker and the speech engine.

Run from the repository root (the data sets are read from ../shared/data)::

    .venv/bin/python benchmarks/inspection_bench.py
    .venv/bin/python benchmarks/inspection_bench.py --seconds 2 --no-asr

Prints, and draws into benchmarks/output/ when matplotlib is installed:
1. throughput of the checker in utterances per second on one core (rules; rules + model);
2. precision, recall and F1 per category, and of the signals, on the development set
   (all lines, the lines the rules were tuned on, and the held-out lines);
3. the share of COLD's test rows labelled safe that the checker flags (false positives);
4. the speech engine's character error rate on the AISHELL clips and its real-time factor.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tactful.inspection import TextChecker  # noqa: E402
from tactful.inspection.devset import Example, load_devset  # noqa: E402
from tactful.inspection.evaluation import Report, Tally, evaluate  # noqa: E402
from tactful.inspection.model import AbuseModel  # noqa: E402

REPOSITORY = Path(__file__).resolve().parents[1]
DATA = REPOSITORY.parent / "shared" / "data"
OUTPUT = REPOSITORY / "benchmarks" / "output"
TARGET_THROUGHPUT = 5_000


def main(argv: Sequence[str] | None = None) -> int:
    args = _arguments(argv)
    _one_core()
    checkers = {"rules": TextChecker(), "rules+model": TextChecker(model=AbuseModel.load())}
    examples = load_devset()
    rates = {
        name: throughput(checker, examples, args.seconds) for name, checker in checkers.items()
    }
    reports = {name: _reports(checker, examples) for name, checker in checkers.items()}
    _print_quality(reports)
    cold = cold_false_positives(checkers, Path(args.data) / "cold" / "test.csv")
    asr = None if args.no_asr else speech_figures(Path(args.data) / "asr_zh" / "aishell1")
    _draw(rates, reports, cold)
    below = rates["rules"] < TARGET_THROUGHPUT
    print(f"\nthroughput target (rules) ≥ {TARGET_THROUGHPUT:,}/s: {'MISSED' if below else 'met'}")
    return 0 if asr is None or asr[0] < 0.25 else 1


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="per throughput run")
    parser.add_argument("--data", default=str(DATA), help="the shared data folder")
    parser.add_argument("--no-asr", action="store_true", help="skip the speech engine")
    return parser.parse_args(argv)


def _one_core() -> None:
    """Pin the process to one CPU, so throughput means one core."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


# --- 1. throughput ----------------------------------------------------------------------------


def throughput(checker: TextChecker, examples: list[Example], seconds: float) -> float:
    """Return utterances checked per second, looping over the development set."""
    lines = [(example.text, example.recipient_role) for example in examples]
    checker.inspect("warm up")
    done, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        for text, role in lines:
            checker.inspect(text, role)
        done += len(lines)
    rate = done / (time.perf_counter() - started)
    print(f"throughput {checker_name(checker):12s} {rate:10,.0f} utterances/s (one core)")
    return rate


def checker_name(checker: TextChecker) -> str:
    return "rules+model" if checker.has_model else "rules"


# --- 2. quality on the development set --------------------------------------------------------


def _reports(checker: TextChecker, examples: list[Example]) -> dict[str, Report]:
    splits: dict[str, Callable[[Example], bool]] = {
        "all": lambda example: True,
        "dev": lambda example: example.split == "dev",
        "holdout": lambda example: example.split == "holdout",
    }
    return {
        split: evaluate(checker.inspect, [example for example in examples if keep(example)])
        for split, keep in splits.items()
    }


def _print_quality(reports: dict[str, dict[str, Report]]) -> None:
    for name, by_split in reports.items():
        for split, report in by_split.items():
            print(f"\n{name}, {split} lines ({report.examples}; exactly right {report.exact})")
            print(f"  {'label':24s} {'P':>5s} {'R':>5s} {'F1':>5s} {'n':>4s}")
            for label, tally in {**report.categories, **report.signals}.items():
                _row(label, tally)
            _row("findings (micro)", report.micro(report.categories))
            _row("signals (micro)", report.micro(report.signals))


def _row(label: str, tally: Tally) -> None:
    print(
        f"  {label:24s} {tally.precision:5.2f} {tally.recall:5.2f} {tally.f1:5.2f} "
        f"{tally.support:4d}"
    )


# --- 3. false positives on COLD ---------------------------------------------------------------


def cold_false_positives(checkers: dict[str, TextChecker], path: Path) -> dict[str, float]:
    """Return, per checker, the share of COLD's safe test rows it flags."""
    if not path.exists():
        print(f"\nCOLD: {path} not found; skipped")
        return {}
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = [(row["TEXT"], row["label"] == "1") for row in csv.DictReader(handle)]
    safe = [text for text, offensive in rows if not offensive]
    offensive = [text for text, is_offensive in rows if is_offensive]
    shares = {}
    print(f"\nCOLD test: {len(safe)} safe rows, {len(offensive)} offensive rows")
    for name, checker in checkers.items():
        flagged = sum(1 for text in safe if checker.inspect(text).labels)
        caught = sum(1 for text in offensive if checker.inspect(text).labels)
        shares[name] = flagged / len(safe)
        print(
            f"  {name:12s} flags {shares[name]:.1%} of safe rows (false positives); "
            f"{caught / len(offensive):.1%} of offensive rows"
        )
    return shares


# --- 4. speech --------------------------------------------------------------------------------


def speech_figures(folder: Path) -> tuple[float, float] | None:
    """Print and return the character error rate and real-time factor on `folder`'s clips."""
    try:
        from tactful.inspection.transcripts import character_error_rate, comparable
        from tactful.inspection.whisper import WhisperEngine
    except ImportError:
        print("\nASR: the speech extra is not installed; skipped")
        return None
    if not (folder / "transcripts.tsv").exists():
        print(f"\nASR: {folder} not found; skipped")
        return None
    engine = WhisperEngine()
    rows = (folder / "transcripts.tsv").read_text("utf-8").splitlines()
    references = dict(row.split("\t", 1) for row in rows if row)
    engine.transcribe(folder / f"{next(iter(references))}.wav")  # load the model first
    errors = characters = 0.0
    audio = elapsed = 0.0
    print(f"\nASR on {len(references)} AISHELL-1 clips (faster-whisper, Whisper base, int8):")
    for clip_id, reference in references.items():
        started = time.perf_counter()
        transcript = engine.transcribe(folder / f"{clip_id}.wav")
        elapsed += time.perf_counter() - started
        audio += transcript.duration_seconds
        rate = character_error_rate(reference, transcript.text)
        errors += rate * len(comparable(reference))
        characters += len(comparable(reference))
        print(f"  {clip_id}: CER {rate:.1%}  {reference} → {transcript.text}")
    cer, rtf = errors / characters, elapsed / audio
    print(f"  CER {cer:.1%} over {characters:.0f} characters; real-time factor {rtf:.2f}")
    return cer, rtf


# --- charts -----------------------------------------------------------------------------------


def _draw(
    rates: dict[str, float], reports: dict[str, dict[str, Report]], cold: dict[str, float]
) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("\n(matplotlib is not installed: no charts)")
        return
    OUTPUT.mkdir(parents=True, exist_ok=True)
    report = reports["rules"]["holdout"]
    labels = [*report.categories, *report.signals]
    tallies = [*report.categories.values(), *report.signals.values()]
    figure, (quality, speed) = plt.subplots(1, 2, figsize=(13, 4.5), width_ratios=(3, 1))
    positions = range(len(labels))
    quality.bar(
        [p - 0.2 for p in positions], [t.precision for t in tallies], 0.4, label="precision"
    )
    quality.bar([p + 0.2 for p in positions], [t.recall for t in tallies], 0.4, label="recall")
    quality.set_xticks(list(positions), labels, rotation=35, ha="right")
    quality.set_ylim(0, 1.25)
    quality.set_title("Checker (rules) on the held-out development lines")
    quality.legend(loc="upper right", ncol=2)
    speed.bar(list(rates), list(rates.values()), color="#4a7")
    speed.axhline(TARGET_THROUGHPUT, color="#a44", linestyle="--", label="target")
    speed.set_title("Utterances per second, one core")
    speed.legend()
    figure.tight_layout()
    target = OUTPUT / "inspection.png"
    figure.savefig(target, dpi=110)
    print(f"\nchart: {target}" + (f" (COLD false positives: {cold})" if cold else ""))


if __name__ == "__main__":
    sys.exit(main())
