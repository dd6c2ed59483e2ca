"""Run the daily auto-debit in a process of its own and kill it with SIGKILL mid-run.

Usage: python -m tactful.repayment.tests.crash_runner DB_NAME JOURNAL AS_OF KILL_AFTER

The fake processor journals each charge to JOURNAL (as a real processor keeps it on its
servers) and then the process kills itself, before the run can record the charge: the
worst moment for a crash. The test then runs again in its own process.
"""

from __future__ import annotations

import os
import signal
import sys
from datetime import date
from pathlib import Path


def main(db_name: str, journal: str, as_of: str, kill_after: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tactful.settings")
    from django.conf import settings

    # The test's database, which the parent test process has committed its data to.
    settings.DATABASES["default"]["NAME"] = db_name
    import django

    django.setup()
    from tactful.repayment.payments import ChargeRequest, FakeProcessor
    from tactful.repayment.services import run_auto_debits

    charged: list[str] = []

    def die_after_some(request: ChargeRequest) -> None:
        charged.append(request.idempotency_key)
        if len(charged) >= kill_after:
            os.kill(os.getpid(), signal.SIGKILL)

    processor = FakeProcessor(journal=Path(journal), after_charge=die_after_some)
    run_auto_debits(as_of=date.fromisoformat(as_of), port=processor, chunk_size=2)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]))
