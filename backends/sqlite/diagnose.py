"""Naming the rule a refused write broke, in the words and order ``memory:`` uses.

Writes go straight to SQL, and the database refuses a missing link target, a
repeated ref or the deletion of a linked record. When it does, these cheap
queries find which rule was broken, checking in the order the memory backend
checks, so both raise the same exception with the same message.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from exchange import backend
from exchange.backend import STORED_TYPES
from exchange.codec import columns
from exchange.errors import DuplicateRef, ExchangeError, NotFound, StillReferenced
from exchange.models import Stored

from ..sql import quote
from .statements import statements

T = TypeVar("T")
Check = Callable[[sqlite3.Connection, type[Stored], T], ExchangeError | None]
"""A diagnosis: given the connection, the type and what was written, the broken rule."""


def refused_write(
    conn: sqlite3.Connection, cls: type[Stored], row: Sequence[Any]
) -> ExchangeError | None:
    """Why storing ``row`` (stored values of a ``cls`` record) was refused, if a rule says."""
    return missing_link(conn, cls, row) or duplicate_ref(conn, cls, row)


def not_updated(
    conn: sqlite3.Connection, cls: type[Stored], subject: tuple[Any, int | None]
) -> ExchangeError:
    """Why an update of record ``id`` made from revision ``read`` changed no row."""
    id, read = subject
    found = conn.execute(
        f'SELECT "revision" FROM {statements(cls).table} WHERE "id" = ?', (id,)
    ).fetchone()
    if found is None or read is None:
        return backend.no_record(cls, id)
    return backend.stale(cls, id, read, found[0])


def missing_link(
    conn: sqlite3.Connection, cls: type[Stored], row: Sequence[Any]
) -> NotFound | None:
    """A :class:`NotFound` for the first link in ``row`` whose target does not exist."""
    for column, value in zip(columns(cls), row, strict=True):
        if column.kind != "link" or value is None:
            continue
        target = column.table or ""
        found = conn.execute(f'SELECT 1 FROM {quote(target)} WHERE "id" = ?', (value,)).fetchone()
        if found is None:
            return backend.missing_link(cls, column.name, target, value)
    return None


def duplicate_ref(
    conn: sqlite3.Connection, cls: type[Stored], row: Sequence[Any]
) -> DuplicateRef | None:
    """A :class:`DuplicateRef` when another record of ``cls`` holds the ref in ``row``."""
    names = [c.name for c in columns(cls)]
    if "ref" not in names or row[names.index("ref")] is None:
        return None
    ref, id = row[names.index("ref")], row[0]
    holder = conn.execute(
        f'SELECT "id" FROM {statements(cls).table} WHERE "ref" = ? AND "id" IS NOT ?', (ref, id)
    ).fetchone()
    if holder is None:
        return None
    return backend.ref_taken(cls, ref, holder[0])


def still_referenced(
    conn: sqlite3.Connection, cls: type[Stored], id: int
) -> StillReferenced | None:
    """A :class:`StillReferenced` naming the first type whose records link to ``id``."""
    for other in STORED_TYPES:
        for column in columns(other):
            if column.kind != "link" or column.table != cls.table:
                continue
            (users,) = conn.execute(
                f"SELECT COUNT(*) FROM {quote(other.table)} WHERE {quote(column.name)} = ?", (id,)
            ).fetchone()
            if users:
                return backend.still_linked(cls, id, other.table, users, column.name)
    return None
