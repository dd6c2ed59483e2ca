"""Where rows of the monthly tables are, and which partitions a query reads (PostgreSQL)."""

from __future__ import annotations

import re

from django.db import connection, models


def partition_holding(row: models.Model) -> str:
    """Return the name of the partition that holds `row`."""
    table = row._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT tableoid::regclass::text FROM "{table}" WHERE id = %s', [row.pk])
        [name] = cursor.fetchone()
    return str(name)


def partitions_read(rows: models.QuerySet[models.Model]) -> set[str]:
    """Return the partitions PostgreSQL's plan for `rows` reads: the others are pruned."""
    table = rows.model._meta.db_table
    plan = rows.explain()
    return set(re.findall(rf"\b{table}_(?:y\d{{4}}m\d{{2}}|default)\b", plan))
