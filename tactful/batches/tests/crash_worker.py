"""Drain a batch run in a process of its own and kill it with SIGKILL after a chunk's work
is stored but before the chunk is marked done: the worst moment for a crash.

Usage: python -m tactful.batches.tests.crash_worker DB_NAME RUN KILL_AT_CHUNK

KILL_AT_CHUNK: the process dies as it is about to mark its Nth chunk done (0: never).
"""

from __future__ import annotations

import os
import signal
import sys


def main(db_name: str, reference: str, kill_at: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tactful.settings")
    from django.conf import settings

    # The test's database, which the parent test process has committed its data to.
    settings.DATABASES["default"]["NAME"] = db_name
    import django

    django.setup()
    from tactful.batches import selectors, services

    completed = services.complete_chunk
    marked: list[int] = []

    def die_before_the_nth(chunk, counts):
        marked.append(chunk.number)
        if kill_at and len(marked) >= kill_at:
            os.kill(os.getpid(), signal.SIGKILL)
        return completed(chunk, counts)

    services.complete_chunk = die_before_the_nth
    run = selectors.run_by_reference(reference)
    assert run is not None
    services.drain(run)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
