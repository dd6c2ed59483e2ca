"""Monthly partitions of the largest append-only tables, on PostgreSQL (ADR 0019).

Contact attempts, ledger entries and audit events are RANGE-partitioned by the month of
one column each; months are UTC months. `tactful.audit.partitioning` made them so (the
migrations call it), with the key tables that keep their unique keys unique across months.

A default partition takes any row whose month has no partition. `prepare_months` (the
daily `prepare_partitions` job) creates the coming months, and gives every month the
default partition holds a partition of its own, moving its rows there. `partitions` lists
them. On any other database than PostgreSQL there are no partitions: both do nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.db import connection as default_connection
from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper

# The current month and this many after it always have a partition: the daily job can
# miss that many months of runs before a row lands in the default partition.
MONTHS_AHEAD = 3
# Creating a partition locks its table for a moment. A long query holding the table must
# not make every writer queue behind that lock: the job gives up and runs again tomorrow.
LOCK_TIMEOUT = "5s"
DEFAULT_SUFFIX = "_default"
_MONTH_NAME = re.compile(r"_y(\d{4})m(\d{2})$")


@dataclass(frozen=True)
class Partition:
    """One partition as PostgreSQL describes it; `rows` is the planner's estimate
    (-1 before the partition was first analysed) except for the default, counted."""

    table: str
    name: str
    bounds: str
    rows: int


@dataclass(frozen=True)
class PartitionedTable:
    """A table the database has partitioned by a range of `column` (a date or a time)."""

    name: str
    column: str
    column_type: str


def is_supported(connection: BaseDatabaseWrapper = default_connection) -> bool:
    """Return True where tables are partitioned: on PostgreSQL."""
    return connection.vendor == "postgresql"


# --- the job: months ahead, and rows the default partition took -----------------------------


def prepare_months(*, today: date, ahead: int = MONTHS_AHEAD) -> list[str]:
    """Create the partitions of the month of `today` and the `ahead` months after it, and
    of every month the default partitions hold rows of; return the names created.

    Each month is created in its own transaction, its rows moved out of the default
    partition with it, so a lock that times out leaves the months before it done.
    """
    if not is_supported():
        return []
    created = []
    for table in monthly_tables():
        for month in _months_missing(table, today, ahead):
            with transaction.atomic(), default_connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
                created.append(create_partition(cursor, table, month, move_rows=True))
    return created


def partitions() -> list[Partition]:
    """Return every partition of every monthly table, by table and in order of month."""
    if not is_supported():
        return []
    found = []
    with default_connection.cursor() as cursor:
        for table in monthly_tables():
            found.extend(_partitions_of(cursor, table))
    return found


def monthly_tables() -> list[PartitionedTable]:
    """Return the tables partitioned by a range of one column, as the database says."""
    with default_connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_partitioned_table p "
            "JOIN pg_class c ON c.oid = p.partrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema() "
            "WHERE p.partstrat = 'r' AND p.partnatts = 1 ORDER BY c.relname"
        )
        names = [row[0] for row in cursor.fetchall()]
        return [describe_table(cursor, name) for name in names]


def month_partition_name(table: str, month: date) -> str:
    return f"{table}_y{month.year:04d}m{month.month:02d}"


# --- months -------------------------------------------------------------------------------


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def months_from(today: date, ahead: int) -> list[date]:
    months = [month_start(today)]
    for _ in range(ahead):
        months.append(next_month(months[-1]))
    return months


def _months_missing(table: PartitionedTable, today: date, ahead: int) -> list[date]:
    with default_connection.cursor() as cursor:
        wanted = set(months_from(today, ahead))
        wanted |= months_with_rows(cursor, table, table.name + DEFAULT_SUFFIX)
        prepared = {_month_of(partition.name) for partition in _partitions_of(cursor, table)}
    return sorted(wanted - prepared)


def _month_of(partition_name: str) -> date | None:
    found = _MONTH_NAME.search(partition_name)
    return date(int(found[1]), int(found[2]), 1) if found else None


def months_with_rows(cursor: CursorWrapper, table: PartitionedTable, source: str) -> set[date]:
    """Return the first days of the (UTC) months that `source` holds rows of."""
    column = quote_name(table.column)
    if table.column_type == "date":
        month = f"date_trunc('month', {column})::date"
    else:
        month = f"date_trunc('month', {column} AT TIME ZONE 'UTC')::date"
    cursor.execute(f"SELECT DISTINCT {month} FROM {quote_name(source)}")
    return {row[0] for row in cursor.fetchall()}


def _bound(table: PartitionedTable, month: date) -> str:
    if table.column_type == "date":
        return f"'{month.isoformat()}'"
    return f"'{month.isoformat()} 00:00:00+00'"


# --- partitions -----------------------------------------------------------------------------


def create_partition(
    cursor: CursorWrapper, table: PartitionedTable, month: date, *, move_rows: bool = False
) -> str:
    """Create the partition of `month`; with `move_rows`, first take the month's rows out of
    the default partition (PostgreSQL refuses a partition whose rows the default holds)
    and put them back through the table once it exists.

    Taking them out deletes their keys and putting them back inserts them again, in this
    one transaction: a concurrent insert of the same key waits for it, then fails.
    """
    name = month_partition_name(table.name, month)
    lower, upper = _bound(table, month), _bound(table, next_month(month))
    in_month = f"{quote_name(table.column)} >= {lower} AND {quote_name(table.column)} < {upper}"
    if move_rows:
        cursor.execute(
            f"CREATE TEMPORARY TABLE rows_moving (LIKE {quote_name(table.name)}) ON COMMIT DROP"
        )
        default = quote_name(table.name + DEFAULT_SUFFIX)
        cursor.execute(
            f"WITH moved AS (DELETE FROM {default} WHERE {in_month} RETURNING *) "
            "INSERT INTO rows_moving SELECT * FROM moved"
        )
    cursor.execute(
        f"CREATE TABLE {quote_name(name)} PARTITION OF {quote_name(table.name)} "
        f"FOR VALUES FROM ({lower}) TO ({upper})"
    )
    if move_rows:
        cursor.execute(f"INSERT INTO {quote_name(table.name)} SELECT * FROM rows_moving")
        cursor.execute("DROP TABLE rows_moving")
    return name


def _partitions_of(cursor: CursorWrapper, table: PartitionedTable) -> list[Partition]:
    cursor.execute(
        "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid), c.reltuples::bigint "
        "FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "WHERE i.inhparent = %s::regclass ORDER BY c.relname",
        [table.name],
    )
    found = []
    for name, bounds, estimate in cursor.fetchall():
        rows = _count(cursor, name) if name.endswith(DEFAULT_SUFFIX) else estimate
        found.append(Partition(table=table.name, name=name, bounds=bounds, rows=rows))
    # Months first, in order; the default partition last.
    return sorted(
        found, key=lambda partition: (partition.name.endswith(DEFAULT_SUFFIX), partition.name)
    )


def _count(cursor: CursorWrapper, table: str) -> int:
    cursor.execute(f"SELECT count(*) FROM {quote_name(table)}")
    counted: int = cursor.fetchone()[0]
    return counted


def describe_table(cursor: CursorWrapper, name: str) -> PartitionedTable:
    """Return the partitioned table `name` with its partition column and that column's type."""
    cursor.execute(
        "SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_partitioned_table p "
        "JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0] "
        "WHERE p.partrelid = %s::regclass",
        [name],
    )
    column, column_type = cursor.fetchone()
    return PartitionedTable(name=name, column=column, column_type=column_type)


def quote_name(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
