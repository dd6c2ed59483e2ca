"""Benchmark the contact gate: one ``decide()`` beside cedarpy, then batch planning.

Run from the repository root::

    .venv/bin/python benchmarks/gate_bench.py        # 20,000 decisions, 1,000,000 accounts
    .venv/bin/python benchmarks/gate_bench.py --accounts 100000 --iterations 5000

Single decisions: the same attempt (a certified collection call to a debtor, 20 entries of
history) is decided by ``decide()`` with the history counted inside, and by cedarpy
evaluating an equivalent stateless Cedar policy whose counts are precomputed into the
request context. Both run in this process, interleaved, and report p50 and p99 in µs.
Batch planning: ``plan_accounts`` over accounts held in memory as text cells (as read from a
CSV), reporting decisions per second and the process's peak memory.
"""

from __future__ import annotations

import argparse
import importlib.util
import resource
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import polars as pl  # noqa: E402

from tactful.policy import Attempt, Facts, HistoryEntry, decide, load_pack  # noqa: E402
from tactful.policy.plan import plan_accounts  # noqa: E402
from tactful.policy.types import CHANNELS  # noqa: E402

NOW = datetime(2026, 5, 11, 3, 0, tzinfo=UTC)  # 11:00 in Shanghai, a Monday
TARGET_RATIO = 3.0
TARGET_PLAN_RATE = 200_000

# The cn pack written as stateless Cedar: every count and the local time are worked out by
# the caller and passed in the context, which is what a Cedar deployment would have to do.
CEDAR_POLICIES = """
@id("permit") permit(principal, action == Action::"contact", resource);
@id("cn.gbt45251.quiet_hours")
forbid(principal, action, resource) when {
  ["call", "sms", "push", "visit"].contains(context.channel) &&
  (context.local_second < 28800 || context.local_second >= 79200) };
@id("cn.gbt45251.connected_call_cap")
forbid(principal, action, resource) when {
  context.purpose != "service" && context.channel == "call" && context.connected_today >= 3 };
@id("cn.cba2026.unanswered_attempt_cap")
forbid(principal, action, resource) when {
  context.purpose != "service" && context.channel == "call" && context.unanswered_today >= 6 };
@id("cn.cba2026.no_unrelated_third_party")
forbid(principal, action, resource) when {
  context.purpose != "service" && context.role == "third_party" };
@id("cn.gbt45251.contact_person_purpose")
forbid(principal, action, resource) when {
  context.purpose != "service" && context.role == "emergency_contact" &&
  context.purpose != "locate" };
@id("cn.gbt45251.contact_person_trigger")
forbid(principal, action, resource) when {
  context.purpose != "service" && context.role == "emergency_contact" &&
  !context.debtor_unreachable };
@id("cn.pipl.contact_person_consent")
forbid(principal, action, resource) when {
  context.purpose != "service" && context.role == "emergency_contact" &&
  !context.consents.contains("emergency_contact") };
@id("cn.tactful.holds")
forbid(principal, action, resource) when { context.purpose != "service" && context.holds > 0 };
@id("cn.pipl.opt_out")
forbid(principal, action, resource) when { context.purpose != "service" && context.opted_out };
@id("cn.tactful.collector_certification")
forbid(principal, action, resource) when {
  context.purpose != "service" && !context.collector_certified };
@id("cn.tactful.collect_after_due")
forbid(principal, action, resource) when {
  context.purpose == "collection" && context.days_past_due < 1 };
@id("cn.gbt45251.contact_person_disclosure")
forbid(principal, action, resource) when { context.content_flagged };
"""


@dataclass(frozen=True)
class Timing:
    """Latency percentiles of one measured function, in microseconds."""

    name: str
    p50: float
    p99: float


def realistic_history() -> tuple[HistoryEntry, ...]:
    """Return 20 entries over the past ten days: calls and messages, two debts, two people."""
    outcomes = ("no_answer", "connected", "failed", "no_answer", "delivered")
    return tuple(
        HistoryEntry(
            at=NOW - timedelta(hours=11 * n + 1),
            channel="sms" if n % 4 == 3 else "call",
            recipient="b-100" if n % 5 else "b-200",
            outcome=outcomes[n % 5] if n % 4 != 3 else "delivered",  # type: ignore[arg-type]
            debt="L-9" if n % 3 else "L-7",
        )
        for n in range(20)
    )


def percentiles(name: str, samples: list[int]) -> Timing:
    """Return p50 and p99 of nanosecond `samples`, in microseconds."""
    ordered = sorted(samples)
    return Timing(
        name,
        ordered[len(ordered) // 2] / 1000,
        ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] / 1000,
    )


def measure(functions: dict[str, Callable[[], object]], iterations: int) -> list[Timing]:
    """Time each function `iterations` times, interleaved so that both see the same machine."""
    for function in functions.values():
        for _ in range(min(2000, iterations)):
            function()
    samples: dict[str, list[int]] = {name: [] for name in functions}
    clock = time.perf_counter_ns
    for _ in range(iterations):
        for name, function in functions.items():
            start = clock()
            function()
            samples[name].append(clock() - start)
    return [percentiles(name, values) for name, values in samples.items()]


def ours() -> Callable[[], object]:
    """Return a call of decide() on the benchmark attempt (allowed, 20 entries of history)."""
    pack = load_pack("cn")
    attempt = Attempt(
        channel="call",
        recipient="b-100",
        recipient_role="debtor",
        purpose="collection",
        recipient_timezone="Asia/Shanghai",
        debt="L-9",
        collector_certified=True,
    )
    facts = Facts(days_past_due=12, history=realistic_history())
    decision = decide(attempt, facts, NOW, pack)
    assert decision.allowed, decision
    return lambda: decide(attempt, facts, NOW, pack)


def ours_denied() -> Callable[[], object]:
    """Return a call of decide() that denies (us cooling-off) and works out next_allowed_at."""
    pack = load_pack("us")
    attempt = Attempt(
        channel="call",
        recipient="b-100",
        recipient_role="debtor",
        purpose="collection",
        recipient_timezone="America/Chicago",
        debt="L-9",
        collector_certified=True,
    )
    facts = Facts(days_past_due=12, history=realistic_history())
    decision = decide(attempt, facts, NOW + timedelta(hours=12), pack)
    assert decision.next_allowed_at is not None, decision
    return lambda: decide(attempt, facts, NOW + timedelta(hours=12), pack)


def cedar() -> Callable[[], object] | None:
    """Return a cedarpy evaluation of the same attempt, or None when cedarpy is absent."""
    if importlib.util.find_spec("cedarpy") is None:
        return None
    import cedarpy

    policies = cedarpy.PolicySet.from_str(CEDAR_POLICIES)
    entities = cedarpy.Entities.from_json_str("[]")
    request = {
        "principal": 'Collector::"c-1"',
        "action": 'Action::"contact"',
        "resource": 'Recipient::"b-100"',
        "context": {
            "channel": "call",
            "role": "debtor",
            "purpose": "collection",
            "local_second": 11 * 3600,
            "connected_today": 0,
            "unanswered_today": 1,
            "holds": 0,
            "opted_out": False,
            "collector_certified": True,
            "days_past_due": 12,
            "debtor_unreachable": False,
            "consents": [],
            "content_flagged": False,
        },
    }
    result = cedarpy.is_authorized(request, policies, entities)
    assert result.decision == cedarpy.Decision.Allow, result.diagnostics
    return lambda: cedarpy.is_authorized(request, policies, entities)


def single_decisions(iterations: int) -> None:
    """Print decide() and cedarpy latencies and their ratio."""
    print(f"== single decisions: {iterations:,} each, 20 entries of history ==", flush=True)
    functions = {"decide() allow, cn": ours(), "decide() deny + next_allowed_at, us": ours_denied()}
    cedar_call = cedar()
    if cedar_call is not None:
        functions["cedarpy, same attempt, counts precomputed"] = cedar_call
    timings = measure(functions, iterations)
    for timing in timings:
        print(f"  {timing.name:<45} p50 {timing.p50:8.2f} µs   p99 {timing.p99:8.2f} µs")
    if cedar_call is None:
        print("  cedarpy is not installed: pip install cedarpy to compare")
        return
    ratio = timings[-1].p50 / timings[0].p50
    verdict = "meets" if ratio >= TARGET_RATIO else "MISSES"
    target = f"{TARGET_RATIO:.0f}x"
    print(f"  ratio cedarpy p50 / decide() p50: {ratio:.1f}x ({verdict} the {target} target)")


def synthetic_accounts(count: int) -> pl.DataFrame:
    """Return `count` accounts as text cells, as a CSV would give them (seven days of calls)."""
    zones = ["Asia/Shanghai", "America/Chicago", "America/New_York", "Europe/London"]
    index = pl.int_range(0, count)
    noise = [index.hash(seed) for seed in range(12)]

    def week(seed: int, modulo: int, *, rare: bool = False) -> pl.Expr:
        # Per-day counts over seven days, today first: 0..modulo-1, or 1 in `modulo` days.
        days = [noise[(seed + day) % 12] // (day + 1) % modulo for day in range(7)]
        cells = [(day == 0).cast(pl.Int8) if rare else day for day in days]
        return pl.concat_str([cell.cast(pl.String) for cell in cells], separator=";")

    return pl.select(
        account=pl.format("A{}", index),
        recipient_timezone=(noise[0] % len(zones)).replace_strict(
            dict(enumerate(zones)), return_dtype=pl.String
        ),
        days_past_due=(noise[1] % 120).cast(pl.String),
        holds=pl.when(noise[2] % 50 == 0).then(pl.lit("complaint")).otherwise(None),
        opted_out=pl.when(noise[3] % 100 == 0).then(pl.lit("true")).otherwise(pl.lit("false")),
        collector_certified=pl.when(noise[4] % 200 == 0)
        .then(pl.lit("false"))
        .otherwise(pl.lit("true")),
        calls_connected=week(5, 15, rare=True),
        calls_no_answer=week(6, 2),
        calls_failed=week(7, 8, rare=True),
        calls_delivered=pl.lit("0;0;0;0;0;0;0"),
    )


def peak_memory_mib() -> float:
    """Return the process's peak resident memory so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def batch_planning(count: int) -> None:
    """Plan `count` accounts under the us and cn packs; print decisions per second."""
    print(f"== batch planning: {count:,} accounts ==", flush=True)
    before = peak_memory_mib()
    started = time.perf_counter()
    accounts = synthetic_accounts(count)
    print(
        f"  generated in {time.perf_counter() - started:.2f} s (peak {peak_memory_mib():.0f} MiB)"
    )
    at = NOW + timedelta(hours=5)
    for pack_name in ("us", "cn"):
        pack = load_pack(pack_name)
        print(f"  planning under {pack_name} ...", flush=True)
        started = time.perf_counter()
        plan = plan_accounts(accounts, pack=pack, at=at)
        elapsed = time.perf_counter() - started
        rate = count / elapsed
        allowed = plan.select(pl.col("call_allowed").sum()).item()
        verdict = "meets" if rate >= TARGET_PLAN_RATE else "MISSES"
        print(
            f"  {pack_name}: {elapsed:.2f} s, {rate:,.0f} accounts/s "
            f"({rate * len(CHANNELS):,.0f} channel decisions/s; {verdict} the "
            f"{TARGET_PLAN_RATE:,}/s target); calls allowed now: {allowed:,}"
        )
    print(f"  peak memory: {peak_memory_mib():.0f} MiB (before the data: {before:.0f} MiB)")


def main(argv: list[str] | None = None) -> int:
    """Run both benchmarks and print a summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--iterations", type=int, default=20_000)
    parser.add_argument("--accounts", type=int, default=1_000_000)
    args = parser.parse_args(argv)
    print(f"python {sys.version.split()[0]}, polars {pl.__version__}")
    single_decisions(args.iterations)
    batch_planning(args.accounts)
    return 0


if __name__ == "__main__":
    sys.exit(main())
