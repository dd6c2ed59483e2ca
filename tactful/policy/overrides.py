"""Lender overrides: tighten a pack, never loosen it.

An override file names the pack it changes and lists rules. A rule whose id is in the pack
may change its ``parameters`` and widen its ``applies_to``; every change is compared with
the pack's value and refused if it loosens the rule. A rule with a new id is added whole
(every rule only ever denies, so adding one cannot loosen the pack). Removing or disabling
a rule is refused.

```yaml
pack: cn
name: acme-2026-05            # optional; shows in the pack version recorded with decisions
rules:
  - id: cn.gbt45251.quiet_hours
    parameters: {start: "09:00", end: "21:00"}
  - id: acme.sms_daily_cap
    kind: frequency_cap
    category: frequency
    applies_to: {channels: [sms]}
    parameters: {outcomes: [delivered, failed, no_answer, connected], max: 2, days: 1,
                 per_debt: false}
    citation: "ACME collection policy 2026 §4"
    confidence: H
    messages: {en: "At most {max} messages a day.", zh-Hans: "每天最多 {max} 条短信。"}
```
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from tactful.policy.schema import (
    KINDS,
    SCOPE_KEYS,
    PackError,
    PackSpec,
    RuleSpec,
    Scope,
    check_messages,
    check_rule_set,
    check_window_order,
    read_parameters,
    read_rule,
    read_scope,
)

_OVERRIDE_KEYS = frozenset({"pack", "name", "description", "rules"})
_CHANGE_KEYS = frozenset({"id", "parameters", "applies_to"})
_REMOVAL_KEYS = frozenset({"remove", "removed", "delete", "enabled", "disabled"})


def override_digest(data: object) -> str:
    """Return a stable digest of an override document, for caching and versions."""
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def apply_override(base: PackSpec, data: object, source: str) -> PackSpec:
    """Return `base` tightened by the override document `data`, or raise PackError."""
    return _merged(base, data, source, tighten_rule)


def merge_override(base: PackSpec, data: object, source: str) -> PackSpec:
    """Return `base` changed as the override `data` says, looser or not.

    For proposals only (`tactful.policy.pack_diff` and `sweep` then say what loosens):
    the document must still be well formed, with values of the right types, and an entry
    ``{id: ..., remove: true}`` removes a rule. The gate never runs a pack merged here;
    it loads overrides through `apply_override`.
    """
    return _merged(base, data, source, _changed_rule)


def _merged(
    base: PackSpec,
    data: object,
    source: str,
    change: Callable[[RuleSpec, Mapping[str, Any], str], RuleSpec | None],
) -> PackSpec:
    if not isinstance(data, dict):
        raise PackError(source, "an override must be a mapping with pack and rules")
    unknown = sorted(str(key) for key in data if key not in _OVERRIDE_KEYS)
    if unknown:
        raise PackError(
            source, "is not an override field (expected: pack, name, rules)", field=unknown[0]
        )
    if data.get("pack") != base.name:
        raise PackError(source, f"must name the pack it overrides ({base.name!r})", field="pack")
    entries = data.get("rules")
    if not isinstance(entries, list) or not entries:
        raise PackError(source, "must be a non-empty list of rules", field="rules")
    rules: dict[str, RuleSpec | None] = {rule.id: rule for rule in base.rules}
    added: list[RuleSpec] = []
    changed: set[str] = set()
    for index, entry in enumerate(entries):
        if isinstance(entry, dict) and entry.get("id") in rules:
            rule_id = str(entry["id"])
            current = rules[rule_id]
            if rule_id in changed or current is None:
                raise PackError(source, "is changed twice", rule=rule_id, field="id")
            changed.add(rule_id)
            rules[rule_id] = change(current, entry, source)
        else:
            added.append(read_rule(entry, source, index))
    merged = (*(rule for rule in rules.values() if rule is not None), *added)
    check_rule_set(merged, source)
    return replace(base, version=_version(base.version, data), rules=merged, source=source)


def _changed_rule(rule: RuleSpec, entry: Mapping[str, Any], source: str) -> RuleSpec | None:
    """Return `rule` changed as `entry` says, whichever way; None when it is removed."""
    if entry.get("remove") is True and set(entry) == {"id", "remove"}:
        return None
    other = sorted(str(key) for key in entry if key not in _CHANGE_KEYS)
    if other:
        raise PackError(
            source,
            "a rule of the pack may change only parameters and applies_to, "
            "or be removed with remove: true alone",
            rule=rule.id,
            field=other[0],
        )
    raw = entry.get("parameters", {})
    if not isinstance(raw, dict):
        raise PackError(source, "must be a mapping", rule=rule.id, field="parameters")
    merged = {**rule.parameters, **read_parameters(raw, rule.kind, source, rule.id, complete=False)}
    check_window_order(merged, source, rule.id)
    raw_scope = entry.get("applies_to", {})
    new = read_scope(raw_scope, source, rule.id)
    assert isinstance(raw_scope, dict)
    scope = Scope(
        **{
            key: new.get(key) if key in raw_scope else rule.applies_to.get(key)
            for key in SCOPE_KEYS
        }
    )
    changed = replace(rule, parameters=merged, applies_to=scope)
    check_messages(changed, source)
    return changed


def tighten_rule(rule: RuleSpec, entry: Mapping[str, Any], source: str) -> RuleSpec:
    """Return `rule` changed as `entry` says, refusing any change that loosens it."""
    removal = sorted(key for key in entry if key in _REMOVAL_KEYS)
    if removal:
        raise PackError(
            source,
            "an override may not remove or disable a rule (that would loosen the pack)",
            rule=rule.id,
            field=removal[0],
        )
    other = sorted(str(key) for key in entry if key not in _CHANGE_KEYS)
    if other:
        raise PackError(
            source,
            "an override may change only parameters and applies_to; add a new rule instead",
            rule=rule.id,
            field=other[0],
        )
    parameters = _tighter_parameters(rule, entry.get("parameters", {}), source)
    scope = _wider_scope(rule, entry.get("applies_to", {}), source)
    tightened = replace(rule, parameters=parameters, applies_to=scope)
    check_messages(tightened, source)
    return tightened


def _tighter_parameters(rule: RuleSpec, raw: object, source: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise PackError(source, "must be a mapping", rule=rule.id, field="parameters")
    new = read_parameters(raw, rule.kind, source, rule.id, complete=False)
    params = KINDS[rule.kind].params
    for name, value in new.items():
        param, old = params[name], rule.parameters[name]
        if not param.stricter(old, value):
            raise PackError(
                source,
                f"loosens the rule: {param.show(old)} -> {param.show(value)} "
                f"({param.direction}; an override may only make a pack stricter)",
                rule=rule.id,
                field=f"parameters.{name}",
            )
    merged = {**rule.parameters, **new}
    # A start moved later and an end moved earlier may cross.
    check_window_order(merged, source, rule.id)
    return merged


def _wider_scope(rule: RuleSpec, raw: object, source: str) -> Scope:
    new = read_scope(raw, source, rule.id)
    assert isinstance(raw, dict)
    for key in SCOPE_KEYS:
        if key not in raw:
            continue
        dropped = rule.applies_to.get(key) - new.get(key)
        if dropped:
            raise PackError(
                source,
                f"loosens the rule: it would no longer apply to {', '.join(sorted(dropped))} "
                "(an override may only widen where a rule applies)",
                rule=rule.id,
                field=f"applies_to.{key}",
            )
    values = {key: new.get(key) if key in raw else rule.applies_to.get(key) for key in SCOPE_KEYS}
    return Scope(**values)


def _version(base_version: str, data: Mapping[str, Any]) -> str:
    label = data.get("name")
    if not isinstance(label, str) or not label.strip():
        label = "override-" + override_digest(data)[:10]
    return f"{base_version}+{label.strip()}"
