"""Open a run, lease its chunks, finish it: the only write path of batch runs.

A worker drains a run: it leases the first chunk nobody holds (or whose lease is old),
does it, marks it done and asks again, until no chunk is left; then whoever sees the last
chunk done finishes the run, exactly once. Any number of workers, in any number of
processes, can drain the same run at once, and a run whose workers were killed is drained
again from where they stopped: the chunks they had not marked done are leased again once
their lease is older than the asking worker's lease length. Each chunk's work must
therefore be safe to do twice (the jobs' unique keys make it so).
"""

from __future__ import annotations

import gc
import logging
import os
import socket
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from decimal import Decimal
from itertools import islice

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string

from tactful.batches.models import BatchChunk, BatchRun
from tactful.errors import InvalidInput

logger = logging.getLogger(__name__)

# Long enough for any chunk of the jobs here (a chunk takes a second or two); a worker that
# dies holds its chunk this long at most.
DEFAULT_LEASE = timedelta(minutes=2)
# A chunk that failed this many times is not leased again: a person looks at the run.
MAX_TRIES = 3
# How many leasable chunks a worker looks at in one query before asking again.
CANDIDATES = 8

Counts = dict[str, int | str]
ChunkWork = Callable[[BatchRun, list[int]], Counts]
Progress = Callable[[int, int], None]


def worker_name() -> str:
    """Name this process the way leases record it: host and process id."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}"


def open_run(
    *,
    job: str,
    key: str,
    items: Callable[[], Sequence[int]],
    chunk_size: int,
    chunk_function: str,
    finish_function: str,
    arguments: Mapping[str, object] | None = None,
) -> tuple[BatchRun, bool]:
    """Return the unfinished run of `job` for `key`, or a new one; and whether it is new.

    `items` is called only for a new run (a run picked up again keeps its chunks). Two
    openers racing for the same key get the same run: the database allows one unfinished
    run per job and key.
    """
    if chunk_size < 1:
        raise InvalidInput({"chunk_size": "must be at least 1"})
    existing = unfinished_run(job=job, key=key)
    if existing is not None:
        return existing, False
    ids = list(items())
    try:
        with transaction.atomic():
            run = BatchRun.objects.create(
                job=job,
                key=key,
                chunk_function=chunk_function,
                finish_function=finish_function,
                arguments=dict(arguments or {}),
                items=len(ids),
                chunks=0,
                created_at=timezone.now(),
            )
            chunks = [
                BatchChunk(run=run, number=number, item_ids=chunk)
                for number, chunk in enumerate(in_chunks(ids, chunk_size))
            ]
            BatchChunk.objects.bulk_create(chunks, batch_size=1000)
            BatchRun.objects.filter(pk=run.pk).update(chunks=len(chunks))
            run.chunks = len(chunks)
    except IntegrityError:
        # Another opener created the run first: share theirs.
        return BatchRun.objects.get(job=job, key=key, finished_at__isnull=True), False
    return run, True


def unfinished_run(*, job: str, key: str) -> BatchRun | None:
    return BatchRun.objects.filter(job=job, key=key, finished_at__isnull=True).first()


def drain(
    run: BatchRun,
    *,
    work: ChunkWork | None = None,
    worker: str | None = None,
    lease: timedelta = DEFAULT_LEASE,
    progress: Progress | None = None,
) -> int:
    """Do the run's chunks until none is left to lease; finish the run if it is done.

    `work` replaces the run's own chunk function (an in-process caller with its own
    ports). Returns how many chunks this worker did. A chunk that fails is left for a
    later try and the worker goes on; at the end `ChunksFailed` says so.
    """
    do_chunk: ChunkWork = work or import_string(run.chunk_function)
    name = worker or worker_name()
    done = 0
    failed: list[Exception] = []
    while (chunk := lease_chunk(run, worker=name, lease=lease)) is not None:
        try:
            counts = do_chunk_paused(do_chunk, run, list(chunk.item_ids))
        except Exception as error:  # noqa: BLE001 - one chunk's failure must not stop the rest
            # Left leased: it is tried again once the lease is old, MAX_TRIES times in all.
            # The class only: a message may quote the data the chunk was working on.
            logger.error(
                "batch chunk failed",
                extra={"job": run.job, "chunk": chunk.number, "error": type(error).__name__},
            )
            failed.append(error)
            continue
        complete_chunk(chunk, counts)
        done += 1
        if progress is not None:
            progress(chunks_done(run), run.chunks)
    finish_if_done(run)
    if failed:
        raise ChunksFailed(run.job, len(failed)) from failed[0]
    return done


def do_chunk_paused(work: ChunkWork, run: BatchRun, item_ids: list[int]) -> Counts:
    """Do one chunk's work with Python's cycle collector paused.

    A chunk builds tens of thousands of small objects that live until it ends (a plan
    chunk: 24,000 installments as values, then the rows). Each few hundred of them
    wake the collector, which then walks every object the worker holds (Django,
    the models, the arrays): a third of a plan chunk's CPU went on it (docs/capacity.md).
    Nearly all of a chunk's objects are freed by their reference counts when it ends;
    the few cycles left are collected as usual once the collector runs again.
    """
    with _collector_paused():
        return work(run, item_ids)


@contextmanager
def _collector_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class ChunksFailed(Exception):
    """Some chunks failed in this worker; the others were done. The first error is chained."""

    def __init__(self, job: str, count: int) -> None:
        super().__init__(f"{count} chunk(s) of {job} failed")


def lease_chunk(run: BatchRun, *, worker: str, lease: timedelta) -> BatchChunk | None:
    """Lease the first chunk nobody holds to `worker`; None when none is left to lease.

    Each lease is one conditional update, so two workers asking at once never both get a
    chunk, on PostgreSQL and SQLite alike.
    """
    while True:
        now = timezone.now()
        free = _leasable(now - lease)
        candidates = list(
            BatchChunk.objects.filter(free, run=run)
            .order_by("number")[:CANDIDATES]
            .values_list("pk", flat=True)
        )
        if not candidates:
            return None
        for pk in candidates:
            taken = BatchChunk.objects.filter(free, pk=pk).update(
                leased_at=now, leased_by=worker, tries=F("tries") + 1
            )
            if taken:
                return BatchChunk.objects.get(pk=pk)


def _leasable(leased_before: datetime) -> Q:
    not_held = Q(leased_at__isnull=True) | Q(leased_at__lte=leased_before)
    return Q(done_at__isnull=True, tries__lt=MAX_TRIES) & not_held


def complete_chunk(chunk: BatchChunk, counts: Counts) -> bool:
    """Mark the chunk done with its counts; False if another worker did it first."""
    marked = BatchChunk.objects.filter(pk=chunk.pk, done_at__isnull=True).update(
        done_at=timezone.now(), counts=counts
    )
    return bool(marked)


def chunks_done(run: BatchRun) -> int:
    return BatchChunk.objects.filter(run=run, done_at__isnull=False).count()


def counts_so_far(run: BatchRun) -> Counts:
    """Add up the counts of the run's chunks done so far."""
    return add_counts(
        list(
            BatchChunk.objects.filter(run=run, done_at__isnull=False).values_list(
                "counts", flat=True
            )
        )
    )


def finish_if_done(run: BatchRun) -> bool:
    """Finish the run if every chunk is done: add up the counts, call its finish function.

    The finish function runs in the same transaction as the update that marks the run
    finished, and only for the worker whose update found it unfinished: exactly once.
    """
    if BatchChunk.objects.filter(run=run, done_at__isnull=True).exists():
        return False
    totals = add_counts(BatchChunk.objects.filter(run=run).values_list("counts", flat=True))
    with transaction.atomic():
        marked = BatchRun.objects.filter(pk=run.pk, finished_at__isnull=True).update(
            finished_at=timezone.now(), totals=totals
        )
        if not marked:
            return False
        run.refresh_from_db()
        import_string(run.finish_function)(run, totals)
    logger.info("batch run finished", extra={"job": run.job, "chunks": run.chunks})
    return True


def add_counts(rows: Iterable[Counts]) -> Counts:
    """Add the chunks' counts: whole numbers as numbers, amounts (text) as decimals."""
    numbers: dict[str, int] = {}
    amounts: dict[str, Decimal] = {}
    for counts in rows:
        for name, value in counts.items():
            if isinstance(value, int):
                numbers[name] = numbers.get(name, 0) + value
            else:
                amounts[name] = amounts.get(name, Decimal(0)) + Decimal(value)
    totals: Counts = dict(numbers)
    totals.update({name: str(amount) for name, amount in amounts.items()})
    return totals


def in_chunks(ids: Iterable[int], size: int) -> Iterator[list[int]]:
    """Yield `ids` in lists of `size` (the last may be shorter), in the order given."""
    iterator = iter(ids)
    while chunk := list(islice(iterator, size)):
        yield chunk
