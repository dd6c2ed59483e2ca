"""``manage.py audit_checkpoint``: sign the chain head and store it outside the database."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from tactful.audit.checkpoints import write_checkpoint


class Command(BaseCommand):
    help = (
        "Sign the audit chain's head (Ed25519) and store the checkpoint in "
        "AUDIT_CHECKPOINT_DIR; the scheduler runs it every hour."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        checkpoint = write_checkpoint(now=timezone.now())
        if checkpoint is None:
            self.stdout.write("the audit chain is empty: nothing to vouch for yet")
            return
        self.stdout.write(
            f"checkpoint {checkpoint.name}: event {checkpoint.sequence} has hash "
            f"{checkpoint.hash[:16]}…"
        )
