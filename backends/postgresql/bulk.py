"""Streaming many records of one type into their table with ``COPY`` (DESIGN §10).

Records are encoded to positional tuples by :func:`exchange.codec.row_encoder`,
given consecutive ids from the table's counter (locked for the transaction)
and sent with ``COPY … FROM STDIN`` in batches, each under a savepoint, by a
thread of its own (:class:`_Sender`) so that PostgreSQL stores one batch while
the next is built. The caller runs this inside one transaction, so a refused
row leaves nothing of the load behind.

A login bound by row-level security (:mod:`.security`: not the tables' owner) cannot
``COPY`` into a record table, so its batches are copied to a temporary table and
inserted from there, each row meeting the table's policies.

When PostgreSQL refuses a batch (a missing link, a repeated ref), the batch is
rolled back to its savepoint and :func:`~.diagnose.refused_batch` names its
first bad row, as ``memory:`` would have. When the record source itself fails
midway, the rows read before the failure are sent first, so a bad row among
them is reported, as ``memory:`` reports it, before the source's error.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

import psycopg

from exchange import backend
from exchange.backend import BulkResult, restored_id
from exchange.changelog import RowDigest
from exchange.codec import row_encoder
from exchange.errors import BackendError, ExchangeError
from exchange.i18n import message, table_noun
from exchange.models import Stored

from ..sql import quote
from .diagnose import refused_batch
from .statements import IDS_TABLE, statements

if TYPE_CHECKING:
    from psycopg import Connection
    from psycopg.rows import TupleRow

DEFAULT_BATCH = 10_000
_SAVEPOINT = "exchange_batch"
_STAGE = '"exchange_load"'
"""A temporary table a batch is copied to first when row-level security binds the
login (PostgreSQL refuses ``COPY … FROM`` into such a table), then inserted from."""


def insert(
    conn: Connection[TupleRow], cls: type[Stored], records: Iterable[Stored], batch_size: int
) -> BulkResult:
    """COPY ``records`` in batches; the caller holds the transaction.

    A refused row raises what ``memory:`` raises for it; other driver errors
    propagate for the caller to translate.
    """
    last_id = _lock_counter(conn, cls)
    digest = RowDigest(cls)
    stored = _send(conn, cls, _numbered(cls, records, digest, last_id + 1), batch_size)
    if not stored:
        return BulkResult(count=0, first_id=None, last_id=None, digest=digest.hexdigest())
    _move_counter(conn, cls, last_id + stored)
    return BulkResult(
        count=stored, first_id=last_id + 1, last_id=last_id + stored, digest=digest.hexdigest()
    )


def restore(
    conn: Connection[TupleRow], cls: type[Stored], records: Iterable[Stored], batch_size: int
) -> int:
    """COPY ``records`` with their own ids in batches; the caller holds the transaction.

    The table's id counter moves past the largest id restored.
    """
    largest = [_lock_counter(conn, cls)]
    stored = _send(conn, cls, _with_ids(cls, records, largest), batch_size)
    if stored:
        _move_counter(conn, cls, largest[0])
    return stored


def _send(
    conn: Connection[TupleRow], cls: type[Stored], rows: Iterator[tuple[Any, ...]], size: int
) -> int:
    """COPY ``rows`` in batches of ``size``; return how many were stored."""
    size = size if size > 0 else DEFAULT_BATCH
    sender = _Sender(conn, cls)
    stored = 0
    try:
        while True:
            batch, failure = _read(rows, size)
            sender.wait()  # the batch before: stored, or its first bad row raised
            if batch:
                sender.send(batch)
                stored += len(batch)
            if failure is not None:
                sender.wait()  # a bad row read before the failure is reported first
                raise failure
            if len(batch) < size:
                break
        sender.wait()
    finally:
        sender.join()
    return stored


def _row_security(conn: Connection[TupleRow], table: str) -> bool:
    """Whether row-level security binds the connected login on ``table`` (quoted)."""
    found = conn.execute("SELECT row_security_active(%s::regclass)", (table,)).fetchone()
    return bool(found and found[0])


def _move_counter(conn: Connection[TupleRow], cls: type[Stored], last_id: int) -> None:
    conn.execute(
        f'UPDATE {quote(IDS_TABLE)} SET "last_id" = %s WHERE "table_name" = %s',
        (last_id, cls.table),
    )


def _lock_counter(conn: Connection[TupleRow], cls: type[Stored]) -> int:
    """The table's last id, its counter row locked until the transaction ends."""
    sql = f'SELECT "last_id" FROM {quote(IDS_TABLE)} WHERE "table_name" = %s FOR UPDATE'
    found = conn.execute(sql, (cls.table,)).fetchone()
    if found is None:
        raise BackendError(
            message(
                "the id counter of {table} is missing; the schema is damaged",
                table=table_noun(cls.table),
            )
        )
    return int(found[0])


def _numbered(
    cls: type[Stored], records: Iterable[Stored], digest: RowDigest, first_id: int
) -> Iterator[tuple[Any, ...]]:
    """Each record as a stored row with its new id, its row (id left out) added to ``digest``."""
    encode = row_encoder(cls)
    fold = digest.add
    for new_id, record in zip(itertools.count(first_id), records):
        row = encode(record)
        if row[0] is not None:
            raise backend.has_id(cls, row[0])
        fold(row)
        yield (new_id, *row[1:])


def _with_ids(
    cls: type[Stored], records: Iterable[Stored], largest: list[int]
) -> Iterator[tuple[Any, ...]]:
    """Each record as a stored row with its own id; ``largest[0]`` the largest id so far."""
    encode = row_encoder(cls)
    for record in records:
        largest[0] = restored_id(record, largest[0] + 1)
        yield encode(record)


def _read(
    rows: Iterator[tuple[Any, ...]], size: int
) -> tuple[list[tuple[Any, ...]], Exception | None]:
    """Up to ``size`` rows, and the exception that stopped the source early, if any."""
    batch: list[tuple[Any, ...]] = []
    try:
        batch.extend(itertools.islice(rows, size))
    except Exception as failure:  # the caller's source (or a rule it checks) failed
        return batch, failure
    return batch, None


class _Sender:
    """COPYs one batch at a time, each under a savepoint, in a thread of its own.

    The server stores a batch while the caller's records for the next one are
    built, checked and encoded. Rows are read before their COPY starts, never
    during it: the source may query the store (the Tracker's rules look up
    linked records) and the connection does nothing else while a COPY is open
    (psycopg's connection lock makes such a query wait for the COPY to end).
    """

    def __init__(self, conn: Connection[TupleRow], cls: type[Stored]) -> None:
        self._conn = conn
        self._cls = cls
        self._table = statements(cls).table
        self._staged = _row_security(conn, self._table)
        copy = statements(cls).copy
        self._statement = copy.replace(self._table, _STAGE, 1) if self._staged else copy
        self._thread: threading.Thread | None = None
        self._batch: list[tuple[Any, ...]] = []
        self._error: BaseException | None = None

    def send(self, batch: list[tuple[Any, ...]]) -> None:
        """Start sending ``batch`` (the one before must have been waited for)."""
        self._batch, self._error = batch, None
        self._thread = threading.Thread(target=self._copy, name="exchange-copy", daemon=True)
        self._thread.start()

    def _copy(self) -> None:
        conn = self._conn
        try:
            conn.execute(f"SAVEPOINT {_SAVEPOINT}")
            if self._staged:
                conn.execute(f"CREATE TEMP TABLE {_STAGE} (LIKE {self._table}) ON COMMIT DROP")
            with conn.cursor() as cursor, cursor.copy(self._statement) as copy:
                for row in self._batch:
                    copy.write_row(row)
            if self._staged:
                conn.execute(f"INSERT INTO {self._table} SELECT * FROM {_STAGE}")
                conn.execute(f"DROP TABLE {_STAGE}")
            conn.execute(f"RELEASE SAVEPOINT {_SAVEPOINT}")
        except BaseException as error:  # handed to the caller's thread by wait()
            self._error = error

    def join(self) -> None:
        """Wait for the batch being sent, ignoring how it went (the load failed anyway)."""
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def wait(self) -> None:
        """Wait for the batch being sent; a refused batch raises its first bad row's error."""
        self.join()
        error, self._error = self._error, None
        if error is None:
            return
        if not isinstance(error, psycopg.Error) or self._conn.broken:
            raise error
        conn = self._conn
        conn.execute(f"ROLLBACK TO SAVEPOINT {_SAVEPOINT}; RELEASE SAVEPOINT {_SAVEPOINT}")
        refusal: ExchangeError | None = None
        if isinstance(error, psycopg.IntegrityError):
            refusal = refused_batch(conn, self._cls, self._batch)
        if refusal is None:
            raise error
        raise refusal from None
