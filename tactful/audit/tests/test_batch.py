from __future__ import annotations

import pytest

from tactful.audit.models import AuditEvent, ChainHead
from tactful.audit.services import NewEvent, record_event, record_events
from tactful.audit.verification import verify_chain

pytestmark = pytest.mark.django_db


def events(count: int) -> list[NewEvent]:
    return [
        NewEvent(
            actor="staff:1", action="test.batched", target=("test.thing", str(n)), payload={"n": n}
        )
        for n in range(count)
    ]


def test_a_batch_appended_after_single_events_verifies_intact() -> None:
    record_event(actor="staff:1", action="test.single", target=("test.thing", "a"))
    appended = record_events(events=events(25))
    record_event(actor="staff:1", action="test.single", target=("test.thing", "b"))

    assert [event.sequence for event in appended] == list(range(2, 27))
    assert [event.object_id for event in appended] == [str(n) for n in range(25)]
    report = verify_chain()
    assert report.intact, report.problem
    assert report.events_checked == 27
    head = ChainHead.objects.get()
    assert (head.last_sequence, head.last_hash) == (
        27,
        AuditEvent.objects.get(sequence=27).hash,
    )


def test_each_link_of_a_batch_points_at_the_one_before() -> None:
    appended = record_events(events=events(3))
    stored = list(AuditEvent.objects.order_by("sequence"))
    assert [event.hash for event in stored] == [event.hash for event in appended]
    assert [event.previous_hash for event in stored[1:]] == [event.hash for event in stored[:-1]]


def test_an_empty_batch_stores_nothing() -> None:
    assert record_events(events=[]) == []
    assert not AuditEvent.objects.exists()
    assert not ChainHead.objects.exists()


def test_a_tampered_batch_event_is_detected() -> None:
    record_events(events=events(5))
    AuditEvent.objects.filter(sequence=3).update(action="test.rewritten")
    report = verify_chain()
    assert not report.intact
    assert report.sequence == 3
