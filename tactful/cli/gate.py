"""The ``tactful gate`` command: decide contact attempts and plan accounts from files.

``tactful gate decide --pack P [FILE]`` reads JSON lines (FILE or stdin) and writes one
decision per line, in order. A malformed line gets ``{"id": ..., "error": ...}`` and a
message on stderr with its line number; the other lines are still decided, and the
command exits 2 at the end. ``tactful gate plan`` writes, per account, which channels are
allowed now and when each next is. The contract is in docs/gate.md.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO, Any

from tactful.policy import (
    CompiledPack,
    MalformedScenario,
    PackError,
    Scenario,
    decide,
    load_pack,
    pack_names,
    parse_scenario,
)
from tactful.policy.scenario import RequestId, parse_instant
from tactful.policy.types import LANGUAGES, PURPOSES, Language, Purpose

USAGE_ERROR = 2


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the ``gate`` command and its ``decide`` and ``plan`` subcommands."""
    gate = subparsers.add_parser("gate", help="the contact gate: decide attempts, plan accounts")
    commands = gate.add_subparsers(dest="gate_command", metavar="COMMAND", required=True)
    _add_decide(commands)
    _add_plan(commands)


def _add_decide(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    decide_parser = commands.add_parser(
        "decide",
        help="decide contact attempts given as JSON lines",
        description="Write one JSON decision per input line, in order (docs/gate.md).",
    )
    decide_parser.add_argument("file", nargs="?", help="JSON lines to decide (default: stdin)")
    decide_parser.add_argument(
        "--pack", help=f"pack for lines without their own ({', '.join(pack_names())})"
    )
    decide_parser.add_argument(
        "--language", choices=LANGUAGES, default="en", help="language of reason messages"
    )
    decide_parser.add_argument(
        "--override", help="lender override (YAML); it tightens the pack it names"
    )
    decide_parser.set_defaults(handler=handle_decide)


def _add_plan(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    plan_parser = commands.add_parser(
        "plan",
        help="plan which channels may reach each debtor now, and when next",
        description="Write per account whether each channel is allowed at --at and when it "
        "next is (docs/gate.md describes both files).",
    )
    plan_parser.add_argument("--pack", required=True, help=", ".join(pack_names()))
    plan_parser.add_argument("--accounts", required=True, help="accounts file, .csv or .parquet")
    plan_parser.add_argument("--at", required=True, help="the instant, ISO 8601 with an offset")
    plan_parser.add_argument("--output", required=True, help="output file, .csv or .parquet")
    plan_parser.add_argument("--purpose", choices=PURPOSES, default="collection")
    plan_parser.add_argument("--override", help="lender override (YAML) for the pack")
    plan_parser.set_defaults(handler=handle_plan)


# --- decide ------------------------------------------------------------------------------


class PackBox:
    """Compiled packs by name, with the lender override applied to the pack it names."""

    def __init__(self, override: Path | None) -> None:
        self._override = override
        self._override_for = _pack_named_by(override) if override is not None else None
        self._packs: dict[str, CompiledPack] = {}
        if self._override_for is not None:
            self.get(self._override_for)  # refuse a bad override before any line is read

    def get(self, name: str) -> CompiledPack:
        """Return the compiled pack `name` (raises PackError when there is none)."""
        found = self._packs.get(name)
        if found is None:
            override = self._override if name == self._override_for else None
            found = self._packs[name] = load_pack(name, override=override)
        return found


def handle_decide(args: argparse.Namespace) -> int:
    """Decide every line of the input; return 2 if any line was malformed, else 0."""
    try:
        packs = PackBox(Path(args.override) if args.override else None)
        if args.pack is not None:
            packs.get(args.pack)
        stream = _open_input(args.file)
    except (PackError, OSError) as error:
        print(f"tactful gate decide: {error}", file=sys.stderr)
        return USAGE_ERROR
    try:
        return decide_lines(stream, packs=packs, default_pack=args.pack, language=args.language)
    finally:
        if args.file:
            stream.close()


def _open_input(path: str | None) -> IO[str]:
    # Undecodable bytes become U+FFFD: that line is then malformed, not the whole run.
    if path:
        return open(path, encoding="utf-8", errors="replace")  # noqa: SIM115
    raw = getattr(sys.stdin, "buffer", None)
    if raw is None:
        return sys.stdin
    return io.TextIOWrapper(raw, encoding="utf-8", errors="replace")


def decide_lines(
    lines: Iterable[str],
    *,
    packs: PackBox,
    default_pack: str | None,
    language: Language,
    out: IO[str] | None = None,
    err: IO[str] | None = None,
) -> int:
    """Decide each JSON line, writing one output line per input line; return the status."""
    out = out or sys.stdout
    err = err or sys.stderr
    status = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        result = decide_line(line, packs=packs, default_pack=default_pack, language=language)
        if "error" in result:
            status = USAGE_ERROR
            print(f"line {number}: {result['error']}", file=err)
        out.write(json.dumps(result, ensure_ascii=False) + "\n")
    out.flush()
    return status


def decide_line(
    line: str, *, packs: PackBox, default_pack: str | None, language: Language
) -> dict[str, Any]:
    """Return the output object for one input line: a decision or an error."""
    try:
        scenario = parse_scenario(json.loads(line))
    except (ValueError, RecursionError) as error:
        request_id: RequestId = error.request_id if isinstance(error, MalformedScenario) else None
        return _error(request_id, _describe(error))
    name = scenario.pack if scenario.pack is not None else default_pack
    if name is None:
        return _error(scenario.id, "no pack: give --pack or a pack field on the line")
    try:
        pack = packs.get(name)
    except PackError:
        return _error(scenario.id, f"unknown pack {name!r}; known: {', '.join(pack_names())}")
    return _decision(scenario, pack, language)


def _decision(scenario: Scenario, pack: CompiledPack, language: Language) -> dict[str, Any]:
    try:
        decision = decide(scenario.attempt, scenario.facts, scenario.now, pack, language=language)
    except Exception as error:  # the gate answers every line, and never with allow
        return _error(scenario.id, f"could not decide: {error}")
    return {"id": scenario.id, **decision.to_json()}


def _describe(error: Exception) -> str:
    if isinstance(error, MalformedScenario):
        return error.message
    if isinstance(error, json.JSONDecodeError):
        return f"not JSON: {error.msg} (column {error.colno})"
    return f"not JSON: {error}"


def _error(request_id: RequestId, message: str) -> dict[str, Any]:
    return {"id": request_id, "error": message}


def _pack_named_by(path: Path) -> str:
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise PackError(path.name, f"cannot be read: {error.strerror}") from None
    except yaml.YAMLError as error:
        raise PackError(path.name, f"is not valid YAML: {error}") from None
    name = data.get("pack") if isinstance(data, dict) else None
    if not isinstance(name, str):
        raise PackError(path.name, "an override must be a mapping that names its pack")
    return name


# --- plan --------------------------------------------------------------------------------


def handle_plan(args: argparse.Namespace) -> int:
    """Plan the accounts file and write the output; return 2 on bad input."""
    # Imported here: Polars takes a moment to load and `decide` does not need it.
    from tactful.policy.plan import AccountsError, PlanUnsupported, plan_accounts, read_accounts

    at = parse_instant(args.at)
    if at is None:
        return _refuse(
            "plan", "--at must be an ISO 8601 time with an offset, e.g. 2026-05-11T02:00Z"
        )
    output = Path(args.output)
    if output.suffix.lower() not in (".csv", ".parquet"):
        return _refuse("plan", "--output must end in .csv or .parquet")
    purpose: Purpose = args.purpose
    try:
        pack = load_pack(args.pack, override=args.override)
        result = plan_accounts(read_accounts(args.accounts), pack=pack, at=at, purpose=purpose)
    except (PackError, AccountsError, PlanUnsupported) as error:
        return _refuse("plan", str(error))
    if output.suffix.lower() == ".csv":
        result.write_csv(output, datetime_format="%Y-%m-%dT%H:%M:%SZ")
    else:
        result.write_parquet(output)
    print(f"planned {result.height} accounts under pack {pack.name} {pack.version} -> {output}")
    return 0


def _refuse(command: str, message: str) -> int:
    print(f"tactful gate {command}: {message}", file=sys.stderr)
    return USAGE_ERROR


# --- running without the top-level parser ----------------------------------------------------


def run(argv: Sequence[str]) -> int:
    """Run ``tactful gate`` with `argv` (e.g. ``["decide", "--pack", "cn", "in.jsonl"]``)."""
    parser = argparse.ArgumentParser(prog="tactful")
    add_parser(parser.add_subparsers(dest="command", required=True))
    try:
        args = parser.parse_args(["gate", *argv])
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else USAGE_ERROR
    status: int = args.handler(args)
    return status


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
