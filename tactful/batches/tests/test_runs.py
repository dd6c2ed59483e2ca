"""Batch runs: chunks shared out by lease, done once, finished once, picked up after a crash."""

from __future__ import annotations

import gc
from datetime import timedelta

import pytest
from django.utils import timezone

from tactful.audit.models import AuditEvent
from tactful.batches import selectors, services
from tactful.batches.models import BatchChunk, BatchRun
from tactful.batches.tests import jobs
from tactful.errors import InvalidInput

pytestmark = pytest.mark.django_db
JOBS = "tactful.batches.tests.jobs"


def open_test_run(items=range(1, 11), key="k", chunk_size=3):
    return services.open_run(
        job="test.count",
        key=key,
        items=lambda: list(items),
        chunk_size=chunk_size,
        chunk_function=f"{JOBS}.count_chunk",
        finish_function=f"{JOBS}.finish",
    )


def events(action: str):
    return list(AuditEvent.objects.filter(action=action).order_by("sequence"))


def test_a_run_is_cut_into_chunks_in_order() -> None:
    run, new = open_test_run()
    assert new
    assert (run.items, run.chunks) == (10, 4)
    chunks = BatchChunk.objects.filter(run=run).order_by("number")
    assert [chunk.item_ids for chunk in chunks] == [[1, 2, 3], [4, 5, 6], [7, 8, 9], [10]]


def test_opening_again_returns_the_unfinished_run_without_listing_items_again() -> None:
    first, _ = open_test_run()

    def not_again() -> list[int]:
        raise AssertionError("items listed again")

    again, new = services.open_run(
        job="test.count",
        key="k",
        items=not_again,
        chunk_size=3,
        chunk_function=f"{JOBS}.count_chunk",
        finish_function=f"{JOBS}.finish",
    )
    assert again.pk == first.pk
    assert not new
    other, new_other = open_test_run(key="other")
    assert new_other
    assert other.pk != first.pk


def test_drain_does_every_chunk_once_and_finishes_once_with_the_totals() -> None:
    run, _ = open_test_run()
    seen: list[tuple[int, int]] = []
    assert services.drain(run, progress=lambda done, total: seen.append((done, total))) == 4
    assert seen == [(1, 4), (2, 4), (3, 4), (4, 4)]
    assert len(events("test.chunk_done")) == 4
    [finished] = events("test.run_finished")
    assert finished.payload == {"items": 10, "sum": 55, "amount": "12.00"}
    run.refresh_from_db()
    assert run.finished_at is not None
    assert run.totals == finished.payload
    # Draining a finished run again changes nothing.
    assert services.drain(run) == 0
    assert len(events("test.run_finished")) == 1


def test_a_new_run_of_the_same_key_opens_once_the_last_has_finished() -> None:
    run, _ = open_test_run()
    services.drain(run)
    again, new = open_test_run()
    assert new
    assert again.pk != run.pk


def test_an_empty_run_finishes_at_once() -> None:
    run, _ = open_test_run(items=[])
    assert run.chunks == 0
    assert services.drain(run) == 0
    run.refresh_from_db()
    assert run.finished_at is not None
    assert run.totals == {}


def test_a_chunk_held_by_a_live_worker_is_not_leased_but_an_old_lease_is() -> None:
    run, _ = open_test_run(items=[1, 2], chunk_size=1)
    held = services.lease_chunk(run, worker="a:1", lease=timedelta(minutes=2))
    assert held is not None
    assert held.number == 0
    assert held.tries == 1
    other = services.lease_chunk(run, worker="b:2", lease=timedelta(minutes=2))
    assert other is not None
    assert other.number == 1
    assert services.lease_chunk(run, worker="b:2", lease=timedelta(minutes=2)) is None
    # Worker a died long ago: its chunk is leased again, and counted as a second try.
    BatchChunk.objects.filter(pk=held.pk).update(leased_at=timezone.now() - timedelta(minutes=3))
    again = services.lease_chunk(run, worker="b:2", lease=timedelta(minutes=2))
    assert again is not None
    assert again.pk == held.pk
    assert again.tries == 2
    assert again.leased_by == "b:2"


def test_a_chunk_done_twice_counts_once() -> None:
    run, _ = open_test_run(items=[1], chunk_size=1)
    chunk = services.lease_chunk(run, worker="a:1", lease=timedelta(0))
    assert chunk is not None
    assert services.complete_chunk(chunk, {"items": 1})
    assert not services.complete_chunk(chunk, {"items": 1})
    assert services.counts_so_far(run) == {"items": 1}


def test_a_failing_chunk_stays_to_do_and_is_given_up_after_three_tries(monkeypatch) -> None:
    monkeypatch.setattr(jobs, "FAIL_ON", {5})
    run, _ = open_test_run()
    with pytest.raises(services.ChunksFailed) as failed:
        services.drain(run, lease=timedelta(minutes=2))
    assert isinstance(failed.value.__cause__, RuntimeError)
    # The worker went on with the other chunks; the failing one waits for its lease to age.
    assert services.chunks_done(run) == 3
    # With no lease to wait for, the next worker tries it until its tries are spent ...
    with pytest.raises(services.ChunksFailed):
        services.drain(run, lease=timedelta(0))
    assert BatchChunk.objects.get(run=run, number=1).tries == services.MAX_TRIES
    # ... and it is not leased a fourth time.
    assert services.drain(run, lease=timedelta(0)) == 0
    [progress] = selectors.recent_runs()
    assert (progress.done, progress.given_up, progress.finished_at) == (3, 1, None)
    assert not events("test.run_finished")


def test_a_run_picked_up_after_a_crash_finishes_where_it_stopped() -> None:
    run, _ = open_test_run()
    # A worker took chunk 0 and died before marking it done.
    services.lease_chunk(run, worker="dead:1", lease=timedelta(minutes=2))
    assert services.drain(run) == 3
    run.refresh_from_db()
    assert run.finished_at is None
    assert services.drain(run, lease=timedelta(0)) == 1
    run.refresh_from_db()
    assert run.finished_at is not None
    assert run.totals["items"] == 10


def test_a_chunk_size_below_one_is_refused() -> None:
    with pytest.raises(InvalidInput):
        open_test_run(chunk_size=0)
    assert not BatchRun.objects.exists()


def test_the_command_lists_runs_and_drains_them(capsys) -> None:
    from django.core.management import call_command

    run, _ = open_test_run()
    call_command("batch_runs")
    assert (
        f"{run.reference} test.count k: 0/4 chunks (10 items), unfinished"
        in capsys.readouterr().out
    )
    call_command("batch_runs", "--drain")
    out = capsys.readouterr().out
    assert "this worker did 4 chunks" in out
    assert "4/4 chunks (10 items), finished" in out


def test_the_task_drains_a_run_and_ignores_one_finished_or_unknown() -> None:
    from tactful.batches.tasks import drain_batch_run

    run, _ = open_test_run()
    assert drain_batch_run.call(str(run.reference)) == 4
    assert drain_batch_run.call(str(run.reference)) == 0
    assert drain_batch_run.call("00000000-0000-0000-0000-000000000000") == 0


def test_a_chunk_runs_with_the_cycle_collector_paused_and_it_is_back_after() -> None:
    run, _ = open_test_run(items=range(1, 3), chunk_size=1)
    seen: list[bool] = []
    calls = 0

    def work(run, item_ids):
        nonlocal calls
        calls += 1
        seen.append(gc.isenabled())
        if calls == 1:
            raise RuntimeError("the first chunk fails")
        return {"items": len(item_ids)}

    assert gc.isenabled()
    with pytest.raises(services.ChunksFailed):
        services.drain(run, work=work)
    assert seen == [False, False]
    # Back on after the chunk that failed and after the one that was done.
    assert gc.isenabled()
    # A caller that had it off finds it off.
    gc.disable()
    try:
        assert services.do_chunk_paused(lambda run, ids: {"items": 0}, run, []) == {"items": 0}
        assert not gc.isenabled()
    finally:
        gc.enable()
