"""The schema of rule packs: what a pack file may say, read into plain values.

A pack is YAML data. Each rule has a ``kind`` that fixes its ``category`` and the
parameters it takes; every parameter knows how to read itself and which direction is
stricter, which is what lets a lender override tighten a pack but never loosen it.
Errors name the file, the rule id and the field.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import holidays

from tactful.policy.types import (
    CATEGORIES,
    CHANNELS,
    CONTENT_FINDINGS,
    LANGUAGES,
    MESSAGE_LANGUAGES,
    OUTCOMES,
    PURPOSES,
    RECIPIENT_ROLES,
    Category,
    MessageLanguage,
)
from tactful.time_zones import is_iana_zone

CONFIDENCES = ("H", "M", "L")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SCOPE_KEYS: dict[str, tuple[str, ...]] = {
    "channels": CHANNELS,
    "roles": RECIPIENT_ROLES,
    "purposes": PURPOSES,
}
_RULE_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
_CLOCK = re.compile(r"^([01]\d|2[0-4]):([0-5]\d)$")
_RULE_KEYS = frozenset(
    {"id", "kind", "category", "applies_to", "parameters", "citation", "confidence", "messages"}
)
_PACK_KEYS = frozenset(
    {"pack", "version", "jurisdiction", "title", "time_zone", "records", "rules"}
)
_RECORD_KEYS = frozenset(
    {"max_emergency_contacts", "contact_must_accept", "retention_years", "retention_basis"}
)


class PackError(ValueError):
    """A pack or override that cannot be used, with where the problem is."""

    def __init__(
        self, source: str, reason: str, *, rule: str | None = None, field: str | None = None
    ) -> None:
        self.source = source
        self.rule = rule
        self.field = field
        self.reason = reason
        where = [source]
        if rule is not None:
            where.append(f"rule {rule}")
        if field is not None:
            where.append(field)
        super().__init__(": ".join([*where, reason]))


class UnknownPack(PackError):
    """A pack name with no pack file."""


@dataclass(frozen=True)
class Param:
    """One rule parameter: how to read it, show it, and compare strictness.

    ``stricter(base, new)`` is True when `new` is at least as strict as `base`.
    """

    read: Callable[[object], Any]
    stricter: Callable[[Any, Any], bool]
    direction: str
    show: Callable[[Any], str] = str
    # The value a rule that leaves this parameter out gets: only for parameters added
    # after packs were written, and always the strictest value (so absence never loosens).
    default: Any = None


@dataclass(frozen=True)
class Kind:
    """A kind of rule: the category its violations carry and the parameters it takes."""

    category: Category
    params: Mapping[str, Param] = field(default_factory=dict)


@dataclass(frozen=True)
class Scope:
    """The attempts a rule applies to; an empty ``applies_to`` means all of them."""

    channels: frozenset[str] = frozenset(CHANNELS)
    roles: frozenset[str] = frozenset(RECIPIENT_ROLES)
    purposes: frozenset[str] = frozenset(PURPOSES)

    def get(self, key: str) -> frozenset[str]:
        """Return the values listed under `key` (channels, roles or purposes)."""
        found: frozenset[str] = getattr(self, key)
        return found


@dataclass(frozen=True)
class RuleSpec:
    """A rule as written in a pack, validated; parameter values are already read."""

    id: str
    kind: str
    category: Category
    applies_to: Scope
    parameters: Mapping[str, Any]
    citation: str
    confidence: str
    messages: Mapping[MessageLanguage, str]

    def shown_parameters(self) -> dict[str, str]:
        """Return the parameters as people read them, for messages and documents."""
        params = KINDS[self.kind].params
        return {name: params[name].show(value) for name, value in self.parameters.items()}


@dataclass(frozen=True)
class RecordTerms:
    """What a pack asks of the records kept around its rules (not of single contacts).

    `max_emergency_contacts`: how many people a borrower may name; `contact_must_accept`:
    the named person's own acceptance is a consent the gate checks; `retention_years`: how
    long records a regulator may ask about are kept after the relationship ends, on
    `retention_basis`.
    """

    max_emergency_contacts: int
    contact_must_accept: bool
    retention_years: int
    retention_basis: str


@dataclass(frozen=True)
class PackSpec:
    """A whole pack as written, validated.

    `time_zone` is where the pack's own calendar runs (a complaint's day of receipt, its
    deadline); contacts are timed in each recipient's zone, never in this one.
    """

    name: str
    version: str
    jurisdiction: str
    title: str
    rules: tuple[RuleSpec, ...]
    source: str
    time_zone: str = "UTC"
    records: RecordTerms = field(
        default_factory=lambda: RecordTerms(2, True, 5, "Tactful default (strictest pack)")
    )


# --- parameter readers -------------------------------------------------------------


def _clock(value: object) -> int:
    """Read "HH:MM" (24:00 allowed as the end of the day) into minutes after midnight."""
    if not isinstance(value, str):
        raise ValueError('must be a quoted time "HH:MM" (unquoted 08:00 is a number in YAML)')
    match = _CLOCK.match(value)
    minutes = int(match.group(1)) * 60 + int(match.group(2)) if match else -1
    if not match or minutes > 24 * 60:
        raise ValueError('must be a time "HH:MM" between "00:00" and "24:00"')
    return minutes


def _show_clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _positive_int(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError("must be a whole number of at least 1")
    return value


def _whole_number(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError("must be a whole number of at least 0")
    return value


def _boolean(value: object) -> bool:
    if not isinstance(value, bool):
        raise ValueError("must be true or false")
    return value


def _set_of(allowed: Iterable[str], *, empty_ok: bool = True) -> Callable[[object], frozenset[str]]:
    choices = tuple(allowed)

    def read(value: object) -> frozenset[str]:
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise ValueError(f"must be a list of: {', '.join(choices)}")
        unknown = sorted(set(value) - set(choices))
        if unknown:
            raise ValueError(f"unknown value {unknown[0]!r}; expected one of {', '.join(choices)}")
        if not value and not empty_ok:
            raise ValueError("must not be empty")
        return frozenset(value)

    return read


def _weekdays(value: object) -> frozenset[int]:
    names = _set_of(WEEKDAYS, empty_ok=False)(value)
    return frozenset(WEEKDAYS.index(name) for name in names)


def _show_weekdays(days: frozenset[int]) -> str:
    return ", ".join(WEEKDAYS[day] for day in sorted(days))


def _one_of(allowed: Iterable[str]) -> Callable[[object], str]:
    choices = tuple(allowed)

    def read(value: object) -> str:
        if not isinstance(value, str) or value not in choices:
            raise ValueError(f"must be one of {', '.join(choices)}")
        return value

    return read


def _countries(value: object) -> frozenset[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError("must be a list of country codes, e.g. [ID]")
    supported = holidays.list_supported_countries()
    unknown = [code for code in value if code not in supported]
    if unknown:
        raise ValueError(f"no holiday calendar for country {unknown[0]!r}")
    return frozenset(value)


def _consent_names(value: object) -> frozenset[str]:
    if not isinstance(value, list) or not value:
        raise ValueError("must be a non-empty list of consent names")
    if not all(isinstance(item, str) and item for item in value):
        raise ValueError("every consent name must be a non-empty string")
    return frozenset(value)


def _show_set(values: frozenset[str]) -> str:
    return ", ".join(sorted(values)) or "none"


def _show_bool(value: bool) -> str:
    return "yes" if value else "no"


def _at_least(base: int, new: int) -> bool:
    return new >= base


def _at_most(base: int, new: int) -> bool:
    return new <= base


def _superset(base: frozenset[Any], new: frozenset[Any]) -> bool:
    return new >= base


def _subset(base: frozenset[Any], new: frozenset[Any]) -> bool:
    return new <= base


def _same(base: object, new: object) -> bool:
    return new == base


def _not_looser_flag(base: bool, new: bool) -> bool:
    # per_debt: counting over every debt (False) is stricter than per debt (True);
    # requested_exempt: holding requested messages to the window (False) is stricter.
    return new <= base


_START = Param(_clock, _at_least, "the start may only move later", _show_clock)
_END = Param(_clock, _at_most, "the end may only move earlier", _show_clock)
_DAYS_IN_WINDOW = Param(_positive_int, _at_least, "the window may only grow longer")
_PER_DEBT = Param(
    _boolean,
    _not_looser_flag,
    "counting per debt may only become counting over all debts",
    _show_bool,
)

KINDS: dict[str, Kind] = {
    "time_window": Kind(
        "time_window",
        {
            "start": _START,
            "end": _END,
            "weekdays": Param(_weekdays, _subset, "days may only be removed", _show_weekdays),
            "holidays": Param(_countries, _superset, "calendars may only be added", _show_set),
            "requested_exempt": Param(
                _boolean,
                _not_looser_flag,
                "the exemption of requested messages may only be withdrawn",
                _show_bool,
                default=False,
            ),
        },
    ),
    "frequency_cap": Kind(
        "frequency",
        {
            "outcomes": Param(
                _set_of(OUTCOMES, empty_ok=False),
                _superset,
                "counted outcomes may only be added",
                _show_set,
            ),
            "max": Param(_positive_int, _at_most, "the cap may only go down"),
            "days": _DAYS_IN_WINDOW,
            "per_debt": _PER_DEBT,
        },
    ),
    "cooling_off": Kind(
        "cooling_off",
        {
            "trigger_outcomes": Param(
                _set_of(OUTCOMES, empty_ok=False),
                _superset,
                "trigger outcomes may only be added",
                _show_set,
            ),
            "days": _DAYS_IN_WINDOW,
            "per_debt": _PER_DEBT,
        },
    ),
    "role_denied": Kind(
        "third_party",
        {"roles": Param(_set_of(RECIPIENT_ROLES), _superset, "roles may only be added", _show_set)},
    ),
    "purpose_allowed": Kind(
        "third_party",
        {
            "purposes": Param(
                _set_of(PURPOSES), _subset, "allowed purposes may only be removed", _show_set
            )
        },
    ),
    "unreachable_required": Kind(
        "third_party",
        {"unanswered_days": Param(_positive_int, _at_least, "the number of days may only go up")},
    ),
    "first_contact_only": Kind(
        "third_party",
        {
            "ignored_outcomes": Param(
                _set_of(OUTCOMES), _subset, "ignored outcomes may only be removed", _show_set
            )
        },
    ),
    "consent_required": Kind(
        "consent",
        {
            "consents": Param(
                _consent_names, _superset, "required consents may only be added", _show_set
            )
        },
    ),
    "opt_out": Kind("consent"),
    "hold": Kind("hold"),
    "certification": Kind("certification"),
    "account_state": Kind(
        "account_state",
        {"min_days_past_due": Param(_whole_number, _at_least, "the minimum may only go up")},
    ),
    # One rule per finding of the content checker; all of them share the category
    # `content`, and the rule (its id, citation and message) says which was found.
    "content": Kind(
        "content",
        {
            "finding": Param(
                _one_of(CONTENT_FINDINGS), _same, "a content rule answers one finding, for good"
            )
        },
    ),
    "fail_closed": Kind("data_gap"),
}
# Kinds that every pack must contain: the engine relies on them.
REQUIRED_KINDS = ("fail_closed", "hold", "opt_out", "certification", "content")


# --- reading packs and rules ---------------------------------------------------------


def read_pack(data: object, source: str) -> PackSpec:
    """Validate a parsed pack document and return it as a PackSpec."""
    if not isinstance(data, dict):
        raise PackError(source, "a pack must be a mapping with pack, version, jurisdiction, rules")
    _refuse_unknown_keys(data, _PACK_KEYS, source)
    name = _required_text(data, "pack", source)
    version = _required_text(data, "version", source)
    jurisdiction = _required_text(data, "jurisdiction", source)
    title = data.get("title", name)
    if not isinstance(title, str):
        raise PackError(source, "must be text", field="title")
    raw_rules = data.get("rules")
    if not isinstance(raw_rules, list) or not raw_rules:
        raise PackError(source, "must be a non-empty list of rules", field="rules")
    rules = tuple(read_rule(raw, source, index) for index, raw in enumerate(raw_rules))
    check_rule_set(rules, source)
    return PackSpec(
        name,
        version,
        jurisdiction,
        title,
        rules,
        source,
        time_zone=_time_zone(data, source),
        records=_records(data.get("records"), source),
    )


def _time_zone(data: Mapping[str, object], source: str) -> str:
    value = data.get("time_zone", "UTC")
    if not is_iana_zone(value):
        raise PackError(
            source, "must be an IANA time zone such as Asia/Shanghai", field="time_zone"
        )
    return value


def _records(data: object, source: str) -> RecordTerms:
    if not isinstance(data, dict):
        raise PackError(source, "must be a mapping of the record-keeping terms", field="records")
    _refuse_unknown_keys(data, _RECORD_KEYS, source)
    most, must_accept = data.get("max_emergency_contacts"), data.get("contact_must_accept")
    years, basis = data.get("retention_years"), data.get("retention_basis")
    if not isinstance(most, int) or isinstance(most, bool) or not 0 <= most <= 5:
        raise PackError(
            source, "must be a whole number from 0 to 5", field="records.max_emergency_contacts"
        )
    if not isinstance(must_accept, bool):
        raise PackError(source, "must be true or false", field="records.contact_must_accept")
    if not isinstance(years, int) or isinstance(years, bool) or not 1 <= years <= 30:
        raise PackError(
            source, "must be a whole number of years from 1 to 30", field="records.retention_years"
        )
    if not isinstance(basis, str) or not basis.strip():
        raise PackError(
            source, "must name the law behind the period", field="records.retention_basis"
        )
    return RecordTerms(most, must_accept, years, basis.strip())


def check_rule_set(rules: tuple[RuleSpec, ...], source: str) -> None:
    """Refuse duplicate rule ids, packs that lack a rule kind the engine relies on, and
    content rules that do not answer each finding of the checker exactly once."""
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            raise PackError(source, "the same rule id appears twice", rule=rule.id, field="id")
        seen.add(rule.id)
    for kind in REQUIRED_KINDS:
        if not any(rule.kind == kind for rule in rules):
            raise PackError(source, f"a pack needs a rule of kind {kind!r}", field="rules")
    check_content_findings(rules, source)


def check_content_findings(rules: tuple[RuleSpec, ...], source: str) -> None:
    """Refuse a pack whose content rules miss a finding or answer one twice: every denial
    for content must name the one rule of what was found."""
    answered: dict[str, str] = {}
    for rule in rules:
        if rule.kind != "content":
            continue
        finding = rule.parameters["finding"]
        if finding in answered:
            raise PackError(
                source,
                f"the finding {finding!r} already has a content rule ({answered[finding]})",
                rule=rule.id,
                field="parameters.finding",
            )
        answered[finding] = rule.id
    missing = [finding for finding in CONTENT_FINDINGS if finding not in answered]
    if missing:
        raise PackError(
            source,
            f"a pack needs a content rule for each finding; none for {', '.join(missing)}",
            field="rules",
        )


def read_rule(data: object, source: str, index: int) -> RuleSpec:
    """Validate one rule of a pack (the `index`-th, for messages) and return it."""
    label = f"rules[{index}]"
    if not isinstance(data, dict):
        raise PackError(source, "a rule must be a mapping", field=label)
    rule_id = data.get("id")
    if not isinstance(rule_id, str) or not _RULE_ID.match(rule_id):
        raise PackError(
            source, "needs an id of lower-case letters, digits, dots, - or _", field=f"{label}.id"
        )
    unknown = sorted(set(data) - _RULE_KEYS)
    if unknown:
        raise PackError(source, "is not a rule field", rule=rule_id, field=unknown[0])
    kind_name = data.get("kind")
    if kind_name not in KINDS:
        raise PackError(
            source, f"must be one of {', '.join(sorted(KINDS))}", rule=rule_id, field="kind"
        )
    assert isinstance(kind_name, str)
    kind = KINDS[kind_name]
    _check_category(data.get("category"), kind, kind_name, source, rule_id)
    raw_params = data.get("parameters", {})
    if not isinstance(raw_params, dict):
        raise PackError(source, "must be a mapping", rule=rule_id, field="parameters")
    parameters = read_parameters(raw_params, kind_name, source, rule_id, complete=True)
    scope = read_scope(data.get("applies_to", {}), source, rule_id)
    spec = RuleSpec(
        id=rule_id,
        kind=kind_name,
        category=kind.category,
        applies_to=scope,
        parameters=parameters,
        citation=_rule_text(data, "citation", source, rule_id),
        confidence=_confidence(data.get("confidence"), source, rule_id),
        messages=_messages(data.get("messages"), source, rule_id, content=kind_name == "content"),
    )
    check_messages(spec, source)
    return spec


def _check_category(value: object, kind: Kind, kind_name: str, source: str, rule: str) -> None:
    if value not in CATEGORIES:
        raise PackError(
            source, f"must be one of {', '.join(CATEGORIES)}", rule=rule, field="category"
        )
    if value != kind.category:
        raise PackError(
            source,
            f"a {kind_name} rule has category {kind.category!r}, not {value!r}",
            rule=rule,
            field="category",
        )


def read_parameters(
    raw: Mapping[object, object], kind_name: str, source: str, rule: str, *, complete: bool
) -> dict[str, Any]:
    """Read the parameters of a rule of `kind_name`; `complete` demands all of them."""
    params = KINDS[kind_name].params
    unknown = sorted(str(key) for key in raw if key not in params)
    if unknown:
        expected = ", ".join(params) or "none"
        raise PackError(
            source,
            f"is not a parameter of a {kind_name} rule (expected: {expected})",
            rule=rule,
            field=f"parameters.{unknown[0]}",
        )
    values: dict[str, Any] = {}
    for name, param in params.items():
        if name not in raw:
            if complete and param.default is not None:
                values[name] = param.default
                continue
            if complete:
                raise PackError(source, "is missing", rule=rule, field=f"parameters.{name}")
            continue
        try:
            values[name] = param.read(raw[name])
        except ValueError as error:
            raise PackError(source, str(error), rule=rule, field=f"parameters.{name}") from None
    check_window_order(values, source, rule)
    return values


def check_window_order(values: Mapping[str, Any], source: str, rule: str) -> None:
    """Refuse a window that does not start before it ends."""
    start, end = values.get("start"), values.get("end")
    if start is not None and end is not None and start >= end:
        raise PackError(
            source, "the window must start before it ends", rule=rule, field="parameters.end"
        )


def read_scope(raw: object, source: str, rule: str) -> Scope:
    """Read ``applies_to``: optional lists of channels, roles and purposes."""
    if not isinstance(raw, dict):
        raise PackError(source, "must be a mapping", rule=rule, field="applies_to")
    unknown = sorted(str(key) for key in raw if key not in SCOPE_KEYS)
    if unknown:
        raise PackError(
            source,
            "must be channels, roles or purposes",
            rule=rule,
            field=f"applies_to.{unknown[0]}",
        )
    values: dict[str, frozenset[str]] = {}
    for key, choices in SCOPE_KEYS.items():
        if key in raw:
            try:
                values[key] = _set_of(choices, empty_ok=False)(raw[key])
            except ValueError as error:
                raise PackError(source, str(error), rule=rule, field=f"applies_to.{key}") from None
    return Scope(**values)


def check_messages(spec: RuleSpec, source: str) -> None:
    """Refuse message templates that name parameters the rule does not have."""
    shown = spec.shown_parameters()
    for language, template in spec.messages.items():
        try:
            render_message(template, shown)
        except (KeyError, IndexError, ValueError) as error:
            raise PackError(
                source,
                f"template cannot be filled: {error}",
                rule=spec.id,
                field=f"messages.{language}",
            ) from None


def render_message(template: str, shown: Mapping[str, str]) -> str:
    """Fill `template` with the rule's parameters; ``{fact}`` is kept for the engine."""
    return template.format_map({**shown, "fact": "{fact}"})


def _messages(
    value: object, source: str, rule: str, *, content: bool
) -> dict[MessageLanguage, str]:
    """Read a rule's messages. Every rule is said in LANGUAGES; zh-Hant is optional (a reader
    of Traditional Chinese otherwise gets the simplified text converted), except in content
    rules: what was wrong with a message is written out in all three."""
    required = MESSAGE_LANGUAGES if content else LANGUAGES
    if not isinstance(value, dict):
        raise PackError(
            source, f"must map {', '.join(required)} to text", rule=rule, field="messages"
        )
    messages: dict[MessageLanguage, str] = {}
    for language in MESSAGE_LANGUAGES:
        text = value.get(language)
        if text is None and language not in required:
            continue
        if not isinstance(text, str) or not text.strip():
            raise PackError(source, "is missing or empty", rule=rule, field=f"messages.{language}")
        messages[language] = text.strip()
    extra = sorted(str(key) for key in value if key not in MESSAGE_LANGUAGES)
    if extra:
        raise PackError(
            source, "is not a supported language", rule=rule, field=f"messages.{extra[0]}"
        )
    return messages


def _confidence(value: object, source: str, rule: str) -> str:
    if value not in CONFIDENCES:
        raise PackError(source, "must be H, M or L", rule=rule, field="confidence")
    assert isinstance(value, str)
    return value


def _rule_text(data: Mapping[str, object], key: str, source: str, rule: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise PackError(source, "is missing or empty", rule=rule, field=key)
    return value.strip()


def _required_text(data: Mapping[str, object], key: str, source: str) -> str:
    value = data.get(key)
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        raise PackError(source, "is missing or empty", field=key)
    return value.strip()


def _refuse_unknown_keys(data: Mapping[object, object], known: frozenset[str], source: str) -> None:
    unknown = sorted(str(key) for key in data if key not in known)
    if unknown:
        raise PackError(
            source, f"is not a pack field (expected: {', '.join(sorted(known))})", field=unknown[0]
        )
