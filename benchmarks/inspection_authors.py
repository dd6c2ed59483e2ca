"""The checker on lines by authors who never saw its rules: figures per author, never pooled
with the development set.

Run from the repository root::

    .venv/bin/python benchmarks/inspection_authors.py            # rules and rules + model
    .venv/bin/python benchmarks/inspection_authors.py --misses 5 # and five misses per label
    .venv/bin/python benchmarks/inspection_authors.py --embedding  # + the learned layer, nested
    .venv/bin/python benchmarks/inspection_authors.py --speed      # the fused checker's speed only
    .venv/bin/python benchmarks/inspection_authors.py --fresh      # shipped checker, fresh author

For each author (tactful/inspection/data/authors/<author>.jsonl) and for all of them, prints
recall and precision per violation label and per signal, the macro F1 of the violations and
of the signals (English lines apart), the share of clean lines flagged and of lines without a
signal given one. Draws the per-author recall of each label into benchmarks/output/ when
matplotlib is installed.

With --embedding it also measures the embedding layer nested cross-author, exactly as
`tactful inspect train-embedding` fits it (each author held out in turn, thresholds chosen on
the others; the shipped model is never scored on lines it was fitted on), and its speed:
one line at a time (p50) and in batches. Speed is measured on a sample of every author's
lines (every 60th line of all of them: 200 lines, long and short), after a warm-up.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tactful.inspection import TextChecker  # noqa: E402
from tactful.inspection.devset import Example, load_authors  # noqa: E402
from tactful.inspection.evaluation import Report, Tally, evaluate  # noqa: E402
from tactful.inspection.model import AbuseModel  # noqa: E402
from tactful.inspection.types import CATEGORIES, SIGNAL_KINDS  # noqa: E402

OUTPUT = Path(__file__).resolve().parents[1] / "benchmarks" / "output"
FRESH = Path(__file__).resolve().parents[1] / "tactful" / "inspection" / "data" / "fresh"


def main(argv: Sequence[str] | None = None) -> int:
    args = _arguments(argv)
    authors = load_authors()
    if not authors:
        print("no author files in tactful/inspection/data/authors/")
        return 2
    if args.speed:
        _speed(authors)
        return 0
    if args.fresh:
        _fresh()
        return 0
    checkers = {"rules": TextChecker(), "rules+model": TextChecker(model=AbuseModel.load())}
    every = [example for examples in authors.values() for example in examples]
    print(f"{len(every)} lines by {len(authors)} authors: {', '.join(sorted(authors))}")
    recalls: dict[str, dict[str, float]] = {}
    for name, checker in checkers.items():
        print(f"\n=== {name} ===")
        for author, examples in sorted(authors.items()):
            report = _evaluate(checker, examples)
            _summary(author, examples, report)
            if name == "rules+model":
                recalls[author] = {label: tally.recall for label, tally in _tallies(report).items()}
        report = _evaluate(checker, every)
        print()
        _summary("all authors", every, report)
        _table(report)
        english = [example for example in every if example.lang == "en"]
        print(f"English lines: violations macro F1 {_macro(_evaluate(checker, english)):.2f}")
        if args.misses:
            _misses(report, args.misses)
    _draw(recalls)
    if args.embedding:
        _embedding_figures(authors, checkers["rules"])
    return 0


def _embedding_figures(authors: dict[str, list[Example]], rules_checker: TextChecker) -> None:
    from tactful.inspection.embedding_training import train

    def rules(example: Example) -> set[str]:
        found = rules_checker.inspect(example.text, example.recipient_role)
        return set(found.labels) | set(found.signal_kinds)

    print("\n=== rules + embedding layer, each author held out in turn ===")
    _, report = train(authors, rules, progress=lambda message: None)
    print("\n".join(report.lines()))
    _speed(authors)


def _speed(authors: dict[str, list[Example]]) -> None:
    """The fused checker on a mixed sample: one line at a time (p50), and the learned layer
    in batches (embedding, n-grams and every classifier)."""
    import statistics
    import time

    from tactful.inspection.embedding import EmbeddingModel

    model = EmbeddingModel.load()
    fused_checker = TextChecker(embedding=model)
    every = [example for name in sorted(authors) for example in authors[name]]
    lines = every[::60]
    texts, roles = [line.text for line in lines], [line.recipient_role for line in lines]
    model.predict(texts[:20], roles[:20])  # warm-up: the encoder loads on first use
    single = []
    for line in lines[:100]:
        started = time.perf_counter()
        fused_checker.inspect(line.text, line.recipient_role)
        single.append(time.perf_counter() - started)
    started = time.perf_counter()
    for start in range(0, len(lines), 64):
        model.predict(texts[start : start + 64], roles[start : start + 64])
    batched = len(lines) / (time.perf_counter() - started)
    mean_length = statistics.mean(len(text) for text in texts)
    print(
        f"fused checker on {len(lines)} lines of every author (mean {mean_length:.0f} "
        f"characters): one line p50 {statistics.median(single) * 1000:.0f} ms; "
        f"learned layer in batches of 64: {batched:.0f} lines/s"
    )
    _encoder_speeds(texts)


def _encoder_speeds(texts: list[str]) -> None:
    """The encoder alone, the shipped six layers beside all twelve, in the same run."""
    import time

    from tactful.inspection.embedding import ENCODER_LAYERS, first_layers_encoder

    rates = {}
    for layers in (ENCODER_LAYERS, 12):
        encoder = first_layers_encoder(layers)
        encoder.passage(texts[:20])
        started = time.perf_counter()
        for start in range(0, len(texts), 64):
            encoder.passage(texts[start : start + 64])
        rates[layers] = len(texts) / (time.perf_counter() - started)
    print(
        f"encoder alone in batches of 64: first {ENCODER_LAYERS} layers "
        f"{rates[ENCODER_LAYERS]:.0f} lines/s, all 12 layers {rates[12]:.0f} lines/s "
        f"({rates[ENCODER_LAYERS] / rates[12]:.2f}x)"
    )


def _fresh() -> None:
    from tactful.inspection.embedding import EmbeddingModel

    checkers = {
        "rules": TextChecker(),
        "rules + embedding layer (shipped)": TextChecker(embedding=EmbeddingModel.load()),
    }
    for author, written in sorted(load_authors(FRESH).items()):
        views = {"as written": written, "said within the debt": _within_debt(written)}
        for name, checker in checkers.items():
            for view, examples in views.items():
                print(f"\n=== {name} on {author}, {view} ===")
                report = _evaluate(checker, examples)
                _summary(author, examples, report)
                _table(report)
                for lang in sorted({example.lang for example in examples}):
                    mine = [example for example in examples if example.lang == lang]
                    part = _evaluate(checker, mine)
                    print(
                        f"{lang:>8}: violations macro F1 {_macro(part):.2f}, "
                        f"signals macro F1 {_macro(part, signals=True):.2f}"
                    )


def _within_debt(examples: list[Example]) -> list[Example]:
    return [
        example
        if example.speaker == "collector"
        else dataclasses.replace(example, recipient_role="debtor")
        for example in examples
    ]


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--misses", type=int, default=0, help="print N misses per label")
    parser.add_argument("--embedding", action="store_true", help="also the learned layer, nested")
    parser.add_argument("--speed", action="store_true", help="only the fused checker's speed")
    parser.add_argument("--fresh", action="store_true", help="the shipped checker, fresh authors")
    return parser.parse_args(argv)


def _evaluate(checker: TextChecker, examples: list[Example]) -> Report:
    return evaluate(lambda text, role: checker.inspect(text, recipient_role=role), examples)


def _tallies(report: Report) -> dict[str, Tally]:
    return {**report.categories, **report.signals}


def _macro(report: Report, signals: bool = False) -> float:
    tallies = report.signals if signals else report.categories
    present = [tally for tally in tallies.values() if tally.support]
    return sum(tally.f1 for tally in present) / len(present) if present else 0.0


def _summary(author: str, examples: list[Example], report: Report) -> None:
    clean = [example for example in examples if not example.labels]
    calm = [example for example in examples if not example.signals]
    flagged_clean = sum(
        1 for example, result in report.mistakes if not example.labels and result.labels
    )
    signalled_calm = sum(
        1 for example, result in report.mistakes if not example.signals and result.signal_kinds
    )
    print(
        f"{author:>12}: {len(examples):>5} lines  violations macro F1 {_macro(report):.2f}  "
        f"signals macro F1 {_macro(report, signals=True):.2f}  "
        f"clean flagged {_share(flagged_clean, len(clean))}  "
        f"no-signal lines given one {_share(signalled_calm, len(calm))}"
    )


def _share(part: int, whole: int) -> str:
    return f"{part / whole:6.1%}" if whole else "   n/a"


def _table(report: Report) -> None:
    print(f"{'label':>24} {'support':>8} {'recall':>7} {'precision':>9} {'F1':>5}")
    for label in (*CATEGORIES, *SIGNAL_KINDS):
        tally = _tallies(report)[label]
        print(
            f"{label:>24} {tally.support:>8} {tally.recall:>7.2f} {tally.precision:>9.2f} "
            f"{tally.f1:>5.2f}"
        )


def _misses(report: Report, count: int) -> None:
    for label in (*CATEGORIES, *SIGNAL_KINDS):
        missed = [
            example.text
            for example, result in report.mistakes
            if label in (example.labels | example.signals)
            and label not in (set(result.labels) | set(result.signal_kinds))
        ]
        for text in missed[:count]:
            print(f"  missed {label}: {text}")


def _draw(recalls: dict[str, dict[str, float]]) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed: no chart")
        return
    labels = [*CATEGORIES, *SIGNAL_KINDS]
    figure, axes = plt.subplots(figsize=(11, 4.5))
    width = 0.8 / max(len(recalls), 1)
    for index, (author, by_label) in enumerate(sorted(recalls.items())):
        axes.bar(
            [position + index * width for position in range(len(labels))],
            [by_label[label] for label in labels],
            width,
            label=author,
        )
    axes.set_xticks([position + 0.4 - width / 2 for position in range(len(labels))])
    axes.set_xticklabels(labels, rotation=35, ha="right")
    axes.set_ylabel("recall (rules + model)")
    axes.set_ylim(0, 1)
    axes.set_title("Recall per label on each independent author's lines")
    axes.legend(fontsize=8)
    figure.tight_layout()
    OUTPUT.mkdir(parents=True, exist_ok=True)
    path = OUTPUT / "inspection_authors_recall.png"
    figure.savefig(path, dpi=120)
    print(f"chart: {path}")


if __name__ == "__main__":
    raise SystemExit(main())
