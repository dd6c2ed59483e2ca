"""The only write path of rule-pack proposals: propose, then approve (four eyes).

A proposal is checked when it is made: the rule-by-rule diff against the pack in force
and the never-loosens sweep (`tactful.policy.sweep`). One that loosens anything is kept,
with the rules named, and can never be approved. Approval needs a compliance officer
other than the author, names when the override takes effect, and is refused when the
pack in force is no longer the one the proposal was checked against.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import yaml
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tactful.accounts.models import User
from tactful.accounts.roles import Role
from tactful.audit.services import record_event
from tactful.errors import Conflict, InvalidInput
from tactful.policy import PackError
from tactful.policy.overrides import apply_override, merge_override, override_digest
from tactful.policy.pack_diff import diff_packs, pack_verdict
from tactful.policy.packs import compile_pack, read_pack_file
from tactful.policy.sweep import sweep
from tactful.rulepacks import selectors
from tactful.rulepacks.models import Direction, PackApproval, PackProposal

MAX_OVERRIDE_LENGTH = 20_000
# An effective time this far in the past still reads as "now" (the form's minute).
_NOW_LENIENCY = timedelta(minutes=5)


def propose_override(*, author: User, text: str, now: datetime | None = None) -> PackProposal:
    """Record a proposed override of the gate's pack, checked against the pack in force.

    Raises InvalidInput (field ``override``) for text that is not a well-formed override.
    """
    now = now or timezone.now()
    _require_compliance(author)
    data = _read_document(text)
    base = read_pack_file(settings.GATE_PACK)
    try:
        proposed = compile_pack(merge_override(base, data, "override"))
    except PackError as error:
        raise InvalidInput({"override": str(error)}, code="override_invalid") from None
    current = selectors.pack_in_force(at=now)
    diffs = diff_packs(current.spec, proposed.spec)
    report = sweep(current, proposed)
    direction = Direction.LOOSER if not report.never_loosens else pack_verdict(diffs)
    with transaction.atomic():
        proposal = PackProposal.objects.create(
            pack=base.name,
            override_text=text,
            override_digest=override_digest(data),
            against_digest=current.digest,
            proposed_digest=proposed.digest,
            direction=direction,
            diff=[diff.to_json() for diff in diffs],
            sweep=report.to_json(),
            proposed_by=author,
            proposed_at=now,
        )
        record_event(
            actor=author.audit_actor,
            action="rulepacks.override_proposed",
            target=proposal,
            payload={
                "pack": proposal.pack,
                "override_digest": proposal.override_digest,
                "against_digest": proposal.against_digest,
                "direction": direction,
                "scenarios": report.scenarios,
                "loosened_rules": sorted(report.loosened_rules),
            },
        )
    return proposal


def approve_proposal(
    *, proposal: PackProposal, approver: User, effective_at: datetime, now: datetime | None = None
) -> PackApproval:
    """Approve `proposal` to take effect at `effective_at` (not in the past)."""
    now = now or timezone.now()
    _require_compliance(approver)
    if proposal.proposed_by_id == approver.pk:
        raise Conflict("four_eyes", "a proposal is approved by someone other than its author")
    if proposal.loosens:
        raise Conflict("proposal_loosens", "this proposal loosens the pack; it is never approved")
    if effective_at < now - _NOW_LENIENCY:
        raise InvalidInput({"effective_at": "must not be in the past"}, code="effective_in_past")
    with transaction.atomic():
        locked = PackProposal.objects.select_for_update().get(pk=proposal.pk)
        _check_still_current(locked, now)
        approval = PackApproval.objects.create(
            proposal=locked, approved_by=approver, approved_at=now, effective_at=effective_at
        )
        record_event(
            actor=approver.audit_actor,
            action="rulepacks.override_approved",
            target=locked,
            payload={
                "pack": locked.pack,
                "override_digest": locked.override_digest,
                "proposed_digest": locked.proposed_digest,
                "effective_at": effective_at.isoformat(),
            },
        )
        transaction.on_commit(selectors.forget_gate_pack)
    # This process's gate asks again at once (others within RECHECK_SECONDS).
    selectors.forget_gate_pack()
    return approval


def _check_still_current(proposal: PackProposal, now: datetime) -> None:
    if PackApproval.objects.filter(proposal=proposal).exists():
        raise Conflict("already_approved", "this proposal is approved already")
    if selectors.pending_approval(pack=proposal.pack, at=now) is not None:
        raise Conflict("change_pending", "another approved change has yet to take effect")
    in_force = selectors.pack_in_force(at=now)
    if in_force.digest != proposal.against_digest:
        raise Conflict("proposal_stale", "the pack in force changed since this was proposed")
    # The gate loads overrides strictly: what is approved must load there.
    try:
        apply_override(read_pack_file(proposal.pack), _document(proposal), "override")
    except PackError as error:
        raise Conflict("proposal_loosens", str(error)) from None


def _document(proposal: PackProposal) -> dict[str, object]:
    return selectors.approved_document(proposal.override_text, proposal.override_digest)


def _read_document(text: str) -> object:
    if not text.strip():
        raise InvalidInput({"override": "is empty"}, code="override_invalid")
    if len(text) > MAX_OVERRIDE_LENGTH:
        raise InvalidInput({"override": "is too long"}, code="override_invalid")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise InvalidInput(
            {"override": f"is not valid YAML: {error}"}, code="override_not_yaml"
        ) from None
    return data


def _require_compliance(user: User) -> None:
    if not user.has_role(Role.COMPLIANCE):
        raise Conflict("not_compliance", "only a compliance officer proposes or approves packs")
