"""``manage.py remove_demo_staff``: close every staff account holding published demo credentials."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from tactful.demo.doors import close_demo_doors


class Command(BaseCommand):
    help = (
        "Close the staff accounts that sign in with the demo's published password or TOTP "
        "keys: no usable password, no TOTP device, inactive. Their history is kept."
    )
    # The door check would stop this very command otherwise.
    requires_system_checks: list[str] = []

    def handle(self, *args: Any, **options: Any) -> None:
        closed = close_demo_doors(actor="cli:remove_demo_staff")
        if closed:
            self.stdout.write(f"closed {len(closed)} demo account(s): {', '.join(closed)}")
        else:
            self.stdout.write("no demo accounts to close")
