"""Monthly partitions (PostgreSQL, ADR 0019): the three tables are partitioned, months are
prepared ahead and rows of unprepared months still insert; the audit chain verifies across
months, its sequence and hashes stay unique across them, and tampering is still caught."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from tactful.audit.models import AppendOnlyError, AuditEvent, EventKey
from tactful.audit.partitions import (
    MONTHS_AHEAD,
    month_partition_name,
    next_month,
    partitions,
    prepare_months,
)
from tactful.audit.services import record_event
from tactful.audit.verification import verify_chain
from tactful.testing.partitions import partition_holding, partitions_read

POSTGRESQL_ONLY = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="monthly partitions are PostgreSQL's: CI's PostgreSQL pass runs this",
)
pytestmark = pytest.mark.django_db

MONTHLY = {
    "audit_auditevent": "occurred_at",
    "contacts_contactattempt": "requested_at",
    "loans_ledgerentry": "value_date",
}
JANUARY = date(2026, 1, 1)
# One event in each of three prepared months, and one in a month without a partition.
OCCURRED = [
    datetime(2026, 1, 31, 23, 59, 59, tzinfo=UTC),
    datetime(2026, 2, 1, 0, 0, tzinfo=UTC),
    datetime(2026, 3, 15, 12, 0, tzinfo=UTC),
    datetime(2026, 7, 1, 8, 0, tzinfo=UTC),
]


@pytest.fixture
def months_chain() -> list[AuditEvent]:
    """Events 1..4 over January to March and July 2026; July has no partition."""
    prepare_months(today=JANUARY, ahead=2)
    return [
        record_event(
            actor="staff:1",
            action="test.touched",
            target=("test.thing", str(n)),
            payload={"n": n},
            occurred_at=moment,
        )
        for n, moment in enumerate(OCCURRED, start=1)
    ]


def _monthly_tables() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, a.attname FROM pg_partitioned_table p "
            "JOIN pg_class c ON c.oid = p.partrelid "
            "JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0] "
            "WHERE p.partstrat = 'r'"
        )
        return dict(cursor.fetchall())


def _partitions_of(table: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT inhrelid::regclass::text FROM pg_inherits WHERE inhparent = %s::regclass",
            [table],
        )
        return {row[0] for row in cursor.fetchall()}


@POSTGRESQL_ONLY
def test_attempts_ledger_and_audit_are_partitioned_by_month_with_a_default():
    assert _monthly_tables() == MONTHLY
    for table in MONTHLY:
        assert f"{table}_default" in _partitions_of(table)


@POSTGRESQL_ONLY
def test_this_month_and_the_next_ones_are_prepared():
    prepare_months(today=timezone.now().date())

    month = timezone.now().date().replace(day=1)
    for _ in range(MONTHS_AHEAD + 1):
        for table in MONTHLY:
            assert month_partition_name(table, month) in _partitions_of(table)
        month = next_month(month)
    assert prepare_months(today=timezone.now().date()) == []


@POSTGRESQL_ONLY
def test_each_event_lands_in_its_months_partition_and_july_in_the_default(months_chain):
    assert [partition_holding(event) for event in months_chain] == [
        "audit_auditevent_y2026m01",
        "audit_auditevent_y2026m02",
        "audit_auditevent_y2026m03",
        "audit_auditevent_default",
    ]


@POSTGRESQL_ONLY
def test_the_chain_verifies_across_months(months_chain):
    report = verify_chain()

    assert report.intact, report.describe()
    assert report.events_checked == len(OCCURRED)


@POSTGRESQL_ONLY
def test_preparing_months_gives_the_default_partitions_rows_a_month_of_their_own(months_chain):
    created = prepare_months(today=JANUARY, ahead=2)

    july = months_chain[-1]
    assert "audit_auditevent_y2026m07" in created
    assert partition_holding(july) == "audit_auditevent_y2026m07"
    assert EventKey.objects.get(event_id=july.pk).hash == july.hash
    assert verify_chain().intact


@POSTGRESQL_ONLY
def test_an_event_altered_in_one_month_is_caught(months_chain):
    AuditEvent.objects.filter(sequence=2).update(payload={"n": 200})

    report = verify_chain()

    assert (report.intact, report.sequence) == (False, 2)


@POSTGRESQL_ONLY
def test_an_event_deleted_from_one_month_is_caught(months_chain):
    AuditEvent.objects.filter(sequence=3).delete()

    report = verify_chain()

    assert (report.intact, report.sequence) == (False, 3)


@POSTGRESQL_ONLY
def test_an_event_is_still_append_only(months_chain):
    event = months_chain[0]
    event.actor = "staff:2"

    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()


@POSTGRESQL_ONLY
@pytest.mark.parametrize("field", ["sequence", "hash"])
def test_a_sequence_or_hash_taken_in_another_month_is_refused(months_chain, field):
    first = months_chain[0]
    copy = AuditEvent.objects.get(pk=months_chain[2].pk)
    copy.pk = None
    copy._state.adding = True
    copy.sequence, copy.hash = len(OCCURRED) + 1, "f" * 64
    setattr(copy, field, getattr(first, field))

    with pytest.raises(IntegrityError, match=f"audit_eventkey_{field}"):
        _insert(copy)


@POSTGRESQL_ONLY
def test_a_query_for_one_month_reads_only_that_months_partition(months_chain):
    february = AuditEvent.objects.filter(
        occurred_at__gte=datetime(2026, 2, 1, tzinfo=UTC),
        occurred_at__lt=datetime(2026, 3, 1, tzinfo=UTC),
    )

    assert list(february) == [months_chain[1]]
    assert partitions_read(february) == {"audit_auditevent_y2026m02"}


@POSTGRESQL_ONLY
def test_the_command_prepares_months_and_lists_them(months_chain):
    created = _command("--months", "0")
    listed = _command("--list")

    assert "created audit_auditevent_y2026m07" in created
    assert "audit_auditevent_y2026m02" in listed
    assert "audit_auditevent_default" in listed
    assert "contacts_contactattempt:" in listed


def test_the_command_is_a_no_op_on_sqlite():
    if connection.vendor == "postgresql":
        pytest.skip("SQLite's tables are not partitioned")

    assert "not partitioned" in _command()
    assert "not partitioned" in _command("--list")
    assert prepare_months(today=JANUARY) == []
    assert partitions() == []


def _command(*arguments: str) -> str:
    out = StringIO()
    call_command("prepare_partitions", *arguments, stdout=out)
    return out.getvalue()


def _insert(event: AuditEvent) -> None:
    with transaction.atomic():
        event.save(force_insert=True)


def test_months_roll_over_the_year():
    assert next_month(date(2026, 12, 1)) == date(2027, 1, 1)
    assert month_partition_name("t", date(2027, 1, 1)) == "t_y2027m01"
    assert next_month(date(2026, 1, 1)) - date(2026, 1, 1) == timedelta(days=31)
