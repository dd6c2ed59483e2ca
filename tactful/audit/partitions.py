"""Monthly partitions of the largest append-only tables, on PostgreSQL (ADR 0019).

Contact attempts, ledger entries and audit events are RANGE-partitioned by the month of
one column each; months are UTC months. PostgreSQL requires every unique constraint of a
partitioned table to include that column, and a foreign key to point at such a
constraint. So each table's keys that must stay unique across all months (its id
included) live in a small unpartitioned *key table*, written by a trigger in the same
statement as the row, and the foreign keys that pointed at the table point at its key
table instead. The trigger also follows an update or a delete of the row, so the key
table always holds exactly the keys of the rows there are.

A default partition takes any row whose month has no partition. `prepare_months` (the
daily `prepare_partitions` job) creates the coming months, and gives every month the
default partition holds a partition of its own, moving its rows there. SQLite's tables
are left as they are: everything here is a no-op on any other database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.db import connection as default_connection
from django.db import models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
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
class KeyTable:
    """The unpartitioned table that holds a partitioned table's unique keys.

    `row_column` holds the row's id; `columns` are the unique columns, named as in the
    partitioned table.
    """

    table: str
    row_column: str
    columns: tuple[str, ...]


@dataclass(frozen=True)
class MonthlyTable:
    """A table partitioned by the month of `column`, and the key table beside it."""

    table: str
    column: str
    keys: KeyTable


@dataclass(frozen=True)
class Partition:
    """One partition as PostgreSQL describes it; `rows` is the planner's estimate
    (-1 before the partition was first analysed) except for the default, counted."""

    table: str
    name: str
    bounds: str
    rows: int


@dataclass(frozen=True)
class _PartitionedTable:
    name: str
    column: str
    column_type: str


@dataclass(frozen=True)
class _ForeignKey:
    table: str
    name: str
    column: str
    target_table: str
    target_column: str
    deferred: bool


def is_supported(connection: BaseDatabaseWrapper = default_connection) -> bool:
    """Return True where tables are partitioned: on PostgreSQL."""
    return connection.vendor == "postgresql"


# --- the migrations: a plain table becomes partitioned, and back ---------------------------


def partition_by_month(
    schema_editor: BaseDatabaseSchemaEditor,
    table: MonthlyTable,
    *,
    today: date,
    ahead: int = MONTHS_AHEAD,
) -> None:
    """Replace the plain `table` by a partitioned one holding the same rows, ids and keys.

    1. Read what the plain table has: its indexes, its foreign keys, those pointing at it.
    2. Rename it aside and create the partitioned table like it, with a default partition,
       a partition for every month it has rows in and for the months ahead of `today`.
    3. Install the key trigger, then copy the rows (the trigger fills the key table).
    4. Point the foreign keys at the key table, drop the plain table, recreate its indexes
       and a primary key of the id and the month's column.
    """
    if not is_supported(schema_editor.connection):
        return
    name, plain = table.table, f"{table.table}_unpartitioned"
    with schema_editor.connection.cursor() as cursor:
        indexes = _index_definitions(cursor, name)
        outgoing = _foreign_keys(cursor, "conrelid", name)
        incoming = [fk for fk in _foreign_keys(cursor, "confrelid", name) if fk.table != name]
        cursor.execute(f"ALTER TABLE {_quote(name)} RENAME TO {_quote(plain)}")
        cursor.execute(
            f"CREATE TABLE {_quote(name)} (LIKE {_quote(plain)} INCLUDING DEFAULTS "
            "INCLUDING IDENTITY INCLUDING CONSTRAINTS INCLUDING STORAGE INCLUDING COMMENTS) "
            f"PARTITION BY RANGE ({_quote(table.column)})"
        )
        partitioned = _describe(cursor, name)
        cursor.execute(
            f"CREATE TABLE {_quote(name + DEFAULT_SUFFIX)} PARTITION OF {_quote(name)} DEFAULT"
        )
        months = _months_with_rows(cursor, partitioned, plain) | set(_months_from(today, ahead))
        for month in sorted(months):
            _create_partition(cursor, partitioned, month)
        _install_key_trigger(cursor, table)
        cursor.execute(f"INSERT INTO {_quote(name)} SELECT * FROM {_quote(plain)}")
        _continue_ids(cursor, name)
        for key in incoming:
            _replace_foreign_key(cursor, key, table.keys)
        for key in outgoing:
            _add_foreign_key(
                cursor, _aimed_at_keys(key, table.keys) if key.target_table == name else key
            )
        cursor.execute(f"DROP TABLE {_quote(plain)}")
        _name_identity_sequence(cursor, name)
        _add_indexes(cursor, table, indexes)


def unpartition(
    schema_editor: BaseDatabaseSchemaEditor, model: type[models.Model], table: MonthlyTable
) -> None:
    """Undo `partition_by_month`: the plain table as Django creates it, with every row.

    The key table is left for the migration to drop, its foreign keys moved back.
    """
    if not is_supported(schema_editor.connection):
        return
    name = table.table
    columns = ", ".join(_quote(field.column) for field in model._meta.concrete_fields)
    with schema_editor.connection.cursor() as cursor:
        incoming = [
            fk
            for fk in _foreign_keys(cursor, "confrelid", table.keys.table)
            if fk.table not in (name, table.keys.table)
        ]
        for key in incoming:
            cursor.execute(f"ALTER TABLE {_quote(key.table)} DROP CONSTRAINT {_quote(key.name)}")
        cursor.execute(f"CREATE TEMPORARY TABLE rows_kept AS SELECT {columns} FROM {_quote(name)}")
        cursor.execute(f"DROP TABLE {_quote(name)}")
        cursor.execute(f"DROP FUNCTION {_quote(_trigger_name(name))}()")
        schema_editor.create_model(model)
        cursor.execute(f"INSERT INTO {_quote(name)} ({columns}) SELECT {columns} FROM rows_kept")
        cursor.execute("DROP TABLE rows_kept")
        _continue_ids(cursor, name)
        for key in incoming:
            _add_foreign_key(cursor, _aimed_at(key, name, "id"))


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
                created.append(_create_partition(cursor, table, month, move_rows=True))
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


def monthly_tables() -> list[_PartitionedTable]:
    """Return the tables partitioned by a range of one column, as the database says."""
    with default_connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_partitioned_table p "
            "JOIN pg_class c ON c.oid = p.partrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema() "
            "WHERE p.partstrat = 'r' AND p.partnatts = 1 ORDER BY c.relname"
        )
        names = [row[0] for row in cursor.fetchall()]
        return [_describe(cursor, name) for name in names]


def month_partition_name(table: str, month: date) -> str:
    return f"{table}_y{month.year:04d}m{month.month:02d}"


# --- months -------------------------------------------------------------------------------


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def _months_from(today: date, ahead: int) -> list[date]:
    months = [month_start(today)]
    for _ in range(ahead):
        months.append(next_month(months[-1]))
    return months


def _months_missing(table: _PartitionedTable, today: date, ahead: int) -> list[date]:
    with default_connection.cursor() as cursor:
        wanted = set(_months_from(today, ahead))
        wanted |= _months_with_rows(cursor, table, table.name + DEFAULT_SUFFIX)
        prepared = {_month_of(partition.name) for partition in _partitions_of(cursor, table)}
    return sorted(wanted - prepared)


def _month_of(partition_name: str) -> date | None:
    found = _MONTH_NAME.search(partition_name)
    return date(int(found[1]), int(found[2]), 1) if found else None


def _months_with_rows(cursor: CursorWrapper, table: _PartitionedTable, source: str) -> set[date]:
    column = _quote(table.column)
    if table.column_type == "date":
        month = f"date_trunc('month', {column})::date"
    else:
        month = f"date_trunc('month', {column} AT TIME ZONE 'UTC')::date"
    cursor.execute(f"SELECT DISTINCT {month} FROM {_quote(source)}")
    return {row[0] for row in cursor.fetchall()}


def _bound(table: _PartitionedTable, month: date) -> str:
    if table.column_type == "date":
        return f"'{month.isoformat()}'"
    return f"'{month.isoformat()} 00:00:00+00'"


# --- partitions -----------------------------------------------------------------------------


def _create_partition(
    cursor: CursorWrapper, table: _PartitionedTable, month: date, *, move_rows: bool = False
) -> str:
    """Create the partition of `month`; with `move_rows`, first take the month's rows out of
    the default partition (PostgreSQL refuses a partition whose rows the default holds)
    and put them back through the table once it exists.

    Taking them out deletes their keys and putting them back inserts them again, in this
    one transaction: a concurrent insert of the same key waits for it, then fails.
    """
    name = month_partition_name(table.name, month)
    lower, upper = _bound(table, month), _bound(table, next_month(month))
    in_month = f"{_quote(table.column)} >= {lower} AND {_quote(table.column)} < {upper}"
    if move_rows:
        cursor.execute(
            f"CREATE TEMPORARY TABLE rows_moving (LIKE {_quote(table.name)}) ON COMMIT DROP"
        )
        cursor.execute(
            f"WITH moved AS (DELETE FROM {_quote(table.name + DEFAULT_SUFFIX)} WHERE {in_month} "
            "RETURNING *) INSERT INTO rows_moving SELECT * FROM moved"
        )
    cursor.execute(
        f"CREATE TABLE {_quote(name)} PARTITION OF {_quote(table.name)} "
        f"FOR VALUES FROM ({lower}) TO ({upper})"
    )
    if move_rows:
        cursor.execute(f"INSERT INTO {_quote(table.name)} SELECT * FROM rows_moving")
        cursor.execute("DROP TABLE rows_moving")
    return name


def _partitions_of(cursor: CursorWrapper, table: _PartitionedTable) -> list[Partition]:
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
    cursor.execute(f"SELECT count(*) FROM {_quote(table)}")
    counted: int = cursor.fetchone()[0]
    return counted


def _describe(cursor: CursorWrapper, name: str) -> _PartitionedTable:
    cursor.execute(
        "SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_partitioned_table p "
        "JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0] "
        "WHERE p.partrelid = %s::regclass",
        [name],
    )
    column, column_type = cursor.fetchone()
    return _PartitionedTable(name=name, column=column, column_type=column_type)


# --- keys -----------------------------------------------------------------------------------


def _trigger_name(table: str) -> str:
    return f"{table}_keys"


def _install_key_trigger(cursor: CursorWrapper, table: MonthlyTable) -> None:
    """Keep `table.keys` in step with the rows: an insert adds their keys (a duplicate
    fails the insert), an update changes them, a delete removes them. A row moved to
    another partition is deleted and inserted again, and so are its keys."""
    keys, name = table.keys, _quote(_trigger_name(table.table))
    key_table = _quote(keys.table)
    columns = (keys.row_column, *keys.columns)
    values = ("NEW.id", *(f"NEW.{_quote(column)}" for column in keys.columns))
    changes = ", ".join(
        f"{_quote(column)} = {value}" for column, value in zip(columns, values, strict=True)
    )
    where = f"{_quote(keys.row_column)} = OLD.id"
    cursor.execute(
        f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
        "BEGIN\n"
        "    IF TG_OP = 'INSERT' THEN\n"
        f"        INSERT INTO {key_table} ({_names(columns)}) VALUES ({', '.join(values)});\n"
        "    ELSIF TG_OP = 'UPDATE' THEN\n"
        f"        UPDATE {key_table} SET {changes} WHERE {where};\n"
        "    ELSE\n"
        f"        DELETE FROM {key_table} WHERE {where};\n"
        "    END IF;\n"
        "    RETURN NULL;\n"
        "END\n"
        "$$"
    )
    cursor.execute(
        f"CREATE TRIGGER {name} AFTER INSERT OR DELETE OR UPDATE OF "
        f"{_names(('id', *keys.columns))} ON {_quote(table.table)} "
        f"FOR EACH ROW EXECUTE FUNCTION {name}()"
    )


def _continue_ids(cursor: CursorWrapper, table: str) -> None:
    """Make the table's id sequence continue after the ids it holds."""
    cursor.execute(
        f"SELECT setval(pg_get_serial_sequence(%s, 'id'), COALESCE(MAX(id), 0) + 1, false) "
        f"FROM {_quote(table)}",
        [table],
    )


def _name_identity_sequence(cursor: CursorWrapper, table: str) -> None:
    # The copied identity got a sequence named after the renamed table's, taken then.
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
    [sequence] = cursor.fetchone()
    cursor.execute(f"ALTER SEQUENCE {sequence} RENAME TO {_quote(f'{table}_id_seq')}")


def _add_indexes(cursor: CursorWrapper, table: MonthlyTable, definitions: Iterable[str]) -> None:
    name = table.table
    cursor.execute(
        f"ALTER TABLE {_quote(name)} ADD CONSTRAINT {_quote(f'{name}_pkey')} "
        f"PRIMARY KEY (id, {_quote(table.column)})"
    )
    for definition in definitions:
        cursor.execute(definition)
    # The unique columns are still looked up here; their uniqueness is the key table's.
    for column in table.keys.columns:
        index = _quote(f"{name}_{column}_lookup")
        cursor.execute(f"CREATE INDEX {index} ON {_quote(name)} ({_quote(column)})")


def _index_definitions(cursor: CursorWrapper, table: str) -> list[str]:
    """Return the CREATE INDEX statements of `table`'s indexes that back no constraint."""
    cursor.execute(
        "SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i WHERE i.indrelid = %s::regclass "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) "
        "ORDER BY i.indexrelid",
        [table],
    )
    return [row[0] for row in cursor.fetchall()]


# --- foreign keys ---------------------------------------------------------------------------


def _foreign_keys(cursor: CursorWrapper, side: str, table: str) -> list[_ForeignKey]:
    """Return the one-column foreign keys from (`conrelid`) or to (`confrelid`) `table`."""
    cursor.execute(
        "SELECT source.relname, c.conname, source_column.attname, target.relname, "
        "target_column.attname, c.condeferred, c.confdeltype, c.confupdtype "
        "FROM pg_constraint c "
        "JOIN pg_class source ON source.oid = c.conrelid "
        "JOIN pg_class target ON target.oid = c.confrelid "
        "JOIN pg_attribute source_column "
        "  ON source_column.attrelid = c.conrelid AND source_column.attnum = c.conkey[1] "
        "JOIN pg_attribute target_column "
        "  ON target_column.attrelid = c.confrelid AND target_column.attnum = c.confkey[1] "
        # A partition's copy of its table's key (conparentid) goes with the table's own.
        f"WHERE c.contype = 'f' AND c.conparentid = 0 AND c.{side} = %s::regclass "
        "ORDER BY c.conname",
        [table],
    )
    return [_foreign_key(row) for row in cursor.fetchall()]


def _foreign_key(row: Sequence[object]) -> _ForeignKey:
    table, name, column, target_table, target_column, deferred, on_delete, on_update = row
    # Django's keys take no action on delete or update; any other kind would be lost here.
    if (on_delete, on_update) != ("a", "a"):
        raise ValueError(f"foreign key {name} has an action this conversion does not keep")
    return _ForeignKey(
        table=str(table),
        name=str(name),
        column=str(column),
        target_table=str(target_table),
        target_column=str(target_column),
        deferred=bool(deferred),
    )


def _aimed_at_keys(key: _ForeignKey, keys: KeyTable) -> _ForeignKey:
    return _aimed_at(key, keys.table, keys.row_column)


def _aimed_at(key: _ForeignKey, table: str, column: str) -> _ForeignKey:
    return _ForeignKey(key.table, key.name, key.column, table, column, key.deferred)


def _replace_foreign_key(cursor: CursorWrapper, key: _ForeignKey, keys: KeyTable) -> None:
    cursor.execute(f"ALTER TABLE {_quote(key.table)} DROP CONSTRAINT {_quote(key.name)}")
    _add_foreign_key(cursor, _aimed_at_keys(key, keys))


def _add_foreign_key(cursor: CursorWrapper, key: _ForeignKey) -> None:
    deferral = " DEFERRABLE INITIALLY DEFERRED" if key.deferred else ""
    cursor.execute(
        f"ALTER TABLE {_quote(key.table)} ADD CONSTRAINT {_quote(key.name)} "
        f"FOREIGN KEY ({_quote(key.column)}) "
        f"REFERENCES {_quote(key.target_table)} ({_quote(key.target_column)}){deferral}"
    )


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _names(names: Iterable[str]) -> str:
    return ", ".join(_quote(name) for name in names)
