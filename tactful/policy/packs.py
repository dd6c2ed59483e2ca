"""Load rule packs (YAML), apply lender overrides, and compile them once.

``load_pack("cn")`` returns a `CompiledPack`: plain Python objects, with the rules that
govern each (channel, role, purpose) worked out in advance. Compiled packs are cached by
name and override digest, so loading the same pack again costs a dictionary lookup.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from itertools import product
from pathlib import Path
from typing import Any

import yaml

from tactful.policy.next_allowed import Window
from tactful.policy.overrides import apply_override, override_digest
from tactful.policy.pack_digests import SHIPPED, content_digest, spec_digest
from tactful.policy.rules import (
    CompiledRule,
    CountRule,
    FailClosedRule,
    TimeWindowRule,
    UnreachableRequiredRule,
    compile_rule,
)
from tactful.policy.schema import PackError, PackSpec, UnknownPack, read_pack
from tactful.policy.types import CHANNELS, PURPOSES, RECIPIENT_ROLES

PACK_DIRECTORY = Path(__file__).parent / "packs"
Override = str | Path | Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Route:
    """The rules that govern one (channel, role, purpose), in pack order.

    ``rules`` pairs each rule with True when it is broken whatever the facts (a denied
    role, say); rules that pass whatever the facts are left out. ``windows`` and
    ``counts`` are the timed rules that next_allowed_at must satisfy; ``window`` is the
    intersection of ``windows`` (None: it never opens).
    """

    rules: tuple[tuple[CompiledRule, bool], ...]
    windows: tuple[TimeWindowRule, ...]
    counts: tuple[CountRule, ...]
    window: Window | None


@dataclass(frozen=True)
class CompiledPack:
    """A pack ready for ``decide()``."""

    name: str
    version: str
    jurisdiction: str
    title: str
    spec: PackSpec
    rules: tuple[CompiledRule, ...]
    fail_closed: FailClosedRule
    routes: Mapping[tuple[str, str, str], Route]
    # The SHA-256 of the rules as read (`spec_digest`): what every decision records.
    digest: str = ""

    def route(self, channel: str, role: str, purpose: str) -> Route:
        """Return the rules that govern an attempt of this channel, role and purpose."""
        return self.routes[(channel, role, purpose)]

    @property
    def unreachable_after_unanswered_days(self) -> int | None:
        """Return N: unanswered calls on N consecutive local days make the debtor unreachable.

        None when the pack has no contact-person trigger (the contacts app then relies on
        invalid numbers alone).
        """
        days = [
            rule.spec.parameters["unanswered_days"]
            for rule in self.rules
            if isinstance(rule, UnreachableRequiredRule)
        ]
        return max(days) if days else None


def pack_names() -> tuple[str, ...]:
    """Return the names of the packs shipped with Tactful."""
    return tuple(sorted(path.stem for path in PACK_DIRECTORY.glob("*.yaml")))


def load_pack(name: str, override: Override | None = None) -> CompiledPack:
    """Return the compiled pack `name`, tightened by `override` (a path or a mapping)."""
    if override is None:
        return _compiled(name, "", None)
    source, data = _read_override(override)
    return _compiled(name, override_digest(data), (source, data))


def read_pack_file(name: str) -> PackSpec:
    """Return the validated pack `name` as written (cached)."""
    return _read_pack_file(name)


def reread_pack_file(name: str) -> PackSpec:
    """Read and validate the pack `name` from disk again, past the cache: a file changed
    under a running process is noticed (readiness probes)."""
    return _pack_from_disk(name)


@lru_cache(maxsize=64)
def _read_pack_file(name: str) -> PackSpec:
    return _pack_from_disk(name)


def _pack_from_disk(name: str) -> PackSpec:
    if name not in pack_names():
        raise UnknownPack(f"{name}.yaml", f"no such pack; known packs: {', '.join(pack_names())}")
    path = PACK_DIRECTORY / f"{name}.yaml"
    text = path.read_text(encoding="utf-8")
    if content_digest(text) != SHIPPED.get(name):
        raise PackError(
            path.name,
            "its content is not that of the pack Tactful ships (tactful/policy/pack_digests.py): "
            "a pack changes only with a release; tighten it with GATE_PACK_OVERRIDE instead",
        )
    spec = read_pack(_parse_yaml(text, path.name), path.name)
    if spec.name != name:
        raise PackError(
            path.name, f"says pack {spec.name!r}; the file name says {name!r}", field="pack"
        )
    return spec


_compiled_packs: dict[tuple[str, str], CompiledPack] = {}


def _compiled(name: str, digest: str, override: tuple[str, object] | None) -> CompiledPack:
    key = (name, digest)
    found = _compiled_packs.get(key)
    if found is None:
        spec = read_pack_file(name)
        if override is not None:
            spec = apply_override(spec, override[1], override[0])
        found = compile_pack(spec)
        _compiled_packs[key] = found
    return found


def compile_pack(spec: PackSpec) -> CompiledPack:
    """Compile a validated pack into rule objects and per-attempt routes."""
    rules = tuple(compile_rule(rule) for rule in spec.rules)
    fail_closed = next(rule for rule in rules if isinstance(rule, FailClosedRule))
    routes: dict[tuple[str, str, str], Route] = {
        key: _route(rules, *key) for key in product(CHANNELS, RECIPIENT_ROLES, PURPOSES)
    }
    return CompiledPack(
        name=spec.name,
        version=spec.version,
        jurisdiction=spec.jurisdiction,
        title=spec.title,
        spec=spec,
        rules=rules,
        fail_closed=fail_closed,
        routes=routes,
        digest=spec_digest(spec),
    )


def _route(rules: tuple[CompiledRule, ...], channel: str, role: str, purpose: str) -> Route:
    governing = [rule for rule in rules if rule.applies(channel, role, purpose)]
    static = {rule.id: rule.static(channel, role, purpose) for rule in governing}
    windows = tuple(rule for rule in governing if isinstance(rule, TimeWindowRule))
    return Route(
        rules=tuple(
            (rule, static[rule.id] is True) for rule in governing if static[rule.id] is not False
        ),
        windows=windows,
        counts=tuple(rule for rule in governing if isinstance(rule, CountRule)),
        window=Window.of(windows),
    )


def _read_override(override: Override) -> tuple[str, object]:
    if isinstance(override, Mapping):
        return "<override>", dict(override)
    path = Path(override)
    try:
        status = path.stat()
    except OSError as error:
        raise PackError(path.name, f"cannot be read: {error.strerror}") from None
    # Keyed on size and modification time: a changed file is read again, an unchanged
    # one is not read on every decision.
    return path.name, _override_file(str(path.resolve()), status.st_mtime_ns, status.st_size)


@lru_cache(maxsize=32)
def _override_file(path: str, mtime_ns: int, size: int) -> object:
    source = Path(path)
    try:
        text = source.read_text(encoding="utf-8")
    except OSError as error:
        raise PackError(source.name, f"cannot be read: {error.strerror}") from None
    return _parse_yaml(text, source.name)


def _parse_yaml(text: str, source: str) -> object:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise PackError(source, f"is not valid YAML: {error}") from None
