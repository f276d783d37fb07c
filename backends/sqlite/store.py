"""The ``sqlite:`` backend: records in a SQLite file, one table per record type.

It behaves exactly like :mod:`backends.memory` (the conformance kit in
``exchange.testing`` checks): the same ids, order, exceptions and aggregate
values. The database enforces links and unique refs; when it refuses a write,
:mod:`.diagnose` names the broken rule as ``memory:`` would.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar, cast

import attrs

from exchange import backend
from exchange.backend import BulkResult
from exchange.backup import new_file
from exchange.changelog import Change
from exchange.codec import from_row, to_row
from exchange.errors import BackendError, ExchangeError
from exchange.i18n import message
from exchange.models import Stored
from exchange.query import Filters, Measure

from .. import keyset
from ..conditions import NO_MATCH, Where
from ..sql import unguarded
from . import aggregate, bulk, diagnose, migrations
from .connection import connect, create_private, describe
from .errors import DRIVER_ERRORS, translate
from .statements import statements
from .url import parse
from .where import as_number, order, where

if TYPE_CHECKING:
    from sqlite_utils.db import Database

S = TypeVar("S", bound=Stored)
T = TypeVar("T")

# rows added after a find started are not part of its answer, as in memory:
_SNAPSHOT = '+"id" <= (SELECT "seq" FROM sqlite_sequence WHERE "name" = ?)'


class SQLiteBackend:
    """Records in a SQLite database, opened from a ``sqlite:`` URL."""

    def __init__(self, url: str = "sqlite://") -> None:
        """Open the store at ``url`` (forms in :mod:`backends.sqlite`), upgrading its schema."""
        self.url = url
        location = parse(url)
        self._where = describe(location)
        self._conn = connect(location)
        self._depth = 0
        self._closed = False
        self._db: Database | None = None
        try:
            self._upgrade()
        except BaseException:
            self._conn.close()
            raise

    def __repr__(self) -> str:
        return f"<SQLiteBackend {self.url}>"

    @property
    def database(self) -> Database:
        """The store as a ``sqlite_utils.Database``, to read it directly (tools, tests);
        sqlite-utils is imported on first use."""
        self._check_open()
        if self._db is None:
            from sqlite_utils.db import Database

            self._db = Database(self._conn, recursive_triggers=False, execute_plugins=False)
        return self._db

    # -- errors ---------------------------------------------------------------

    def _error(self, exc: BaseException) -> BackendError:
        return translate(exc, self._where)

    def _check_open(self) -> None:
        if self._closed:
            raise backend.closed()

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        try:
            return self._conn.execute(sql, params)
        except DRIVER_ERRORS as exc:
            raise self._error(exc) from exc

    def _refused(self, exc: sqlite3.IntegrityError, why: ExchangeError | None) -> ExchangeError:
        return why if why is not None else self._error(exc)

    # -- schema ---------------------------------------------------------------

    def _upgrade(self) -> None:
        try:
            pending = migrations.pending_count(self._conn, self._where)
        except DRIVER_ERRORS as exc:
            raise self._error(exc) from exc
        if pending:
            self.migrate()

    def migrate(self) -> int:
        """Apply the migrations this file lacks; return how many ran."""
        self._check_open()
        with self.transaction():
            try:
                migrations.pending_count(self._conn, self._where)
                return migrations.migrate(self.database)
            except DRIVER_ERRORS as exc:
                raise self._error(exc) from exc

    def schema_version(self) -> int:
        """How many schema migrations the file has had."""
        self._check_open()
        try:
            return len(migrations.applied_names(self._conn))
        except DRIVER_ERRORS as exc:
            raise self._error(exc) from exc

    # -- transactions -------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """All or nothing; an inner block that fails undoes only itself.

        The outermost block runs ``BEGIN IMMEDIATE``, taking the write lock at
        once; inner blocks are savepoints.
        """
        self._check_open()
        self._execute("BEGIN IMMEDIATE" if self._depth == 0 else f"SAVEPOINT sp{self._depth}")
        self._depth += 1
        try:
            yield
        except BaseException:
            self._depth -= 1
            self._rollback()
            raise
        self._depth -= 1
        self._commit()

    def _commit(self) -> None:
        if self._closed:
            return
        if not self._conn.in_transaction:
            raise BackendError(
                message(
                    "SQLite rolled back the transaction on {where} after an error",
                    where=self._where,
                )
            )
        try:
            self._conn.execute("COMMIT" if self._depth == 0 else f"RELEASE sp{self._depth}")
        except DRIVER_ERRORS as exc:
            if self._depth == 0:
                self._rollback()
            raise self._error(exc) from exc

    def _rollback(self) -> None:
        """Undo the block just left; the exception that left it is what the caller sees."""
        if self._closed or not self._conn.in_transaction:
            return
        with contextlib.suppress(*DRIVER_ERRORS):
            if self._depth == 0:
                self._conn.execute("ROLLBACK")
            else:
                self._conn.execute(f"ROLLBACK TO sp{self._depth}")
                self._conn.execute(f"RELEASE sp{self._depth}")

    # -- writes ---------------------------------------------------------------

    def add(self, record: S) -> S:
        """Store a new record and give it the next id of its type."""
        self._check_open()
        cls = type(record)
        if record.id is not None:
            raise backend.has_id(cls, record.id)
        row = to_row(record)
        try:
            new_id = self._conn.execute(statements(cls).insert, row).lastrowid
        except sqlite3.IntegrityError as exc:
            raise self._refused(exc, self._diagnose(diagnose.refused_write, cls, row)) from None
        except DRIVER_ERRORS as exc:
            raise self._error(exc) from exc
        return attrs.evolve(record, id=new_id)

    def update(self, record: S) -> S:
        """Replace the stored record with the same id, if its revision is the one read."""
        self._check_open()
        cls = type(record)
        if isinstance(record, Change):
            raise backend.append_only()
        record, read = backend.revised(record)
        row = to_row(record)
        revision = () if read is None else (read,)
        try:
            cursor = self._conn.execute(statements(cls).update, (*row[1:], row[0], *revision))
        except sqlite3.IntegrityError as exc:
            raise self._refused(exc, self._diagnose(diagnose.refused_write, cls, row)) from None
        except DRIVER_ERRORS as exc:
            raise self._error(exc) from exc
        if cursor.rowcount == 0:
            raise self._diagnose(diagnose.not_updated, cls, (record.id, read)) or backend.no_record(
                cls, record.id
            )
        return record

    def delete(self, cls: type[Stored], id: int) -> None:
        """Remove a record no other record links to."""
        self._check_open()
        if cls is Change:
            raise backend.append_only()
        key = _key(id)
        if key is None:
            raise backend.no_record(cls, id)
        try:
            cursor = self._conn.execute(statements(cls).delete, (key,))
        except sqlite3.IntegrityError as exc:
            raise self._refused(exc, self._diagnose(diagnose.still_referenced, cls, key)) from None
        except DRIVER_ERRORS as exc:
            raise self._error(exc) from exc
        if cursor.rowcount == 0:
            raise backend.no_record(cls, id)

    def _diagnose(
        self, check: diagnose.Check[T], cls: type[Stored], subject: T
    ) -> ExchangeError | None:
        """Why SQLite refused a write, as ``memory:`` would say it."""
        try:
            return check(self._conn, cls, subject)
        except DRIVER_ERRORS as exc:
            return self._error(exc)

    def bulk_insert(
        self, cls: type[S], records: Iterable[S], *, batch_size: int = bulk.DEFAULT_BATCH
    ) -> BulkResult:
        """Store many new records in batches, in one transaction (the caller's if one is open)."""
        self._check_open()
        with self.transaction():
            try:
                return bulk.insert(self._conn, cls, records, batch_size)
            except DRIVER_ERRORS as exc:
                raise self._error(exc) from exc

    def restore(
        self, cls: type[S], records: Iterable[S], *, batch_size: int = bulk.DEFAULT_BATCH
    ) -> int:
        """Store records with the ids they carry, in batches, in one transaction."""
        self._check_open()
        with self.transaction():
            try:
                return bulk.restore(self._conn, cls, records, batch_size)
            except DRIVER_ERRORS as exc:
                raise self._error(exc) from exc

    # -- reads ----------------------------------------------------------------

    def get(self, cls: type[S], id: int) -> S | None:
        """The record with ``id``, or ``None``."""
        self._check_open()
        key = _key(id)
        if key is None:
            return None
        row = self._execute(statements(cls).get, (key,)).fetchone()
        return None if row is None else cast(S, from_row(cls, row))

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
        """Matching records, ordered by ``order_by`` then id, past ``after`` when given,
        read as they are iterated."""
        self._check_open()
        condition = keyset.narrowed(
            self._where_clause(cls, filters), cls, tuple(order_by), after, where, ("1", "0")
        )
        sql = f"{statements(cls).select} WHERE {condition.sql} AND {_SNAPSHOT}"
        sql += f" ORDER BY {order(cls, order_by)}"
        params = [*condition.params, cls.table]
        if limit is not None or offset:
            sql += " LIMIT ? OFFSET ?"
            params.extend(self._window(cls, condition, limit, offset))
        return self._stream(cls, self._execute(sql, params))

    def _window(
        self, cls: type[Stored], condition: Where, limit: int | None, offset: int
    ) -> tuple[int, int]:
        """``LIMIT`` (-1: all) and ``OFFSET``, see :func:`keyset.window`."""
        sql = f"SELECT COUNT(*) FROM {statements(cls).table} WHERE {condition.sql}"
        wanted, skipped = keyset.window(
            limit, offset, lambda: int(self._execute(sql, condition.params).fetchone()[0])
        )
        return (-1 if wanted is None else wanted), skipped

    def _stream(self, cls: type[S], cursor: sqlite3.Cursor) -> Iterator[S]:
        try:
            for row in cursor:
                yield cast(S, from_row(cls, row))
        except DRIVER_ERRORS as exc:
            raise self._error(exc) from exc
        finally:
            with contextlib.suppress(*DRIVER_ERRORS):
                cursor.close()

    def count(self, cls: type[Stored], filters: Filters) -> int:
        """How many records match."""
        self._check_open()
        condition = self._where_clause(cls, filters)
        sql = f"SELECT COUNT(*) FROM {statements(cls).table} WHERE {condition.sql}"
        return int(self._execute(sql, condition.params).fetchone()[0])

    def _where_clause(self, cls: type[Stored], filters: Filters) -> Where:
        """The SQL for ``filters``, after raising the ``TypeError`` memory would raise."""
        return unguarded(where(cls, filters), statements(cls).table, self._exists)

    def _exists(self, sql: str, params: list[Any]) -> bool:
        return bool(self._execute(sql, params).fetchone()[0])

    def aggregate(
        self,
        cls: type[Stored],
        group_by: Sequence[str],
        measures: Mapping[str, Measure],
        filters: Filters,
    ) -> list[dict[str, Any]]:
        """Group-by with count/sum/min/max, computed by SQLite."""
        self._check_open()
        condition = self._where_clause(cls, filters)
        sql = aggregate.query(cls, group_by, measures, condition)
        try:
            results = self._conn.execute(sql, condition.params).fetchall()
        except sqlite3.OperationalError as exc:
            if aggregate.OVERFLOW not in str(exc):
                raise self._error(exc) from exc
            exact = aggregate.query(cls, group_by, measures, condition, exact=True)
            results = self._execute(exact, condition.params).fetchall()
        except DRIVER_ERRORS as exc:
            raise self._error(exc) from exc
        return aggregate.rows(cls, group_by, measures, results)

    def scrub(self) -> bool:
        """Fold the write-ahead log into the file and empty it, so that what was deleted
        or overwritten (zeroed by ``secure_delete``) is in neither file; ``False`` when
        a reader kept part of the log in use (run it again once readers close)."""
        self._check_open()
        busy, _, _ = self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        return not busy

    def backup(self, destination: str) -> None:
        """Copy the store to a new file at ``destination`` with SQLite's online backup API,
        which gives a consistent copy while other processes write.

        The copy is written beside the destination and renamed into place, so a
        failed backup leaves no partial file; an existing file is not replaced.
        """
        self._check_open()
        target = new_file(destination)
        partial = target.with_name(f".{target.name}.partial")
        try:
            create_private(partial)
            copy = sqlite3.connect(partial)
            try:
                self._conn.backup(copy)
            finally:
                copy.close()
            partial.rename(target)
        except (OSError, *DRIVER_ERRORS) as error:
            partial.unlink(missing_ok=True)
            raise BackendError(
                message("cannot write the backup {path}: {error}", path=target, error=error)
            ) from None

    def close(self) -> None:
        """Close the connection; the backend is unusable afterwards."""
        if not self._closed:
            self._closed = True
            with contextlib.suppress(*DRIVER_ERRORS):
                self._conn.close()


def _key(id: Any) -> int | None:
    """``id`` as a stored id, or None when no record can have it (as a dict lookup would)."""
    value = as_number(id)
    if value is NO_MATCH:
        return None
    if isinstance(value, float):
        return int(value) if value.is_integer() and abs(value) < 2**63 else None
    return cast(int, value)
