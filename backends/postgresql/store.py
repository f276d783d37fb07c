"""The ``postgresql:`` backend: records in a PostgreSQL database, one table per record type.

It behaves exactly like :mod:`backends.memory` (the conformance kit in
``exchange.testing`` checks): the same ids, order, exceptions and aggregate
values. The database enforces links and unique refs; when it refuses a write,
:mod:`.diagnose` names the broken rule as ``memory:`` would.

Connections come from the process's pool for the URL (:mod:`.pool`). Outside
a transaction each call borrows one for as long as it runs (a ``find`` that
returns many rows keeps it until the rows are read); a transaction keeps one
from its start to its end.

**Writers take turns.** The outermost :meth:`~PostgreSQLBackend.transaction`
begins with ``pg_advisory_xact_lock`` on a key of the store, held until
commit or rollback: the equivalent of SQLite's ``BEGIN IMMEDIATE``. The
core's rules read before they write (no overlapping secondment, no mentoring
cycle, capacity, budget, the change log's hash chain), so a transaction must
not read a state another writer is about to change. In ``READ COMMITTED`` each
statement after the lock sees every transaction that held it before.
``docs/scaling.md`` explains the choice over ``SERIALIZABLE``.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from typing import Any, TypeVar, cast

import attrs
import psycopg
from psycopg import Connection
from psycopg.pq import TransactionStatus
from psycopg.rows import TupleRow
from psycopg_pool import PoolTimeout

from exchange import backend
from exchange.backend import BulkResult
from exchange.changelog import Change
from exchange.codec import from_row, to_row
from exchange.errors import BackendError, ExchangeError
from exchange.i18n import message, noun
from exchange.models import Stored
from exchange.query import Filters, Measure

from .. import keyset
from ..conditions import Where
from ..sql import unguarded
from . import aggregate, bulk, diagnose, migrations, pool, roles
from .errors import DRIVER_ERRORS, refused_connection, too_old, translate
from .statements import params, statements
from .url import parse
from .where import number, order, where

S = TypeVar("S", bound=Stored)
Conn = Connection[TupleRow]

PAGE = 2_000
"""Rows fetched at a time by a ``find`` that streams; finds of at most this many fetch at once."""


_UNREAD = object()
"""Not read yet (:meth:`PostgreSQLBackend.bound_login`)."""


class PostgreSQLBackend:
    """Records in a PostgreSQL database, opened from a ``postgresql:`` URL."""

    def __init__(self, url: str) -> None:
        """Connect to the store at ``url`` (forms in :mod:`backends.postgresql`), checking
        the server and bringing the schema up to date."""
        self._target = parse(url)
        self.url = self._target.url
        self._where = self._target.where
        self._tx: Conn | None = None
        self._depth = 0
        self._closed = True
        self._bound: str | object | None = _UNREAD
        self._check_and_upgrade()
        self._pool = pool.acquire(self._target.conninfo, self._target.pool_size, self.url)
        self._closed = False

    def __repr__(self) -> str:
        return f"<PostgreSQLBackend {self.url}>"

    @contextlib.contextmanager
    def connection(self) -> Iterator[Conn]:
        """A connection to the store (its schema first on the search path), for tools and
        tests that read it directly; inside a transaction, the transaction's own."""
        with self._connection() as conn:
            yield conn

    # -- connections and errors -----------------------------------------------

    def _error(self, exc: BaseException) -> BackendError:
        return translate(exc, self._target, in_transaction=self._tx is not None)

    def _check_open(self) -> None:
        if self._closed:
            raise backend.closed()

    def _borrow(self) -> Conn:
        try:
            return self._pool.getconn()
        except PoolTimeout:
            raise BackendError(
                message(
                    "no connection to {where} became free within {wait:g} s (is the "
                    "server down, or are {pool_size} finds left half-read?)",
                    where=self._where,
                    wait=pool.WAIT,
                    pool_size=self._target.pool_size,
                )
            ) from None

    def _give_back(self, conn: Conn) -> None:
        pool.stamp(conn)
        with contextlib.suppress(Exception):  # a closed pool closes the connection itself
            self._pool.putconn(conn)

    @contextlib.contextmanager
    def _connection(self) -> Iterator[Conn]:
        """The transaction's connection, or one borrowed for the duration of the block."""
        self._check_open()
        if self._tx is not None:
            yield self._tx
            return
        conn = self._borrow()
        try:
            yield conn
        finally:
            self._give_back(conn)

    def _fetch(self, sql: str, values: Sequence[Any] = ()) -> list[TupleRow]:
        with self._connection() as conn:
            try:
                return conn.execute(sql, values).fetchall()
            except DRIVER_ERRORS as exc:
                raise self._error(exc) from exc

    # -- schema ---------------------------------------------------------------

    def _check_and_upgrade(self) -> None:
        """Connect once, directly, so that a refusal is reported for what it is; check the
        server and the schema; migrate if need be."""
        target = self._target
        try:
            conn = psycopg.connect(target.conninfo, autocommit=True)
        except DRIVER_ERRORS as exc:
            raise refused_connection(exc, target) from None
        with contextlib.closing(conn):
            problem = too_old(conn.info.server_version, target)
            if problem is not None:
                raise problem
            encoding = conn.info.parameter_status("server_encoding")
            if encoding != "UTF8":
                raise BackendError(
                    message(
                        "{where} stores text as {encoding}; teacher-exchange needs a UTF8 "
                        "database (createdb --encoding=UTF8 …)",
                        where=self._where,
                        encoding=encoding,
                    )
                )
            try:
                applied = migrations.applied_names(conn)
                migrations.check_not_newer(applied, self._where)
                if set(migrations.known_names()) - set(applied):
                    self._lock(conn)
                    migrations.migrate(conn, target.schema, self._where)
                    roles.refresh(conn)
                    conn.execute("COMMIT")
            except DRIVER_ERRORS as exc:
                raise translate(exc, target, in_transaction=False) from exc

    def _lock(self, conn: Conn) -> None:
        """Begin a transaction holding the store's write lock (see the module's notes)."""
        conn.execute(f"BEGIN; SELECT pg_advisory_xact_lock({self._target.lock_key})")

    def migrate(self) -> int:
        """Apply the migrations the store lacks; return how many ran."""
        with self.transaction():
            conn = cast(Conn, self._tx)
            try:
                ran = migrations.migrate(conn, self._target.schema, self._where)
                if ran:
                    roles.refresh(conn)
                return ran
            except DRIVER_ERRORS as exc:
                raise self._error(exc) from exc

    def login(self) -> str:
        """The role the server authenticated (``session_user``): who the change log
        records when the tracker is given no actor."""
        [(user,)] = self._fetch("SELECT session_user")
        return str(user)

    def bound_login(self) -> str | None:
        """The login, when row-level security binds it (a member of the store's group,
        neither the tables' owner nor a superuser): the change log then takes entries
        in its name only, so it cannot write as another actor. ``None`` otherwise.
        Read once per store opened."""
        if self._bound is not _UNREAD:
            return cast("str | None", self._bound)
        [(user, bound)] = self._fetch(
            "SELECT session_user, NOT (pg_has_role(c.relowner, 'USAGE') OR r.rolsuper) "
            "FROM pg_roles r, pg_class c "
            "WHERE r.rolname = session_user AND c.oid = 'changes'::regclass"
        )
        self._bound = str(user) if bound else None
        return self._bound

    def admit(self, login: str, password: str | None = None) -> None:
        """Let ``login`` use the store: create it if it does not exist (with
        ``password``, if given) and make it a member of the store's group role, which
        holds the privileges the library needs (:mod:`.roles`); row-level security
        then narrows its writes to what its grants allow. Needs the owner of the
        tables with the ``CREATEROLE`` privilege."""
        self._manage_logins(lambda conn: roles.admit(conn, login, password, self._where))

    def dismiss(self, login: str) -> None:
        """Take ``login`` out of the store's group role: it no longer reads or writes
        the store (the login itself is not dropped)."""
        self._manage_logins(lambda conn: roles.dismiss(conn, login, self._where))

    def _manage_logins(self, change: Callable[[Conn], None]) -> None:
        with self.transaction():
            conn = cast(Conn, self._tx)
            try:
                change(conn)
            except DRIVER_ERRORS as exc:
                raise self._error(exc) from exc

    def schema_version(self) -> int:
        """How many schema migrations the store has had."""
        with self._connection() as conn:
            try:
                return len(migrations.applied_names(conn))
            except DRIVER_ERRORS as exc:
                raise self._error(exc) from exc

    # -- transactions ---------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """All or nothing; an inner block that fails undoes only itself.

        The outermost block takes the store's write lock at once; inner blocks
        are savepoints.
        """
        self._check_open()
        if self._tx is not None:
            with self._savepoint():
                yield
            return
        conn = self._borrow()
        try:
            try:
                self._lock(conn)
            except DRIVER_ERRORS as exc:
                raise self._error(exc) from exc
            self._tx, self._depth = conn, 1
            try:
                yield
            except BaseException:
                self._rollback(conn)
                raise
            self._commit(conn)
        finally:
            if self._tx is conn:
                self._tx, self._depth = None, 0
                self._give_back(conn)
            elif not self._closed:  # the lock was not taken (close() gives its own back)
                self._give_back(conn)

    @contextlib.contextmanager
    def _savepoint(self) -> Iterator[None]:
        conn = cast(Conn, self._tx)
        name = f"exchange_sp{self._depth}"
        self._in_transaction(conn, f"SAVEPOINT {name}")
        self._depth += 1
        try:
            yield
        except BaseException:
            self._depth -= 1
            if not conn.broken:
                with contextlib.suppress(*DRIVER_ERRORS):
                    conn.execute(f"ROLLBACK TO SAVEPOINT {name}; RELEASE SAVEPOINT {name}")
            raise
        self._depth -= 1
        self._in_transaction(conn, f"RELEASE SAVEPOINT {name}")

    def _in_transaction(self, conn: Conn, sql: str) -> None:
        try:
            conn.execute(sql)
        except DRIVER_ERRORS as exc:
            raise self._error(exc) from exc

    def _commit(self, conn: Conn) -> None:
        if self._closed:
            return
        if conn.broken or conn.info.transaction_status == TransactionStatus.INERROR:
            self._rollback(conn)
            raise BackendError(
                message(
                    "the transaction on {where} was not saved: an error inside it "
                    "(perhaps caught and ignored) aborted it",
                    where=self._where,
                )
                if not conn.broken
                else message(
                    "the connection to {where} was lost in the middle of a "
                    "transaction; nothing of the transaction was saved",
                    where=self._where,
                )
            )
        try:
            conn.execute("COMMIT")
        except DRIVER_ERRORS as exc:
            raise BackendError(
                message(
                    "the connection to {where} failed while committing; the transaction "
                    "was saved whole or not at all: check which before repeating it",
                    where=self._where,
                )
            ) from exc

    def _rollback(self, conn: Conn) -> None:
        """Undo the transaction; the exception that ended it is what the caller sees."""
        if not conn.broken:
            with contextlib.suppress(*DRIVER_ERRORS):
                conn.execute("ROLLBACK")

    # -- writes ---------------------------------------------------------------

    def _write(
        self,
        sql: str,
        values: Mapping[str, Any],
        why: Callable[[Conn], ExchangeError | None],
    ) -> tuple[int, TupleRow | None]:
        """Run one write; return its row count and first returned row.

        The statements check links and refs themselves and write nothing when a
        rule forbids it, so a refused write leaves a transaction usable (as in
        ``memory:``) without a savepoint; ``why`` then names the rule. A
        constraint violation (a program writing at the same moment without the
        lock) is diagnosed too.
        """
        with self._connection() as conn:
            try:
                cursor = conn.execute(sql, values)
                count, row = cursor.rowcount, cursor.fetchone() if cursor.description else None
                if count == 0:
                    refusal = why(conn)
                    if refusal is not None:
                        raise refusal
                return count, row
            except psycopg.IntegrityError as exc:
                refusal = None
                with contextlib.suppress(*DRIVER_ERRORS):
                    refusal = why(conn)
                raise (refusal or self._error(exc)) from None
            except DRIVER_ERRORS as exc:
                raise self._error(exc) from exc

    def add(self, record: S) -> S:
        """Store a new record and give it the next id of its type."""
        self._check_open()
        cls = type(record)
        if record.id is not None:
            raise backend.has_id(cls, record.id)
        row = to_row(record)
        _, returned = self._write(
            statements(cls).insert,
            params(cls, row, self._where),
            lambda conn: diagnose.refused_write(conn, cls, row),
        )
        if returned is None:
            raise BackendError(
                message("PostgreSQL did not store the {kind}; try again", kind=noun(cls))
            )
        return attrs.evolve(record, id=returned[0])

    def update(self, record: S) -> S:
        """Replace the stored record with the same id, if its revision is the one read."""
        self._check_open()
        cls = type(record)
        if isinstance(record, Change):
            raise backend.append_only()
        record, read = backend.revised(record)
        row = to_row(record)
        missing = backend.no_record(cls, record.id)
        count, _ = self._write(
            statements(cls).update,
            {**params(cls, row, self._where), "read": read},
            lambda conn: (
                diagnose.missing(conn, cls, record.id)
                or diagnose.stale(conn, cls, record.id, read)
                or diagnose.refused_write(conn, cls, row)
            ),
        )
        if count == 0:
            raise missing
        return record

    def delete(self, cls: type[Stored], id: int) -> None:
        """Remove a record no other record links to."""
        self._check_open()
        if cls is Change:
            raise backend.append_only()
        key = _key(id)
        missing = backend.no_record(cls, id)
        if key is None:
            raise missing
        count, _ = self._write(
            statements(cls).delete,
            {"c0": key},
            lambda conn: (
                diagnose.missing(conn, cls, key) or diagnose.still_referenced(conn, cls, key)
            ),
        )
        if count == 0:
            raise missing

    def bulk_insert(
        self, cls: type[S], records: Iterable[S], *, batch_size: int = bulk.DEFAULT_BATCH
    ) -> BulkResult:
        """Store many new records with COPY, in one transaction (the caller's if one is open)."""
        self._check_open()
        with self.transaction():
            conn = cast(Conn, self._tx)
            try:
                return bulk.insert(conn, cls, records, batch_size)
            except DRIVER_ERRORS as exc:
                raise self._error(exc) from exc

    def restore(
        self, cls: type[S], records: Iterable[S], *, batch_size: int = bulk.DEFAULT_BATCH
    ) -> int:
        """Store records with the ids they carry with COPY, in one transaction."""
        self._check_open()
        with self.transaction():
            conn = cast(Conn, self._tx)
            try:
                return bulk.restore(conn, cls, records, batch_size)
            except DRIVER_ERRORS as exc:
                raise self._error(exc) from exc

    # -- reads ----------------------------------------------------------------

    def get(self, cls: type[S], id: int) -> S | None:
        """The record with ``id``, or ``None``."""
        self._check_open()
        key = _key(id)
        if key is None:
            return None
        found = self._fetch(statements(cls).get, (key,))
        return cast(S, from_row(cls, found[0])) if found else None

    def find(
        self,
        cls: type[S],
        filters: Filters,
        *,
        order_by: Sequence[tuple[str, bool]] = (),
        limit: int | None = None,
        offset: int = 0,
        after: Sequence[Any] | None = None,
    ) -> Iterator[S]:
        """Matching records, ordered by ``order_by`` then id, past ``after`` when given.

        The query runs now: records added afterwards are not part of the answer.
        Small answers are fetched at once; others stream, :data:`PAGE` rows at a
        time, on a borrowed connection (inside a transaction, through a server-side
        cursor on the transaction's own).
        """
        self._check_open()
        condition = keyset.narrowed(
            self._where_clause(cls, filters), cls, tuple(order_by), after, where, ("TRUE", "FALSE")
        )
        sql = f"{statements(cls).select} WHERE {condition.sql} ORDER BY {order(cls, order_by)}"
        sql += " LIMIT %s OFFSET %s"
        wanted, skipped = self._window(cls, condition, limit, offset)
        if wanted is not None and wanted <= PAGE:
            return _decoded(cls, self._fetch(sql, [*condition.params, wanted, skipped]))
        # most answers are small: one query fetches them; a longer one is read again, streaming
        first = self._fetch(sql, [*condition.params, PAGE + 1, skipped])
        if len(first) <= PAGE:
            return _decoded(cls, first)
        values = [*condition.params, wanted, skipped]
        stream = (
            self._stream(cls, sql, values) if self._tx is None else self._cursor(cls, sql, values)
        )
        next(stream)  # runs the query
        return cast(Iterator[S], stream)

    def _window(
        self, cls: type[Stored], condition: Where, limit: int | None, offset: int
    ) -> tuple[int | None, int]:
        """``LIMIT`` and ``OFFSET``, see :func:`keyset.window`."""
        sql = f"SELECT COUNT(*) FROM {statements(cls).table} WHERE {condition.sql}"
        return keyset.window(limit, offset, lambda: int(self._fetch(sql, condition.params)[0][0]))

    def _stream(self, cls: type[Stored], sql: str, values: Sequence[Any]) -> Iterator[Any]:
        """Yields ``None`` once the query has started, then the records as they arrive."""
        conn = self._borrow()
        try:
            with conn.cursor() as cursor:
                rows = cast(
                    "Generator[TupleRow, None, None]",
                    cursor.stream(sql, values, size=PAGE if _CHUNKS else 1),
                )
                try:
                    try:
                        first = next(rows, None)
                    except DRIVER_ERRORS as exc:
                        raise self._error(exc) from exc
                    yield None
                    if first is None:
                        return
                    yield from_row(cls, first)
                    while True:
                        try:
                            row = next(rows, None)
                        except DRIVER_ERRORS as exc:
                            raise self._error(exc) from exc
                        if row is None:
                            return
                        yield from_row(cls, row)
                finally:
                    with contextlib.suppress(*DRIVER_ERRORS):
                        rows.close()
        finally:
            self._give_back(conn)

    def _cursor(self, cls: type[Stored], sql: str, values: Sequence[Any]) -> Iterator[Any]:
        """:meth:`_stream` inside the transaction: a server-side cursor on its connection,
        read :data:`PAGE` rows at a time, so the connection stays free for other
        statements between pages (a ``COPY`` stream would hold it)."""
        conn = cast(Conn, self._tx)
        cursor = conn.cursor(name=f"exchange_find_{next(_cursors)}")
        cursor.itersize = PAGE
        try:
            try:
                cursor.execute(sql, values)
            except DRIVER_ERRORS as exc:
                raise self._error(exc) from exc
            yield None
            while True:
                try:
                    rows = cursor.fetchmany(PAGE)
                except DRIVER_ERRORS as exc:
                    raise self._error(exc) from exc
                yield from (from_row(cls, row) for row in rows)
                if len(rows) < PAGE:
                    return
        finally:
            if not conn.closed and self._tx is conn:
                with contextlib.suppress(*DRIVER_ERRORS):
                    cursor.close()

    def count(self, cls: type[Stored], filters: Filters) -> int:
        """How many records match."""
        self._check_open()
        condition = self._where_clause(cls, filters)
        sql = f"SELECT COUNT(*) FROM {statements(cls).table} WHERE {condition.sql}"
        return int(self._fetch(sql, condition.params)[0][0])

    def _where_clause(self, cls: type[Stored], filters: Filters) -> Where:
        """The SQL for ``filters``, after raising the ``TypeError`` memory would raise."""
        return unguarded(where(cls, filters), statements(cls).table, self._exists)

    def _exists(self, sql: str, params: list[Any]) -> bool:
        return bool(self._fetch(sql, params)[0][0])

    def aggregate(
        self,
        cls: type[Stored],
        group_by: Sequence[str],
        measures: Mapping[str, Measure],
        filters: Filters,
    ) -> list[dict[str, Any]]:
        """Group-by with count/sum/min/max, computed by PostgreSQL."""
        self._check_open()
        condition = self._where_clause(cls, filters)
        sql = aggregate.query(cls, group_by, measures, condition)
        return aggregate.rows(cls, group_by, measures, self._fetch(sql, condition.params))

    def close(self) -> None:
        """Give the connections back; the backend is unusable afterwards."""
        if self._closed:
            return
        self._closed = True
        conn, self._tx = self._tx, None
        if conn is not None:
            self._rollback(conn)
            self._give_back(conn)
        pool.release(self._target.conninfo)


_CHUNKS = psycopg.pq.version() >= 170000
"""libpq 17 and later can stream rows in chunks rather than one by one."""
_cursors = itertools.count(1)
"""Numbers the server-side cursors of :meth:`PostgreSQLBackend._cursor`."""


def _decoded(cls: type[S], rows: list[TupleRow]) -> Iterator[S]:
    for row in rows:
        yield cast(S, from_row(cls, row))


def _key(id: Any) -> int | None:
    """``id`` as a stored id, or None when no record can have it (as a dict lookup would)."""
    value = number(id)
    return value if type(value) is int else None
