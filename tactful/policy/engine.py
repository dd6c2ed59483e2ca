"""``decide()``: the contact gate's verdict on one attempt.

Pure: the caller passes the attempt, the facts, the current instant and a compiled pack.
Every rule that governs the attempt is evaluated and every violation reported; a missing
fact denies with ``data_gap`` before anything else is looked at (the gate fails closed).
"""

from __future__ import annotations

from datetime import UTC, datetime

from tactful.policy.content import DEFAULT_CHECKER, ContentChecker
from tactful.policy.localtime import zone_named
from tactful.policy.next_allowed import next_allowed_at
from tactful.policy.packs import CompiledPack
from tactful.policy.rules import Situation
from tactful.policy.types import (
    TIMED_CATEGORIES,
    Attempt,
    Category,
    Decision,
    Facts,
    Language,
    Reason,
)


def decide(
    attempt: Attempt,
    facts: Facts,
    now: datetime,
    pack: CompiledPack,
    *,
    language: Language = "en",
    content_checker: ContentChecker = DEFAULT_CHECKER,
) -> Decision:
    """Decide whether `attempt` may happen at `now` under `pack`, and explain why not.

    `now` must be timezone-aware. Reasons come in `language`; categories are sorted.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    zone = zone_named(attempt.recipient_timezone) if attempt.recipient_timezone else None
    gaps = missing_facts(attempt, facts, zone_known=zone is not None)
    if gaps:
        reasons = tuple(pack.fail_closed.gap_reason(gap, language) for gap in gaps)
        return Decision("deny", reasons, ("data_gap",), None, pack.name, pack.version, pack.digest)
    assert zone is not None
    situation = Situation(attempt, facts, now.astimezone(UTC), zone, content_checker)
    route = pack.route(attempt.channel, attempt.recipient_role, attempt.purpose)
    broken = [rule for rule, always in route.rules if always or rule.violated(situation)]
    if not broken:
        return Decision("allow", (), (), None, pack.name, pack.version, pack.digest)
    reasons = tuple(rule.reasons[language] for rule in broken)
    categories = _categories(reasons)
    later = None
    if TIMED_CATEGORIES.issuperset(categories):
        later = next_allowed_at(situation, route.window, route.counts)
    return Decision("deny", reasons, categories, later, pack.name, pack.version, pack.digest)


def missing_facts(attempt: Attempt, facts: Facts, *, zone_known: bool) -> list[str]:
    """Return the facts this attempt needs but lacks; any one of them is a data gap."""
    gaps = list(facts.malformed)
    if not zone_known:
        gaps.append("recipient_timezone")
    if attempt.purpose == "collection" and facts.days_past_due is None:
        gaps.append("days_past_due")
    if attempt.purpose != "service":
        if attempt.collector_certified is None:
            gaps.append("collector_certified")
        gaps.extend(facts.gaps)
    # A fact both malformed and needed is named once.
    return list(dict.fromkeys(gaps))


def _categories(reasons: tuple[Reason, ...]) -> tuple[Category, ...]:
    return tuple(sorted({reason.category for reason in reasons}))
