"""Filtering by a chunk's ids: thousands of ids as one parameter, not thousands.

A chunk of a batch run reads its rows with `filter(among("loan_id", ids))`. Django's
`__in` writes one placeholder per id: for a chunk of 2,000 loans, each of a plan chunk's
seven reads sent a statement of 2,000 placeholders that Django prepared value by value and
psycopg parsed and PostgreSQL planned again. On PostgreSQL `among` sends the ids as one
array (`= ANY(%s)`); elsewhere it is `IN`, as before.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db.models import F
from django.db.models.lookups import In


class AmongIds(In[Any]):
    """`column = ANY(ids)` on PostgreSQL, `column IN (ids)` elsewhere; ids are integers."""

    lookup_name = "among_ids"

    def get_prep_lookup(self) -> Any:
        if isinstance(self.rhs, Collection) and not isinstance(self.rhs, str | bytes):
            # Refuse anything but whole numbers, as the `IN` path would (an id of "1 OR 1"
            # must fail, not be quoted into a query).
            return sorted({_as_id(value) for value in self.rhs})
        return super().get_prep_lookup()

    def as_postgresql(self, compiler: Any, connection: Any) -> tuple[str, Any]:
        if not isinstance(self.rhs, list):
            return super().as_sql(compiler, connection)
        if not self.rhs:
            # As `IN` does: no ids, no query at all (the queryset is known to be empty).
            raise EmptyResultSet
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s::bigint[])", [*lhs_params, self.rhs]


def among(field: str, ids: Collection[int]) -> AmongIds:
    """A filter: `field` is one of `ids` (`queryset.filter(among("loan_id", ids))`)."""
    return AmongIds(F(field), list(ids))


def _as_id(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"an id must be an integer, not {type(value).__name__}")
    return value
