from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import F

from tactful.audit.chain import GENESIS_HASH, Link, payload_digest
from tactful.audit.models import AppendOnlyError, AuditEvent, ChainHead
from tactful.audit.services import record_event
from tactful.audit.tests.conftest import CHAIN_LENGTH
from tactful.audit.verification import verify_chain


def forged_event(*, sequence: int, previous_hash: str, payload: dict[str, object]) -> AuditEvent:
    """An event built as record_event would build it, but stored behind the chain's back.

    The forger holds the link key: what catches them is the chain's shape, not the key.
    """
    keys = settings.AUDIT_KEYS
    template = AuditEvent.objects.get(sequence=1)
    link = Link(
        sequence=sequence,
        occurred_at=template.occurred_at + timedelta(seconds=1),
        actor="staff:666",
        action="test.forged",
        object_type="test.thing",
        object_id="forged",
        payload_digest=payload_digest(payload),
        previous_hash=previous_hash,
        key_id=keys.link_key_id,
    )
    return AuditEvent(
        sequence=sequence,
        occurred_at=link.occurred_at,
        actor=link.actor,
        action=link.action,
        object_type=link.object_type,
        object_id=link.object_id,
        payload=payload,
        payload_digest=link.payload_digest,
        previous_hash=previous_hash,
        hash=link.hash(keys.link_key),
        key_id=keys.link_key_id,
    )


def make_room_after(sequence: int) -> None:
    # Two steps, because SQLite checks the unique sequence row by row.
    AuditEvent.objects.filter(sequence__gt=sequence).update(sequence=F("sequence") + 1000)
    AuditEvent.objects.filter(sequence__gt=1000).update(sequence=F("sequence") - 999)


def test_an_untouched_chain_verifies(chain):
    report = verify_chain()

    assert report.intact
    assert report.events_checked == CHAIN_LENGTH
    assert report.sequence is None


@pytest.mark.django_db
def test_an_empty_chain_verifies():
    report = verify_chain()

    assert report.intact
    assert report.events_checked == 0


def test_record_event_links_each_event_to_the_previous_one(chain):
    assert chain[0].previous_hash == GENESIS_HASH
    assert [event.previous_hash for event in chain[1:]] == [event.hash for event in chain[:-1]]
    assert [event.sequence for event in chain] == list(range(1, CHAIN_LENGTH + 1))
    head = ChainHead.objects.get()
    assert (head.last_sequence, head.last_hash) == (CHAIN_LENGTH, chain[-1].hash)


def test_record_event_describes_a_model_target(chain):
    event = record_event(actor="system", action="test.head", target=ChainHead.objects.get())

    assert (event.object_type, event.object_id) == ("audit.chainhead", "1")
    assert verify_chain().intact


def test_a_changed_payload_is_named(chain):
    AuditEvent.objects.filter(sequence=3).update(payload={"n": 300})

    report = verify_chain()

    assert not report.intact
    assert report.sequence == 3
    assert report.problem == "payload altered"
    assert report.events_checked == 2


def test_a_changed_payload_with_a_recomputed_digest_is_named(chain):
    payload = {"n": 300}
    AuditEvent.objects.filter(sequence=3).update(
        payload=payload, payload_digest=payload_digest(payload)
    )

    report = verify_chain()

    assert report.sequence == 3
    assert "altered" in str(report.problem)


def test_a_changed_actor_is_named(chain):
    AuditEvent.objects.filter(sequence=4).update(actor="staff:2")

    report = verify_chain()

    assert report.sequence == 4
    assert "altered" in str(report.problem)


def test_a_changed_time_is_named(chain):
    AuditEvent.objects.filter(sequence=2).update(occurred_at=F("occurred_at") - timedelta(days=1))

    assert verify_chain().sequence == 2


def test_a_changed_hash_is_named(chain):
    AuditEvent.objects.filter(sequence=5).update(hash="f" * 64)

    report = verify_chain()

    assert report.sequence == 5
    assert "altered" in str(report.problem)


def test_a_deleted_middle_event_is_named(chain):
    AuditEvent.objects.filter(sequence=3).delete()

    report = verify_chain()

    assert report.sequence == 3
    assert report.problem == "event 3 deleted"
    assert report.events_checked == 2


def test_a_run_of_deleted_events_names_the_first(chain):
    AuditEvent.objects.filter(sequence__in=[2, 3, 4]).delete()

    report = verify_chain()

    assert report.sequence == 2
    assert report.problem == "events 2..4 deleted"


def test_a_deleted_event_with_later_ones_renumbered_is_caught_where_the_link_breaks(chain):
    AuditEvent.objects.filter(sequence=3).delete()
    AuditEvent.objects.filter(sequence__gt=3).update(sequence=F("sequence") - 1)
    ChainHead.objects.update(last_sequence=CHAIN_LENGTH - 1)

    report = verify_chain()

    assert report.sequence == 3
    assert "link to the previous event is broken" in str(report.problem)


def test_a_deleted_newest_event_is_named(chain):
    AuditEvent.objects.filter(sequence=CHAIN_LENGTH).delete()

    report = verify_chain()

    assert report.sequence == CHAIN_LENGTH
    assert report.problem == f"the newest event {CHAIN_LENGTH} deleted"
    assert report.events_checked == CHAIN_LENGTH - 1


def test_deleted_newest_events_name_the_first_of_them(chain):
    AuditEvent.objects.filter(sequence__gte=4).delete()

    report = verify_chain()

    assert report.sequence == 4
    assert report.problem == f"the newest events 4..{CHAIN_LENGTH} deleted"


def test_a_forged_event_inserted_in_the_middle_is_named(chain):
    make_room_after(3)
    forged_event(sequence=4, previous_hash=chain[2].hash, payload={"n": 0}).save()
    ChainHead.objects.update(last_sequence=CHAIN_LENGTH + 1)

    report = verify_chain()

    assert report.sequence == 4
    assert report.problem is not None
    assert report.problem.startswith("event inserted")
    assert report.events_checked == 3


def test_a_carelessly_forged_event_in_the_middle_is_named(chain):
    make_room_after(3)
    forged_event(sequence=4, previous_hash="0" * 64, payload={"n": 0}).save()
    ChainHead.objects.update(last_sequence=CHAIN_LENGTH + 1)

    report = verify_chain()

    assert report.sequence == 4
    assert "link to the previous event is broken" in str(report.problem)


def test_an_event_stored_beyond_the_head_is_named(chain):
    forged_event(sequence=CHAIN_LENGTH + 1, previous_hash=chain[-1].hash, payload={"n": 0}).save()

    report = verify_chain()

    assert report.sequence == CHAIN_LENGTH + 1
    assert "beyond the chain head" in str(report.problem)


def test_a_replaced_newest_event_is_named(chain):
    AuditEvent.objects.filter(sequence=CHAIN_LENGTH).delete()
    forged_event(sequence=CHAIN_LENGTH, previous_hash=chain[-2].hash, payload={"n": 0}).save()

    report = verify_chain()

    assert report.sequence == CHAIN_LENGTH
    assert "newest event was replaced" in str(report.problem)


def test_tampering_through_raw_sql_is_detected(chain):
    table = AuditEvent._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET action = %s WHERE sequence = %s", ["test.quiet", 2])

    assert verify_chain().sequence == 2


def test_appending_after_tampering_does_not_hide_it(chain):
    AuditEvent.objects.filter(sequence=2).update(actor="staff:2")
    record_event(actor="staff:1", action="test.later", target=("test.thing", "7"))

    assert verify_chain().sequence == 2


def test_saving_a_stored_event_again_is_refused(chain):
    event = AuditEvent.objects.get(sequence=2)
    event.actor = "staff:2"

    with pytest.raises(AppendOnlyError):
        event.save()

    assert AuditEvent.objects.get(sequence=2).actor == "staff:1"
    assert verify_chain().intact


def test_deleting_a_stored_event_is_refused(chain):
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.get(sequence=2).delete()

    assert AuditEvent.objects.count() == CHAIN_LENGTH
    assert verify_chain().intact
