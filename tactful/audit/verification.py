"""Walk the audit chain and report the first event that does not fit."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tactful.audit.chain import GENESIS_HASH, Link, payload_digest
from tactful.audit.models import AuditEvent, ChainHead


@dataclass(frozen=True)
class ChainReport:
    events_checked: int
    problem: str | None = None
    sequence: int | None = None

    @property
    def intact(self) -> bool:
        return self.problem is None


def verify_chain(batch_size: int = 2000) -> ChainReport:
    """Check every event's digest, hash and link to its predecessor, then the head."""
    events = AuditEvent.objects.order_by("sequence").iterator(chunk_size=batch_size)
    report = verify_events(events)
    if not report.intact:
        return report
    return _check_head(report)


def verify_events(events: Iterable[AuditEvent]) -> ChainReport:
    expected_previous = GENESIS_HASH
    expected_sequence = 1
    checked = 0
    for event in events:
        problem = _problem_with(event, expected_sequence, expected_previous)
        if problem:
            return ChainReport(checked, problem, event.sequence)
        expected_previous = event.hash
        expected_sequence += 1
        checked += 1
    return ChainReport(checked)


def _problem_with(event: AuditEvent, expected_sequence: int, expected_previous: str) -> str | None:
    if event.sequence > expected_sequence:
        return f"event(s) {expected_sequence}..{event.sequence - 1} deleted before this one"
    if event.sequence < expected_sequence:
        return "event inserted out of sequence"
    if event.previous_hash != expected_previous:
        return "link to the previous event is broken (an event was inserted, deleted or altered)"
    if payload_digest(event.payload) != event.payload_digest:
        return "payload altered"
    if _link_of(event).hash() != event.hash:
        return "event fields altered"
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
    )


def _check_head(report: ChainReport) -> ChainReport:
    head = ChainHead.objects.filter(pk=1).first()
    last_sequence = head.last_sequence if head else 0
    if last_sequence > report.events_checked:
        return ChainReport(
            report.events_checked,
            f"the newest event(s) {report.events_checked + 1}..{last_sequence} were deleted",
            report.events_checked + 1,
        )
    if last_sequence < report.events_checked:
        return ChainReport(
            report.events_checked,
            "events appended behind the chain head",
            last_sequence + 1,
        )
    return report
