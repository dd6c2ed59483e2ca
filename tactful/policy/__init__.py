"""The contact gate, pure: rule packs as data, compiled once, and ``decide()``.

No Django, no database, no clock: callers pass ``now`` and the facts. The batch planner
(Polars) lives in `tactful.policy.plan` and is imported on its own, so deciding one
attempt never pays for loading Polars.
"""

from __future__ import annotations

from tactful.policy.content import (
    DEFAULT_CHECKER,
    INTERIM_CHECKER,
    CheckedWords,
    ContentChecker,
    InterimDebtMentionChecker,
)
from tactful.policy.engine import decide
from tactful.policy.packs import CompiledPack, load_pack, pack_names
from tactful.policy.scenario import MalformedScenario, Scenario, parse_facts, parse_scenario
from tactful.policy.schema import PackError, UnknownPack
from tactful.policy.types import (
    CATEGORIES,
    Attempt,
    Decision,
    Facts,
    HistoryEntry,
    Reason,
    format_instant,
)

__all__ = [
    "CATEGORIES",
    "DEFAULT_CHECKER",
    "INTERIM_CHECKER",
    "CheckedWords",
    "Attempt",
    "CompiledPack",
    "ContentChecker",
    "Decision",
    "Facts",
    "HistoryEntry",
    "InterimDebtMentionChecker",
    "MalformedScenario",
    "PackError",
    "Reason",
    "Scenario",
    "UnknownPack",
    "decide",
    "format_instant",
    "load_pack",
    "pack_names",
    "parse_facts",
    "parse_scenario",
]
