"""Rule by rule, what a proposed pack changes: tighter, looser or the same.

Pure: two `PackSpec`s in, one `RuleDiff` per rule id out, in the current pack's order
(new rules last). Each change is structured (the field, the values before and after as
people read them, and its direction), so a page can say it in any language. Strictness
comes from the schema: every parameter knows which way is stricter (`Param.stricter`).

A change that is stricter in one respect and looser in another (weekdays swapped, say)
counts as looser: something denied before would be allowed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from tactful.policy.schema import KINDS, SCOPE_KEYS, PackSpec, RuleSpec

Direction = Literal["tighter", "looser"]
Verdict = Literal["same", "tighter", "looser", "added", "removed"]
# A rule's verdict, read as the pack's direction.
_LOOSENS: frozenset[Verdict] = frozenset({"looser", "removed"})
_TIGHTENS: frozenset[Verdict] = frozenset({"tighter", "added"})


@dataclass(frozen=True, slots=True)
class Change:
    """One field of one rule changed: ``parameters.max``, ``applies_to.channels``, ``kind``."""

    field: str
    before: str
    after: str
    direction: Direction

    def to_json(self) -> dict[str, str]:
        """Return the change as plain values (stored with a proposal)."""
        return {
            "field": self.field,
            "before": self.before,
            "after": self.after,
            "direction": self.direction,
        }


@dataclass(frozen=True, slots=True)
class RuleDiff:
    """What became of one rule: its verdict and the changes behind it."""

    rule: str
    kind: str
    verdict: Verdict
    changes: tuple[Change, ...] = ()

    @property
    def loosens(self) -> bool:
        """Return True when the rule now allows something it denied."""
        return self.verdict in _LOOSENS

    def to_json(self) -> dict[str, Any]:
        """Return the rule's diff as plain values (stored with a proposal)."""
        return {
            "rule": self.rule,
            "kind": self.kind,
            "verdict": self.verdict,
            "changes": [change.to_json() for change in self.changes],
        }


def diff_packs(current: PackSpec, proposed: PackSpec) -> tuple[RuleDiff, ...]:
    """Return one RuleDiff per rule of either pack: current order first, then new rules."""
    before = {rule.id: rule for rule in current.rules}
    after = {rule.id: rule for rule in proposed.rules}
    diffs = [
        _compare(rule, after[rule.id])
        if rule.id in after
        else RuleDiff(rule.id, rule.kind, "removed")
        for rule in current.rules
    ]
    diffs += [
        RuleDiff(rule.id, rule.kind, "added") for rule in proposed.rules if rule.id not in before
    ]
    return tuple(diffs)


def pack_verdict(diffs: tuple[RuleDiff, ...]) -> Literal["same", "tighter", "looser"]:
    """Return the pack's direction: looser if any rule loosens, tighter if any tightens."""
    if any(diff.loosens for diff in diffs):
        return "looser"
    if any(diff.verdict in _TIGHTENS for diff in diffs):
        return "tighter"
    return "same"


def _compare(old: RuleSpec, new: RuleSpec) -> RuleDiff:
    if old.kind != new.kind:
        # The old rule is gone, whatever replaced it under its id.
        change = Change("kind", old.kind, new.kind, "looser")
        return RuleDiff(old.id, old.kind, "looser", (change,))
    changes = (*_parameter_changes(old, new), *_scope_changes(old, new))
    if any(change.direction == "looser" for change in changes):
        verdict: Verdict = "looser"
    elif changes:
        verdict = "tighter"
    else:
        verdict = "same"
    return RuleDiff(old.id, old.kind, verdict, changes)


def _parameter_changes(old: RuleSpec, new: RuleSpec) -> list[Change]:
    changes = []
    for name, param in KINDS[old.kind].params.items():
        before, after = old.parameters.get(name), new.parameters.get(name)
        if before == after or before is None or after is None:
            continue
        # Stricter one way only: tighter. Otherwise (looser, or incomparable sets) looser.
        tighter = param.stricter(before, after) and not param.stricter(after, before)
        direction: Direction = "tighter" if tighter else "looser"
        changes.append(
            Change(f"parameters.{name}", param.show(before), param.show(after), direction)
        )
    return changes


def _scope_changes(old: RuleSpec, new: RuleSpec) -> list[Change]:
    changes = []
    for key in SCOPE_KEYS:
        before, after = old.applies_to.get(key), new.applies_to.get(key)
        if before == after:
            continue
        # A rule that stops applying somewhere no longer denies there.
        direction: Direction = "looser" if before - after else "tighter"
        changes.append(Change(f"applies_to.{key}", _show(before), _show(after), direction))
    return changes


def _show(values: frozenset[str]) -> str:
    return ", ".join(sorted(values))
