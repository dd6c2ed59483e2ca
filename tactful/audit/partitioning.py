"""How a plain table becomes partitioned by month, and back: what the migrations call.

PostgreSQL requires every unique constraint of a partitioned table to include its
partition column, and a foreign key to point at such a constraint. So the keys of a table
that must stay unique across all months (its id included) live in a small unpartitioned
*key table*, written by a trigger in the same statement as the row, and the foreign keys
that pointed at the table point at its key table instead. The trigger also follows an
update or a delete of the row, so the key table always holds exactly the keys of the rows
there are (ADR 0019). Everything here is a no-op on any other database than PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.db import models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.backends.utils import CursorWrapper

from tactful.audit.partitions import (
    DEFAULT_SUFFIX,
    MONTHS_AHEAD,
    create_partition,
    describe_table,
    is_supported,
    months_from,
    months_with_rows,
    quote_name,
)


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
class _ForeignKey:
    table: str
    name: str
    column: str
    target_table: str
    target_column: str
    deferred: bool


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
        before = _read_plain_table(cursor, name)
        cursor.execute(f"ALTER TABLE {quote_name(name)} RENAME TO {quote_name(plain)}")
        _create_partitioned_table(cursor, table, plain, months_from(today, ahead))
        _install_key_trigger(cursor, table)
        cursor.execute(f"INSERT INTO {quote_name(name)} SELECT * FROM {quote_name(plain)}")
        _continue_ids(cursor, name)
        _move_foreign_keys(cursor, table, before)
        cursor.execute(f"DROP TABLE {quote_name(plain)}")
        _name_identity_sequence(cursor, name)
        _add_indexes(cursor, table, before)


@dataclass(frozen=True)
class _PlainTable:
    """What the plain table had: its indexes that back no constraint (and the columns they
    lead with), its foreign keys, and those of other tables pointing at it."""

    indexes: list[str]
    indexed_columns: set[str]
    outgoing: list[_ForeignKey]
    incoming: list[_ForeignKey]


def _read_plain_table(cursor: CursorWrapper, name: str) -> _PlainTable:
    # Its own reference to itself (a reversal's entry) is among the outgoing ones.
    incoming = [key for key in _foreign_keys(cursor, "confrelid", name) if key.table != name]
    indexes = _indexes(cursor, name)
    return _PlainTable(
        indexes=[definition for definition, _ in indexes],
        indexed_columns={column for _, column in indexes},
        outgoing=_foreign_keys(cursor, "conrelid", name),
        incoming=incoming,
    )


def _create_partitioned_table(
    cursor: CursorWrapper, table: MonthlyTable, plain: str, months_ahead: Iterable[date]
) -> None:
    name = table.table
    cursor.execute(
        f"CREATE TABLE {quote_name(name)} (LIKE {quote_name(plain)} INCLUDING DEFAULTS "
        "INCLUDING IDENTITY INCLUDING CONSTRAINTS INCLUDING STORAGE INCLUDING COMMENTS) "
        f"PARTITION BY RANGE ({quote_name(table.column)})"
    )
    cursor.execute(
        f"CREATE TABLE {quote_name(name + DEFAULT_SUFFIX)} PARTITION OF {quote_name(name)} DEFAULT"
    )
    partitioned = describe_table(cursor, name)
    for month in sorted(months_with_rows(cursor, partitioned, plain) | set(months_ahead)):
        create_partition(cursor, partitioned, month)


def _move_foreign_keys(cursor: CursorWrapper, table: MonthlyTable, before: _PlainTable) -> None:
    """Point the keys at the table, and its own at itself, at the key table; keep the rest."""
    for key in before.incoming:
        _replace_foreign_key(cursor, key, table.keys)
    for key in before.outgoing:
        aimed_at_itself = key.target_table == table.table
        _add_foreign_key(cursor, _aimed_at_keys(key, table.keys) if aimed_at_itself else key)


def unpartition(
    schema_editor: BaseDatabaseSchemaEditor, model: type[models.Model], table: MonthlyTable
) -> None:
    """Undo `partition_by_month`: the plain table as Django creates it, with every row.

    The key table is left for the migration to drop, its foreign keys moved back.
    """
    if not is_supported(schema_editor.connection):
        return
    name = quote_name(table.table)
    columns = _names(field.column for field in model._meta.concrete_fields)
    with schema_editor.connection.cursor() as cursor:
        incoming = [
            key
            for key in _foreign_keys(cursor, "confrelid", table.keys.table)
            if key.table not in (table.table, table.keys.table)
        ]
        for key in incoming:
            _drop_foreign_key(cursor, key)
        cursor.execute(f"CREATE TEMPORARY TABLE rows_kept AS SELECT {columns} FROM {name}")
        cursor.execute(f"DROP TABLE {name}")
        cursor.execute(f"DROP FUNCTION {quote_name(_trigger_name(table.table))}()")
        schema_editor.create_model(model)
        cursor.execute(f"INSERT INTO {name} ({columns}) SELECT {columns} FROM rows_kept")
        cursor.execute("DROP TABLE rows_kept")
        _continue_ids(cursor, table.table)
        for key in incoming:
            _add_foreign_key(cursor, _aimed_at(key, table.table, "id"))


# --- keys -----------------------------------------------------------------------------------


def _trigger_name(table: str) -> str:
    return f"{table}_keys"


def _install_key_trigger(cursor: CursorWrapper, table: MonthlyTable) -> None:
    """Keep `table.keys` in step with the rows: an insert adds their keys (a duplicate
    fails the insert), an update changes them, a delete removes them. A row moved to
    another partition is deleted and inserted again, and so are its keys."""
    keys, name = table.keys, quote_name(_trigger_name(table.table))
    key_table = quote_name(keys.table)
    columns = (keys.row_column, *keys.columns)
    values = ("NEW.id", *(f"NEW.{quote_name(column)}" for column in keys.columns))
    changes = ", ".join(
        f"{quote_name(column)} = {value}" for column, value in zip(columns, values, strict=True)
    )
    where = f"{quote_name(keys.row_column)} = OLD.id"
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
        f"{_names(('id', *keys.columns))} ON {quote_name(table.table)} "
        f"FOR EACH ROW EXECUTE FUNCTION {name}()"
    )


def _continue_ids(cursor: CursorWrapper, table: str) -> None:
    """Make the table's id sequence continue after the ids it holds."""
    cursor.execute(
        f"SELECT setval(pg_get_serial_sequence(%s, 'id'), COALESCE(MAX(id), 0) + 1, false) "
        f"FROM {quote_name(table)}",
        [table],
    )


def _name_identity_sequence(cursor: CursorWrapper, table: str) -> None:
    # The copied identity got a sequence named after the renamed table's, taken then.
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
    [sequence] = cursor.fetchone()
    cursor.execute(f"ALTER SEQUENCE {sequence} RENAME TO {quote_name(f'{table}_id_seq')}")


def _add_indexes(cursor: CursorWrapper, table: MonthlyTable, before: _PlainTable) -> None:
    name = table.table
    cursor.execute(
        f"ALTER TABLE {quote_name(name)} ADD CONSTRAINT {quote_name(f'{name}_pkey')} "
        f"PRIMARY KEY (id, {quote_name(table.column)})"
    )
    for definition in before.indexes:
        cursor.execute(definition)
    # The unique columns are still looked up here, their uniqueness now the key table's. A
    # text column's pattern index (Django's `_like`) serves equality already.
    for column in sorted(set(table.keys.columns) - before.indexed_columns):
        index = quote_name(f"{name}_{column}_lookup")
        cursor.execute(f"CREATE INDEX {index} ON {quote_name(name)} ({quote_name(column)})")


def _indexes(cursor: CursorWrapper, table: str) -> list[tuple[str, str]]:
    """Return the CREATE INDEX statement and first column of each of `table`'s indexes
    that back no constraint."""
    cursor.execute(
        "SELECT pg_get_indexdef(i.indexrelid), a.attname FROM pg_index i "
        "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0] "
        "WHERE i.indrelid = %s::regclass "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) "
        "ORDER BY i.indexrelid",
        [table],
    )
    return [(definition, column) for definition, column in cursor.fetchall()]


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
    _drop_foreign_key(cursor, key)
    _add_foreign_key(cursor, _aimed_at_keys(key, keys))


def _drop_foreign_key(cursor: CursorWrapper, key: _ForeignKey) -> None:
    cursor.execute(f"ALTER TABLE {quote_name(key.table)} DROP CONSTRAINT {quote_name(key.name)}")


def _add_foreign_key(cursor: CursorWrapper, key: _ForeignKey) -> None:
    deferral = " DEFERRABLE INITIALLY DEFERRED" if key.deferred else ""
    cursor.execute(
        f"ALTER TABLE {quote_name(key.table)} ADD CONSTRAINT {quote_name(key.name)} "
        f"FOREIGN KEY ({quote_name(key.column)}) "
        f"REFERENCES {quote_name(key.target_table)} ({quote_name(key.target_column)}){deferral}"
    )


def _names(names: Iterable[str]) -> str:
    return ", ".join(quote_name(name) for name in names)
