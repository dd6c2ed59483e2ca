"""The task that lets a `db_worker` share a run's chunks with the process that opened it."""

from __future__ import annotations

from django_tasks import task

from tactful.batches import selectors, services


@task()
def drain_batch_run(reference: str) -> int:
    """Do chunks of the run `reference` until none is left; return how many this worker did."""
    run = selectors.run_by_reference(reference)
    if run is None or run.finished_at is not None:
        return 0
    return services.drain(run)


def enqueue_helpers(run_reference: str, helpers: int) -> None:
    """Ask `helpers` task workers to share the run (the immediate backend runs them at once)."""
    for _ in range(helpers):
        drain_batch_run.enqueue(run_reference)
