"""Naming the rule a refused write broke, in the words and order ``memory:`` uses.

Writes go straight to SQL, and PostgreSQL refuses a missing link target, a
repeated ref or the deletion of a linked record. When it does, these queries
find which rule was broken, checking in the order the memory backend checks,
so both raise the same exception with the same message. They run after the
refused statement was rolled back (to its savepoint inside a transaction).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from exchange import backend
from exchange.backend import STORED_TYPES
from exchange.codec import columns
from exchange.errors import DuplicateRef, ExchangeError, NotFound, StaleRecord, StillReferenced
from exchange.models import Stored

from ..sql import quote
from .statements import statements

if TYPE_CHECKING:
    from psycopg import Connection
    from psycopg.rows import TupleRow

T = TypeVar("T")
Check = Callable[["Connection[TupleRow]", type[Stored], T], ExchangeError | None]
"""A diagnosis: given the connection, the type and what was written, the broken rule."""


def missing(conn: Connection[TupleRow], cls: type[Stored], id: int | None) -> NotFound | None:
    """A :class:`NotFound` when no ``cls`` record has ``id``."""
    sql = f'SELECT 1 FROM {statements(cls).table} WHERE "id" = %s'
    if id is not None and conn.execute(sql, (id,)).fetchone() is not None:
        return None
    return backend.no_record(cls, id)


def stale(
    conn: Connection[TupleRow], cls: type[Stored], id: int | None, read: int | None
) -> StaleRecord | None:
    """A :class:`StaleRecord` when record ``id``'s stored revision is not ``read``."""
    sql = f'SELECT "revision" FROM {statements(cls).table} WHERE "id" = %s'
    found = None if read is None else conn.execute(sql, (id,)).fetchone()
    if found is None or found[0] == read:
        return None
    return backend.stale(cls, id, read or 0, found[0])


def refused_write(
    conn: Connection[TupleRow], cls: type[Stored], row: Sequence[Any]
) -> ExchangeError | None:
    """Why storing ``row`` (stored values of a ``cls`` record) was refused, if a rule says."""
    return missing_link(conn, cls, row) or duplicate_ref(conn, cls, row)


def missing_link(
    conn: Connection[TupleRow], cls: type[Stored], row: Sequence[Any]
) -> NotFound | None:
    """A :class:`NotFound` for the first link in ``row`` whose target does not exist."""
    for column, value in zip(columns(cls), row, strict=True):
        if column.kind != "link" or value is None:
            continue
        target = column.table or ""
        sql = f'SELECT 1 FROM {quote(target)} WHERE "id" = %s'
        if conn.execute(sql, (value,)).fetchone() is None:
            return backend.missing_link(cls, column.name, target, value)
    return None


def duplicate_ref(
    conn: Connection[TupleRow], cls: type[Stored], row: Sequence[Any]
) -> DuplicateRef | None:
    """A :class:`DuplicateRef` when another record of ``cls`` holds the ref in ``row``."""
    names = [c.name for c in columns(cls)]
    if "ref" not in names or row[names.index("ref")] is None:
        return None
    ref, id = row[names.index("ref")], row[0]
    sql = f'SELECT "id" FROM {statements(cls).table} WHERE "ref" = %s AND "id" IS DISTINCT FROM %s'
    holder = conn.execute(sql, (ref, id)).fetchone()
    return None if holder is None else backend.ref_taken(cls, ref, holder[0])


def still_referenced(
    conn: Connection[TupleRow], cls: type[Stored], id: int
) -> StillReferenced | None:
    """A :class:`StillReferenced` naming the first type whose records link to ``id``."""
    for other in STORED_TYPES:
        for column in columns(other):
            if column.kind != "link" or column.table != cls.table:
                continue
            sql = f"SELECT COUNT(*) FROM {quote(other.table)} WHERE {quote(column.name)} = %s"
            found = conn.execute(sql, (id,)).fetchone()
            users = found[0] if found else 0
            if users:
                return backend.still_linked(cls, id, other.table, users, column.name)
    return None


def refused_batch(
    conn: Connection[TupleRow], cls: type[Stored], rows: Sequence[Sequence[Any]]
) -> ExchangeError | None:
    """The error ``memory:`` raises for the first bad row of a refused bulk batch.

    ``rows`` carry the ids they were given. Links are checked against the
    stored records, refs against the stored records and the rows before.
    """
    cols = columns(cls)
    links = [(i, c) for i, c in enumerate(cols) if c.kind == "link"]
    existing: dict[int, set[Any]] = {}
    for i, column in links:
        wanted = sorted({row[i] for row in rows if row[i] is not None})
        sql = f'SELECT "id" FROM {quote(column.table or "")} WHERE "id" = ANY(%s::bigint[])'
        existing[i] = {found for (found,) in conn.execute(sql, (wanted,)).fetchall()}
    at = [c.name for c in cols].index("ref") if any(c.name == "ref" for c in cols) else None
    holders: dict[Any, Any] = {}
    if at is not None:
        refs = sorted({row[at] for row in rows if row[at] is not None})
        sql = f'SELECT "ref", "id" FROM {statements(cls).table} WHERE "ref" = ANY(%s::text[])'
        holders = dict(conn.execute(sql, (refs,)).fetchall())
    for row in rows:
        for i, column in links:
            if row[i] is not None and row[i] not in existing[i]:
                return backend.missing_link(cls, column.name, column.table or "", row[i])
        if at is not None and row[at] is not None:
            if row[at] in holders:
                return backend.ref_taken(cls, row[at], holders[row[at]])
            holders[row[at]] = row[0]
    return None
