"""Proposed changes to the gate's rule pack, and the approvals that put them in force.

Both are append-only. A proposal is an override document (the shipped pack tightened),
kept with what the never-loosens check found when it was made; a proposal that loosens
is never approved. An approval by a second compliance officer names the moment the
override takes effect; the override in force at any instant is that of the latest
approval effective by then.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tactful.audit.models import AppendOnlyModel


class Direction(models.TextChoices):
    SAME = "same", _("No change")
    TIGHTER = "tighter", _("Tighter")
    LOOSER = "looser", _("Looser")


class PackProposal(AppendOnlyModel):
    """An override of a shipped pack, proposed by a compliance officer and checked then."""

    reference = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    pack = models.CharField(max_length=32)
    # The override as the officer wrote it (YAML), and the digest it is loaded by.
    override_text = models.TextField()
    override_digest = models.CharField(max_length=64)
    # The SHA-256 of the rules of the pack in force when proposed (what it was checked
    # against) and of the proposed pack: what decisions will record once it is in force.
    against_digest = models.CharField(max_length=64)
    proposed_digest = models.CharField(max_length=64)
    direction = models.CharField(max_length=8, choices=Direction.choices)
    # tactful.policy.pack_diff, rule by rule; tactful.policy.sweep's report.
    diff = models.JSONField()
    sweep = models.JSONField()
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="pack_proposals"
    )
    proposed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("rule-pack proposal")
        verbose_name_plural = _("rule-pack proposals")

    def __str__(self) -> str:
        return f"{self.pack} proposal {self.reference}"

    @property
    def loosens(self) -> bool:
        """Return True when the diff or the sweep found something the proposal would allow
        that the pack in force denies."""
        return self.direction == Direction.LOOSER or bool(self.sweep.get("loosened"))


class PackApproval(AppendOnlyModel):
    """A second compliance officer approved a proposal, to take effect at `effective_at`."""

    proposal = models.OneToOneField(PackProposal, on_delete=models.PROTECT, related_name="approval")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="pack_approvals"
    )
    approved_at = models.DateTimeField()
    effective_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("rule-pack approval")
        verbose_name_plural = _("rule-pack approvals")

    def __str__(self) -> str:
        return f"approval of {self.proposal_id}"
