"""A job for the tests: each chunk writes one audit event; the finish writes the totals."""

from __future__ import annotations

from tactful.audit.services import record_event
from tactful.batches.models import BatchRun
from tactful.batches.services import Counts

FAIL_ON: set[int] = set()


def count_chunk(run: BatchRun, items: list[int]) -> Counts:
    if FAIL_ON & set(items):
        raise RuntimeError("this chunk fails")
    record_event(
        actor="test",
        action="test.chunk_done",
        target=("test.run", str(run.reference)),
        payload={"items": items},
    )
    return {"items": len(items), "sum": sum(items), "amount": f"{len(items)}.50"}


def finish(run: BatchRun, totals: Counts) -> None:
    record_event(
        actor="test",
        action="test.run_finished",
        target=("test.run", str(run.reference)),
        payload=dict(totals),
    )
