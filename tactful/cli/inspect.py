"""The ``tactful inspect`` command: check collection language in text and in recordings.

``tactful inspect text [FILE]`` reads JSON lines ``{"id", "text", "recipient_role"}`` (FILE
or stdin) and writes, per line and in order, ``{"id", "labels", "findings", "signals"}``.
A malformed line gets ``{"id": ..., "error": ...}`` and a message on stderr with its line
number; the other lines are still checked, and the command exits 2 at the end.
``tactful inspect audio FILE...`` transcribes each recording and writes its transcript,
timed segments and findings as one JSON line. docs/inspection.md is the contract.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO, Any

from tactful.inspection.checker import TextChecker
from tactful.inspection.model import AbuseModel
from tactful.inspection.types import RECIPIENT_ROLES

USAGE_ERROR = 2
_ROLES = ", ".join(RECIPIENT_ROLES)


class MalformedLine(ValueError):
    def __init__(self, message: str, line_id: Any = None) -> None:
        super().__init__(message)
        self.line_id = line_id


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``inspect`` and its ``text``, ``audio`` and ``train-model`` subcommands."""
    inspect = subparsers.add_parser("inspect", help="check collection language: text, recordings")
    commands = inspect.add_subparsers(dest="inspect_command", metavar="COMMAND", required=True)
    _add_text(commands)
    _add_audio(commands)
    _add_train(commands)


def _add_text(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    text = commands.add_parser(
        "text",
        help="check utterances given as JSON lines",
        description="Write labels, findings and signals per input line, in order.",
    )
    text.add_argument("file", nargs="?", help="JSON lines to check (default: stdin)")
    text.add_argument("--model", action="store_true", help="add the learned abuse model")
    text.set_defaults(handler=handle_text)


def _add_audio(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    audio = commands.add_parser(
        "audio",
        help="transcribe recordings and check them",
        description="Write, per recording, its transcript, timed segments and findings.",
    )
    audio.add_argument("files", nargs="+", metavar="FILE", help="audio files (wav, mp3, ...)")
    audio.add_argument("--model-dir", help="a CTranslate2 Whisper model (default: Whisper base)")
    audio.add_argument("--recipient-role", choices=RECIPIENT_ROLES, default="debtor")
    audio.add_argument("--no-model", action="store_true", help="rules only, no learned model")
    audio.set_defaults(handler=handle_audio)


def _add_train(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    train = commands.add_parser(
        "train-model",
        help="train the learned abuse model",
        description="Train on the development set and COLD; write the model as JSON.",
    )
    train.add_argument("--cold", help="directory with COLD's train.csv and dev.csv")
    train.add_argument("--output", required=True, help="where to write the model (JSON)")
    train.set_defaults(handler=handle_train)
    embedding = commands.add_parser(
        "train-embedding",
        help="train the embedding layer on the independent authors' lines",
        description=(
            "Embed the lines of tactful/inspection/data/authors/, measure the rules fused with "
            "the classifiers on each author held out in turn, fit on every author, write JSON."
        ),
    )
    embedding.add_argument("--output", required=True, help="where to write the model (JSON)")
    embedding.set_defaults(handler=handle_train_embedding)


# --- text ---------------------------------------------------------------------------------


def handle_text(args: argparse.Namespace) -> int:
    """Check every line of the input; return 2 if any line was malformed, else 0."""
    checker = (
        TextChecker(model=AbuseModel.load(), embedding=_embedding())
        if args.model
        else TextChecker()
    )
    try:
        stream = open(args.file, encoding="utf-8") if args.file else sys.stdin  # noqa: SIM115
    except OSError as error:
        print(f"tactful inspect text: {error.strerror}: {args.file}", file=sys.stderr)
        return USAGE_ERROR
    try:
        return inspect_lines(stream, checker=checker)
    finally:
        if stream is not sys.stdin:
            stream.close()


def _embedding() -> Any:
    from tactful.inspection.embedding import EmbeddingModel, shipped_model_available

    return EmbeddingModel.load() if shipped_model_available() else None


def inspect_lines(
    lines: Iterable[str],
    *,
    checker: TextChecker,
    out: IO[str] | None = None,
    err: IO[str] | None = None,
) -> int:
    """Write one output line per non-blank input line; return the exit status."""
    out = out or sys.stdout
    err = err or sys.stderr
    status = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            result = inspect_line(line, checker)
        except MalformedLine as error:
            status = USAGE_ERROR
            print(f"line {number}: {error}", file=err)
            result = {"id": error.line_id, "error": str(error)}
        out.write(json.dumps(result, ensure_ascii=False) + "\n")
    out.flush()
    return status


def inspect_line(line: str, checker: TextChecker) -> dict[str, Any]:
    """Return the output object of one well-formed input line; raise MalformedLine."""
    try:
        data = json.loads(line)
    except (ValueError, RecursionError) as error:
        reason = error.msg if isinstance(error, json.JSONDecodeError) else type(error).__name__
        raise MalformedLine(f"not JSON: {reason}") from None
    if not isinstance(data, dict):
        raise MalformedLine("a line must be a JSON object")
    line_id = data.get("id")
    text, role = data.get("text"), data.get("recipient_role", "debtor")
    if not isinstance(text, str):
        raise MalformedLine("text must be a string", line_id)
    if role not in RECIPIENT_ROLES:
        raise MalformedLine(f"recipient_role must be one of {_ROLES}", line_id)
    return {"id": line_id, **checker.inspect(text, role).to_json()}


# --- audio --------------------------------------------------------------------------------


def handle_audio(args: argparse.Namespace) -> int:
    """Transcribe and check each file; return 2 if any could not be read."""
    from tactful.inspection.calls import inspect_call
    from tactful.inspection.speech import SpeechError
    from tactful.inspection.whisper import WhisperEngine

    engine = WhisperEngine(Path(args.model_dir) if args.model_dir else None)
    checker = TextChecker(model=None if args.no_model else AbuseModel.load())
    status = 0
    for name in args.files:
        try:
            transcript = engine.transcribe(Path(name))
        except SpeechError as error:
            print(f"tactful inspect audio: {name}: {error}", file=sys.stderr)
            status = USAGE_ERROR
            continue
        result = inspect_call(transcript, checker, recipient_role=args.recipient_role)
        print(json.dumps({"file": name, **result.to_json()}, ensure_ascii=False), flush=True)
    return status


# --- train-model --------------------------------------------------------------------------


def handle_train(args: argparse.Namespace) -> int:
    from tactful.inspection.devset import load_devset
    from tactful.inspection.training import build_model

    cold = Path(args.cold) if args.cold else None
    if cold is not None and not (cold / "train.csv").is_file():
        print(f"tactful inspect train-model: no train.csv in {cold}", file=sys.stderr)
        return USAGE_ERROR

    def progress(message: str) -> None:
        print(message, file=sys.stderr)

    model = build_model(load_devset(), cold, progress=progress)
    model.save(Path(args.output))
    print(f"wrote {args.output}: {len(model.weights)} n-grams, threshold {model.threshold}")
    return 0


def handle_train_embedding(args: argparse.Namespace) -> int:
    from tactful.inspection.devset import load_authors
    from tactful.inspection.embedding_training import train

    checker = TextChecker()

    def rules(example: Any) -> set[str]:
        found = checker.inspect(example.text, example.recipient_role)
        return set(found.labels) | set(found.signal_kinds)

    def progress(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    model, report = train(load_authors(), rules, progress=progress)
    model.save(Path(args.output))
    print("\n".join(report.lines()))
    print(f"wrote {args.output}")
    return 0


def run(argv: Sequence[str]) -> int:
    """Run ``tactful inspect`` with `argv` (e.g. ``["text", "in.jsonl"]``)."""
    parser = argparse.ArgumentParser(prog="tactful")
    add_parser(parser.add_subparsers(dest="command", required=True))
    try:
        args = parser.parse_args(["inspect", *argv])
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else USAGE_ERROR
    status: int = args.handler(args)
    return status


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
