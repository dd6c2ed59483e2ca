"""Run the daily auto-debit, or one worker of a shared run, in a process of its own.

Usage:
    python -m tactful.repayment.tests.crash_runner DB_NAME JOURNAL AS_OF KILL_AFTER
    python -m tactful.repayment.tests.crash_runner --worker DB_NAME JOURNAL RUN KILL_AFTER

The fake processor journals each charge to JOURNAL (as a real processor keeps it on its
servers). After KILL_AFTER charges the process kills itself with SIGKILL, before the run
can record the charge: the worst moment for a crash (0: never). The first form runs the
whole day (chunks of 2); the second drains the batch run RUN as one of several workers.
The test then runs again in its own process.
"""

from __future__ import annotations

import os
import signal
import sys
from datetime import date
from pathlib import Path


def _setup(db_name: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tactful.settings")
    from django.conf import settings

    # The test's database, which the parent test process has committed its data to.
    settings.DATABASES["default"]["NAME"] = db_name
    import django

    django.setup()


def _processor(journal: str, kill_after: int):
    from tactful.repayment.payments import ChargeRequest, FakeProcessor

    charged: list[str] = []

    def die_after_some(request: ChargeRequest) -> None:
        charged.append(request.idempotency_key)
        if kill_after and len(charged) >= kill_after:
            os.kill(os.getpid(), signal.SIGKILL)

    return FakeProcessor(journal=Path(journal), after_charge=die_after_some)


def main(db_name: str, journal: str, as_of: str, kill_after: int) -> None:
    _setup(db_name)
    from tactful.repayment.services import run_auto_debits

    processor = _processor(journal, kill_after)
    run_auto_debits(as_of=date.fromisoformat(as_of), port=processor, chunk_size=2)


def worker(db_name: str, journal: str, run_reference: str, kill_after: int) -> None:
    _setup(db_name)
    from functools import partial

    from tactful.batches import selectors, services
    from tactful.repayment.services.debits import _debit_chunk

    run = selectors.run_by_reference(run_reference)
    assert run is not None
    processor = _processor(journal, kill_after)
    services.drain(run, work=partial(_debit_chunk, processor=processor))


if __name__ == "__main__":
    if sys.argv[1] == "--worker":
        worker(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
    else:
        main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]))
