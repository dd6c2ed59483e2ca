"""`among`: the rows whose column is one of a chunk's ids, on either database."""

from __future__ import annotations

import pytest
from django.db.models import Q

from tactful.batches.lookups import among
from tactful.batches.models import BatchChunk, BatchRun
from tactful.batches.tests.test_runs import open_test_run

pytestmark = pytest.mark.django_db


def chunk_ids() -> list[int]:
    open_test_run(items=range(1, 31), chunk_size=3)
    return list(BatchChunk.objects.order_by("pk").values_list("pk", flat=True))


def test_among_finds_what_in_finds() -> None:
    ids = chunk_ids()
    wanted = [ids[0], ids[3], ids[7], 10**9]  # one id matches nothing

    found = BatchChunk.objects.filter(among("pk", wanted)).order_by("pk")

    assert list(found) == list(BatchChunk.objects.filter(pk__in=wanted).order_by("pk"))
    assert found.count() == 3


def test_among_works_on_a_foreign_key_and_inside_q() -> None:
    ids = chunk_ids()
    run = BatchRun.objects.get()

    by_run = BatchChunk.objects.filter(among("run_id", [run.pk]))
    either = BatchChunk.objects.filter(Q(among("pk", ids[:2])) | Q(number__gte=9))

    assert by_run.count() == len(ids)
    assert sorted(either.values_list("number", flat=True)) == [0, 1, 9]


def test_no_ids_find_nothing() -> None:
    chunk_ids()
    assert not BatchChunk.objects.filter(among("pk", [])).exists()


@pytest.mark.parametrize("bad", ["1 OR 1=1", 1.5, None, True, b"1"])
def test_anything_but_whole_numbers_is_refused(bad: object) -> None:
    with pytest.raises(TypeError, match="an id must be an integer"):
        list(BatchChunk.objects.filter(among("pk", [1, bad])))  # type: ignore[list-item]


def test_no_ids_ask_the_database_nothing() -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert list(BatchChunk.objects.filter(among("pk", []))) == []
    assert len(queries.captured_queries) == 0
