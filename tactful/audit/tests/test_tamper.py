"""The attacks of the trust review, replayed: each must be caught by `tactful audit verify`.

The attacker has the database. Some also have the link key (an insider with the
application's environment); what they cannot reach is the checkpoint sink outside it.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.utils import timezone

from tactful.audit.chain import UNKEYED, Link, payload_digest
from tactful.audit.checkpoints import DirectorySink, configured_sink, write_checkpoint
from tactful.audit.keys import parse_audit_keys
from tactful.audit.models import AuditEvent, ChainHead
from tactful.audit.services import record_event
from tactful.audit.signing import new_seed
from tactful.audit.verification import verify_chain
from tactful.cli import main

pytestmark = pytest.mark.django_db
LENGTH = 200


@pytest.fixture
def long_chain() -> None:
    for n in range(1, LENGTH + 1):
        record_event(actor="staff:1", action="test.touched", target=("test.thing", str(n)),
                     payload={"n": n})  # fmt: skip


def _relink_from(sequence: int, *, key: bytes | None, key_id: str) -> None:
    """Recompute every link from `sequence` on, and move the head: a full rewrite."""
    previous = AuditEvent.objects.get(sequence=sequence - 1).hash if sequence > 1 else "0" * 64
    for event in AuditEvent.objects.filter(sequence__gte=sequence).order_by("sequence"):
        link = Link(
            sequence=event.sequence,
            occurred_at=event.occurred_at,
            actor=event.actor,
            action=event.action,
            object_type=event.object_type,
            object_id=event.object_id,
            payload_digest=payload_digest(event.payload),
            previous_hash=previous,
            key_id=key_id,
        )
        new_hash = link.hash(key)
        AuditEvent.objects.filter(pk=event.pk).update(
            payload_digest=link.payload_digest, previous_hash=previous, hash=new_hash,
            key_id=key_id,
        )  # fmt: skip
        previous = new_hash
    last = AuditEvent.objects.order_by("-sequence").first()
    assert last is not None
    ChainHead.objects.update(last_sequence=last.sequence, last_hash=last.hash)


def _rewrite_event(sequence: int) -> None:
    AuditEvent.objects.filter(sequence=sequence).update(payload={"n": "rewritten"})


def test_a_rewrite_recomputed_with_plain_sha256_is_caught(long_chain):
    """The review's attack: change a row, recompute the later hashes and the head."""
    _rewrite_event(40)
    _relink_from(40, key=None, key_id=UNKEYED)

    report = verify_chain()

    assert not report.intact
    assert report.sequence == 40


def test_a_rewrite_recomputed_under_a_guessed_key_is_caught(long_chain):
    _rewrite_event(40)
    _relink_from(40, key=hashlib.sha256(b"guess").digest(), key_id=settings.AUDIT_KEYS.link_key_id)

    report = verify_chain()

    assert (report.intact, report.sequence) == (False, 40)
    assert "no longer match its hash" in (report.problem or "")


def test_a_rewrite_with_the_link_key_is_caught_by_an_earlier_checkpoint(long_chain):
    write_checkpoint(now=timezone.now())
    _rewrite_event(40)
    _relink_from(40, key=settings.AUDIT_KEYS.link_key, key_id=settings.AUDIT_KEYS.link_key_id)

    report = verify_chain()

    assert not report.intact
    assert report.sequence == LENGTH
    assert "signed checkpoint" in (report.problem or "")


def test_a_truncated_tail_with_the_head_moved_back_is_caught(long_chain):
    write_checkpoint(now=timezone.now())
    AuditEvent.objects.filter(sequence=LENGTH).delete()
    newest = AuditEvent.objects.get(sequence=LENGTH - 1)
    ChainHead.objects.update(last_sequence=newest.sequence, last_hash=newest.hash)

    report = verify_chain()

    assert not report.intact
    assert "cut short" in (report.problem or "")
    assert report.sequence == LENGTH


def test_events_after_the_newest_checkpoint_are_its_window(long_chain):
    """Documented limit: a tail newer than every checkpoint can go unseen; hence hourly."""
    AuditEvent.objects.filter(sequence=LENGTH).delete()
    newest = AuditEvent.objects.get(sequence=LENGTH - 1)
    ChainHead.objects.update(last_sequence=newest.sequence, last_hash=newest.hash)

    assert verify_chain().intact


def test_an_intact_chain_matches_every_checkpoint(long_chain):
    write_checkpoint(now=datetime(2026, 12, 1, tzinfo=UTC))
    record_event(actor="staff:1", action="test.more", target=("test.thing", "x"))
    write_checkpoint(now=datetime(2026, 12, 1, 1, tzinfo=UTC))

    report = verify_chain()

    assert report.intact, report.problem
    assert report.checkpoints_checked == 2


def test_a_checkpoint_edited_in_the_sink_is_itself_tampering(long_chain, tmp_path):
    checkpoint = write_checkpoint(now=timezone.now())
    assert checkpoint is not None
    path = settings.AUDIT_CHECKPOINT_DIR / checkpoint.name
    document = json.loads(path.read_bytes())
    document["checkpoint"]["sequence"] = 1
    path.chmod(0o644)
    path.write_text(json.dumps(document))

    report = verify_chain()

    assert not report.intact
    assert "signature does not verify" in (report.problem or "")


def test_a_checkpoint_signed_by_another_key_is_refused(long_chain, settings):
    original = settings.AUDIT_KEYS
    settings.AUDIT_KEYS = parse_audit_keys("", "", "", secret_key="an attacker's key")
    write_checkpoint(now=timezone.now())
    settings.AUDIT_KEYS = original

    report = verify_chain()

    assert "not trusted" in (report.problem or "")


def test_the_sink_never_replaces_a_checkpoint(tmp_path):
    sink = DirectorySink(tmp_path)
    sink.write("000000000001-x.json", b"{}")
    with pytest.raises(FileExistsError):
        sink.write("000000000001-x.json", b"{}")


def test_link_and_signing_keys_rotate_without_breaking_the_past(long_chain, settings):
    write_checkpoint(now=datetime(2026, 12, 1, tzinfo=UTC))
    old = settings.AUDIT_KEYS
    old_link = f"{old.link_key_id}:" + _b64(old.link_key)
    new_link = "k2:" + _b64(hashlib.sha256(b"second link key").digest())
    old_public = f"{old.signing_key_id}:" + _b64(old.public_key)
    new_signing = f"s2:{new_seed()}"
    settings.AUDIT_KEYS = parse_audit_keys(
        f"{new_link},{old_link}", new_signing, old_public, secret_key="unused"
    )
    record_event(actor="staff:1", action="test.after_rotation", target=("test.thing", "r"))
    write_checkpoint(now=datetime(2026, 12, 2, tzinfo=UTC))

    report = verify_chain()
    assert report.intact, report.problem
    assert report.checkpoints_checked == 2
    assert AuditEvent.objects.order_by("-sequence").first().key_id == "k2"

    settings.AUDIT_KEYS = parse_audit_keys(new_link, new_signing, old_public, secret_key="")
    assert "not in AUDIT_LINK_KEYS" in (verify_chain().problem or "")


def test_events_from_before_keyed_links_still_verify(db):
    record_event(actor="staff:1", action="test.old", target=("test.thing", "1"))
    _relink_from(1, key=None, key_id=UNKEYED)  # as written before links were keyed
    record_event(actor="staff:1", action="test.new", target=("test.thing", "2"))

    report = verify_chain()

    assert report.intact, report.problem
    assert list(AuditEvent.objects.values_list("key_id", flat=True)) == ["", "local"]


def test_the_cli_writes_and_checks_checkpoints(long_chain, capsys):
    assert main(["audit", "checkpoint"]) == 0
    assert f"event {LENGTH}" in capsys.readouterr().out
    assert main(["audit", "verify"]) == 0
    assert "1 signed checkpoints matched" in capsys.readouterr().out
    assert len(list(configured_sink().stored())) == 1


def _b64(raw: bytes) -> str:
    import base64

    return base64.b64encode(raw).decode()
