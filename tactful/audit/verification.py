"""Walk the audit chain and report the first event that does not fit.

Three things are checked: each event against its own keyed hash, each link against the
event before it, and the chain against every signed checkpoint stored outside the
database (tactful.audit.checkpoints), which catches a rewrite made with the link key and
a tail cut off with the head moved back.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

from django.conf import settings
from django.db.models import Max

from tactful.audit.chain import GENESIS_HASH, UNKEYED, Link, payload_digest
from tactful.audit.checkpoints import (
    BadCheckpoint,
    Checkpoint,
    CheckpointSource,
    trusted_checkpoints,
)
from tactful.audit.models import AuditEvent, ChainHead


@dataclass(frozen=True)
class ChainReport:
    """The outcome of a walk: how many events verified, and the first problem, if any.

    `sequence` names the event the problem is blamed on: the altered or inserted event,
    or the first one of a run of deleted events.
    """

    events_checked: int
    problem: str | None = None
    sequence: int | None = None
    checkpoints_checked: int = 0

    @property
    def intact(self) -> bool:
        return self.problem is None

    def as_json(self) -> dict[str, object]:
        return {
            "intact": self.intact,
            "events_checked": self.events_checked,
            "sequence": self.sequence,
            "problem": self.problem,
            "checkpoints_checked": self.checkpoints_checked,
        }

    def describe(self) -> str:
        """Return the report as one sentence for people."""
        if self.intact:
            return (
                f"Audit chain intact: {self.events_checked} events checked, "
                f"{self.checkpoints_checked} signed checkpoints matched."
            )
        if self.sequence is None:
            return f"Audit chain BROKEN: {self.problem}."
        return (
            f"Audit chain BROKEN at event {self.sequence}: {self.problem}. "
            f"{self.events_checked} events before it verified."
        )


@dataclass(frozen=True)
class _Head:
    last_sequence: int
    last_hash: str


def verify_chain(
    batch_size: int = 2000, *, checkpoints: CheckpointSource | None = None
) -> ChainReport:
    """Check every event up to the chain head, that the head and the table agree, and
    that the chain still holds what every signed checkpoint vouches for.

    Checkpoints are read before the head and the head before the events, so whatever is
    appended while the walk runs is left for the next run instead of being mistaken for
    deleted events.
    """
    try:
        vouched = trusted_checkpoints(checkpoints)
    except BadCheckpoint as error:
        return ChainReport(0, str(error))
    head = _read_head()
    events = (
        AuditEvent.objects.filter(sequence__lte=head.last_sequence)
        .order_by("sequence")
        .iterator(chunk_size=batch_size)
    )
    walk = _Walk(vouched)
    report = walk.run(events)
    if not report.intact:
        return report
    report = _check_head(report, head, walk.last_hash) or _check_beyond_head(report)
    if not report.intact:
        return report
    return _check_tail_is_whole(report, vouched)


def verify_events(events: Iterable[AuditEvent]) -> ChainReport:
    """Check that `events`, in sequence order, form an unbroken chain from the genesis hash."""
    return _Walk().run(events)


class _Walk:
    """The running state of one pass over the chain."""

    def __init__(self, vouched: Iterable[Checkpoint] = ()) -> None:
        self.checked = 0
        self.last_hash = GENESIS_HASH
        # The hash before the last one: an event that links to it skips an inserted event.
        self.hash_before_last = GENESIS_HASH
        # Once one event is keyed, an unkeyed one after it can only be a rewrite.
        self.keyed_since: int | None = None
        self.vouched: dict[int, list[Checkpoint]] = defaultdict(list)
        for checkpoint in vouched:
            self.vouched[checkpoint.sequence].append(checkpoint)

    def run(self, events: Iterable[AuditEvent]) -> ChainReport:
        for event in events:
            report = self._report_on(event)
            if report is not None:
                return report
            self.checked += 1
            self.hash_before_last, self.last_hash = self.last_hash, event.hash
        return ChainReport(self.checked)

    def _report_on(self, event: AuditEvent) -> ChainReport | None:
        expected = self.checked + 1
        if event.sequence > expected:
            return ChainReport(self.checked, _deleted(expected, event.sequence - 1), expected)
        if event.sequence < expected:
            return ChainReport(self.checked, "event out of sequence", event.sequence)
        if event.previous_hash != self.last_hash:
            return self._broken_link(event)
        problem = event_problem(event)
        if problem is not None:
            return ChainReport(self.checked, problem.value, event.sequence)
        return self._downgraded(event) or self._unlike_checkpoint(event)

    def _downgraded(self, event: AuditEvent) -> ChainReport | None:
        if event.key_id != UNKEYED:
            self.keyed_since = self.keyed_since or event.sequence
            return None
        if self.keyed_since is None:
            return None
        return ChainReport(
            self.checked,
            f"event rewritten: unkeyed, though events are keyed since {self.keyed_since}",
            event.sequence,
        )

    def _unlike_checkpoint(self, event: AuditEvent) -> ChainReport | None:
        for checkpoint in self.vouched.get(event.sequence, ()):
            if checkpoint.hash != event.hash:
                return ChainReport(
                    self.checked,
                    f"event rewritten: its hash differs from signed checkpoint "
                    f"{checkpoint.name} (written {checkpoint.written_at})",
                    event.sequence,
                )
        return None

    def _broken_link(self, event: AuditEvent) -> ChainReport:
        if self.checked and event.previous_hash == self.hash_before_last:
            return ChainReport(
                self.checked - 1,
                "event inserted: the event after it links to the one before it",
                event.sequence - 1,
            )
        return ChainReport(
            self.checked,
            "link to the previous event is broken: an event was inserted, deleted or replaced",
            event.sequence,
        )


class EventProblem(Enum):
    """What can be wrong within one stored event, whatever its place in the chain."""

    PAYLOAD_ALTERED = "payload altered"
    FIELDS_ALTERED = "event altered: its fields no longer match its hash"
    UNKNOWN_LINK_KEY = "linked under a key that is not in AUDIT_LINK_KEYS"


def event_problem(event: AuditEvent) -> EventProblem | None:
    """Say what is wrong within one stored event (its payload, or its hashed fields), if any.

    Its place in the chain (the link to the event before it) is the walk's to check.
    """
    if payload_digest(event.payload) != event.payload_digest:
        return EventProblem.PAYLOAD_ALTERED
    key = settings.AUDIT_KEYS.link_keys.get(event.key_id)
    if event.key_id != UNKEYED and key is None:
        return EventProblem.UNKNOWN_LINK_KEY
    if _link_of(event).hash(key) != event.hash:
        return EventProblem.FIELDS_ALTERED
    return None


def _link_of(event: AuditEvent) -> Link:
    return Link(
        sequence=event.sequence,
        occurred_at=event.occurred_at,
        actor=event.actor,
        action=event.action,
        object_type=event.object_type,
        object_id=event.object_id,
        payload_digest=event.payload_digest,
        previous_hash=event.previous_hash,
        key_id=event.key_id,
    )


def _read_head() -> _Head:
    head = ChainHead.objects.filter(pk=1).first()
    if head is None:
        return _Head(0, GENESIS_HASH)
    return _Head(head.last_sequence, head.last_hash)


def _check_head(report: ChainReport, head: _Head, last_hash: str) -> ChainReport | None:
    checked = report.events_checked
    if checked < head.last_sequence:
        first = checked + 1
        return ChainReport(checked, f"the newest {_deleted(first, head.last_sequence)}", first)
    if last_hash != head.last_hash:
        return ChainReport(
            checked - 1, "the newest event was replaced: the chain head names another", checked
        )
    return None


def _check_beyond_head(report: ChainReport) -> ChainReport:
    # Read the newest event before the head: an append commits both together, so an
    # event committed before the first read is covered by the head the second read sees.
    newest = AuditEvent.objects.aggregate(newest=Max("sequence"))["newest"] or 0
    head = _read_head()
    if newest > head.last_sequence:
        return ChainReport(
            report.events_checked,
            "event(s) stored beyond the chain head, not appended through the chain",
            head.last_sequence + 1,
        )
    return report


def _check_tail_is_whole(report: ChainReport, vouched: list[Checkpoint]) -> ChainReport:
    checked = report.events_checked
    for checkpoint in vouched:
        if checkpoint.sequence > checked:
            return ChainReport(
                checked,
                f"the chain was cut short: signed checkpoint {checkpoint.name} (written "
                f"{checkpoint.written_at}) vouches for event {checkpoint.sequence}, but the "
                f"chain ends at event {checked}",
                checked + 1,
            )
    return ChainReport(checked, checkpoints_checked=len(vouched))


def _deleted(first: int, last: int) -> str:
    return f"event {first} deleted" if first == last else f"events {first}..{last} deleted"
