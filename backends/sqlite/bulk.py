"""Streaming many records of one type into their table (DESIGN §10).

Records are encoded to positional tuples by :func:`exchange.codec.row_encoder`
and passed lazily to ``executemany`` in batches, with no per-row work beyond the
encoding and the digest the change log needs. The caller runs this inside one
transaction, so a refused row leaves nothing of the load behind.

Loading more than a batch into a table that held less than one, the plain
(non-unique) indexes are dropped after the first batch and built again at the
end: sorting once is several times faster than growing an index row by row.
The unique ``ref`` index and the foreign keys stay, so every row is still
checked as it arrives.
"""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Iterable, Iterator
from typing import Any

from exchange import backend
from exchange.backend import BulkResult, restored_id
from exchange.changelog import RowDigest
from exchange.codec import row_encoder
from exchange.models import Stored

from ..sql import quote
from .diagnose import refused_write
from .statements import statements

DEFAULT_BATCH = 10_000


def insert(
    conn: sqlite3.Connection, cls: type[Stored], records: Iterable[Stored], batch_size: int
) -> BulkResult:
    """Insert ``records`` in batches; the caller holds the transaction.

    A refused row raises what ``memory:`` raises for it (checked on that row
    only, after the failure); other driver errors propagate for the caller to
    translate.
    """
    size = batch_size if batch_size > 0 else DEFAULT_BATCH
    digest = RowDigest(cls)
    last: list[tuple[Any, ...]] = [()]
    rows = _encoded(cls, records, digest, last)
    small = _holds_fewer(conn, cls, size)
    dropped: list[str] = []
    cursor = conn.cursor()
    stored = 0
    try:
        while True:
            cursor.executemany(statements(cls).insert, itertools.islice(rows, size))
            stored += cursor.rowcount
            if cursor.rowcount < size:
                break
            if small and not dropped:
                dropped = _drop_plain_indexes(conn, cls)
    except sqlite3.IntegrityError:
        refusal = refused_write(conn, cls, last[0])
        if refusal is None:
            raise
        raise refusal from None
    finally:
        cursor.close()
    for sql in dropped:
        conn.execute(sql)
    return _result(conn, stored, digest)


def restore(
    conn: sqlite3.Connection, cls: type[Stored], records: Iterable[Stored], batch_size: int
) -> int:
    """Insert ``records`` with their own ids in batches; the caller holds the transaction.

    ``AUTOINCREMENT`` moves the table's sequence past the largest id restored.
    """
    size = batch_size if batch_size > 0 else DEFAULT_BATCH
    found = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = ?", (cls.table,)).fetchone()
    last: list[tuple[Any, ...]] = [()]
    rows = _with_ids(cls, records, (found[0] if found else 0) + 1, last)
    cursor = conn.cursor()
    stored = 0
    try:
        while True:
            cursor.executemany(statements(cls).insert, itertools.islice(rows, size))
            stored += cursor.rowcount
            if cursor.rowcount < size:
                return stored
    except sqlite3.IntegrityError:
        refusal = refused_write(conn, cls, last[0])
        if refusal is None:
            raise
        raise refusal from None
    finally:
        cursor.close()


def _with_ids(
    cls: type[Stored], records: Iterable[Stored], next_id: int, last: list[tuple[Any, ...]]
) -> Iterator[tuple[Any, ...]]:
    """Each record as a stored row with its own id, checked by :func:`restored_id`."""
    encode = row_encoder(cls)
    for record in records:
        next_id = restored_id(record, next_id) + 1
        last[0] = row = encode(record)
        yield row


def _encoded(
    cls: type[Stored], records: Iterable[Stored], digest: RowDigest, last: list[tuple[Any, ...]]
) -> Iterator[tuple[Any, ...]]:
    """Each record as a stored row (``id`` NULL), added to ``digest``; ``last[0]`` the latest."""
    encode = row_encoder(cls)
    fold = digest.add
    for record in records:
        row = encode(record)
        if row[0] is not None:
            raise backend.has_id(cls, row[0])
        fold(row)
        last[0] = row
        yield row


def _holds_fewer(conn: sqlite3.Connection, cls: type[Stored], rows: int) -> bool:
    """Whether the table of ``cls`` holds fewer than ``rows`` rows (reading at most that many)."""
    sql = f"SELECT COUNT(*) FROM (SELECT 1 FROM {statements(cls).table} LIMIT ?)"
    return bool(conn.execute(sql, (rows,)).fetchone()[0] < rows)


def _drop_plain_indexes(conn: sqlite3.Connection, cls: type[Stored]) -> list[str]:
    """Drop the non-unique indexes of ``cls``'s table; return the SQL that rebuilds them."""
    found = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
        "AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%'",
        (cls.table,),
    ).fetchall()
    for name, _ in found:
        conn.execute(f"DROP INDEX {quote(name)}")
    return [sql for _, sql in found]


def _result(conn: sqlite3.Connection, stored: int, digest: RowDigest) -> BulkResult:
    if not stored:
        return BulkResult(count=0, first_id=None, last_id=None, digest=digest.hexdigest())
    # ids are consecutive: the transaction holds the write lock and ids only grow
    (last_id,) = conn.execute("SELECT last_insert_rowid()").fetchone()
    return BulkResult(
        count=stored, first_id=last_id - stored + 1, last_id=last_id, digest=digest.hexdigest()
    )
