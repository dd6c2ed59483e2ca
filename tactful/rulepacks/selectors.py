"""How anyone reads rule-pack proposals, and the pack the gate decides under.

`gate_pack()` is on the gate's hot path (every permit and every button of the account
page asks it), so it answers from memory: the pack in force is looked up at most every
`RECHECK_SECONDS`, and again at once when the next approved change takes effect.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any
from uuid import UUID

import yaml
from django.conf import settings
from django.db.models import QuerySet

from tactful.policy import CompiledPack, PackError, load_pack
from tactful.policy.overrides import override_digest
from tactful.rulepacks.models import PackApproval, PackProposal

# How long a process trusts its answer before asking the database again: how late a
# change approved in another process may reach this one.
RECHECK_SECONDS = 5.0


@dataclass(frozen=True)
class OverrideInForce:
    """An approved override in force: its proposal, document and digest."""

    reference: UUID
    data: dict[str, Any]
    digest: str
    effective_at: datetime


def all_proposals(*, pack: str) -> QuerySet[PackProposal]:
    """Return the proposals for `pack`, newest first, with their approvals."""
    return (
        PackProposal.objects.filter(pack=pack)
        .select_related("proposed_by", "approval", "approval__approved_by")
        .order_by("-proposed_at", "-pk")
    )


def proposal_by_reference(reference: UUID) -> PackProposal | None:
    """Return the proposal with this reference, or None."""
    return (
        PackProposal.objects.select_related("proposed_by", "approval", "approval__approved_by")
        .filter(reference=reference)
        .first()
    )


def approval_in_force(*, pack: str, at: datetime) -> PackApproval | None:
    """Return the approval whose override is in force for `pack` at `at`, or None."""
    return (
        PackApproval.objects.select_related("proposal")
        .filter(proposal__pack=pack, effective_at__lte=at)
        .order_by("-effective_at", "-approved_at", "-pk")
        .first()
    )


def pending_approval(*, pack: str, at: datetime) -> PackApproval | None:
    """Return an approval of `pack` that takes effect after `at`, or None."""
    return (
        PackApproval.objects.filter(proposal__pack=pack, effective_at__gt=at)
        .order_by("effective_at")
        .first()
    )


def override_in_force(*, pack: str, at: datetime) -> OverrideInForce | None:
    """Return the approved override in force for `pack` at `at`, or None.

    Its text is read again and must still have the digest it was approved with: an
    override changed behind the services' back is refused (PackError), never used.
    """
    approval = approval_in_force(pack=pack, at=at)
    if approval is None:
        return None
    proposal = approval.proposal
    data = approved_document(proposal.override_text, proposal.override_digest)
    return OverrideInForce(
        proposal.reference, data, proposal.override_digest, approval.effective_at
    )


def approved_document(text: str, digest: str) -> dict[str, Any]:
    """Return the override document `text`, refusing it unless it has `digest`."""
    return dict(_document(text, digest))


@lru_cache(maxsize=16)
def _document(text: str, digest: str) -> tuple[tuple[str, Any], ...]:
    data = yaml.safe_load(text)
    if not isinstance(data, dict) or override_digest(data) != digest:
        raise PackError("approved override", "its content is not that of the approved proposal")
    return tuple(data.items())


def pack_in_force(*, at: datetime) -> CompiledPack:
    """Return the gate's pack at `at`: GATE_PACK with the approved override in force then,
    else with GATE_PACK_OVERRIDE (read from the database now, past any memory)."""
    return _looked_up(at).pack


@dataclass(frozen=True)
class _Remembered:
    key: tuple[str, str | None]
    pack: CompiledPack
    fresh_until: float
    # The pack holds for instants in [since, next_change): decisions may be asked about
    # any instant, not only the present.
    since: datetime | None
    next_change: datetime | None


_remembered: _Remembered | None = None
_lock = threading.Lock()


def gate_pack(now: datetime) -> CompiledPack:
    """Return the pack in force at `now`, from memory while nothing can have changed."""
    global _remembered
    key = (settings.GATE_PACK, settings.GATE_PACK_OVERRIDE)
    known = _remembered
    if (
        known is not None
        and known.key == key
        and time.monotonic() < known.fresh_until
        and (known.since is None or now >= known.since)
        and (known.next_change is None or now < known.next_change)
    ):
        return known.pack
    looked_up = _looked_up(now)
    with _lock:
        _remembered = looked_up
    return looked_up.pack


def _looked_up(at: datetime) -> _Remembered:
    found = override_in_force(pack=settings.GATE_PACK, at=at)
    if found is not None:
        pack = load_pack(settings.GATE_PACK, override=found.data)
    else:
        pack = load_pack(settings.GATE_PACK, override=settings.GATE_PACK_OVERRIDE)
    upcoming = pending_approval(pack=settings.GATE_PACK, at=at)
    return _Remembered(
        (settings.GATE_PACK, settings.GATE_PACK_OVERRIDE),
        pack,
        time.monotonic() + RECHECK_SECONDS,
        found.effective_at if found is not None else None,
        upcoming.effective_at if upcoming is not None else None,
    )


def forget_gate_pack() -> None:
    """Drop the remembered pack: the next `gate_pack` call asks the database."""
    global _remembered
    with _lock:
        _remembered = None
