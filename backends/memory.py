"""The ``memory:`` backend: the reference implementation, for tests and scripts.

Everything lives in Python dicts and is gone when the tracker closes. Every
other backend must behave exactly like this one (``exchange.testing`` checks).
Trackers in several threads may share one backend: a transaction holds a lock
from its start to its end, so writers take turns as they do on SQLite and
PostgreSQL (reads outside a transaction are not isolated from a writer).
"""

from __future__ import annotations

import contextlib
import decimal
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

import attrs

from exchange import backend, hookimpl
from exchange.backend import SCHEMA_VERSION, STORED_TYPES, BulkResult, restored_id
from exchange.changelog import Change, RowDigest
from exchange.codec import columns, row_encoder
from exchange.models import Stored
from exchange.paging import keys
from exchange.query import Filters, Measure, Op, group_field
from exchange.registry import BackendSpec, Registry

S = TypeVar("S", bound=Stored)
_TABLES = {cls.table: cls for cls in STORED_TYPES}


def _matches(value: Any, op: Op) -> bool:
    want = op.value
    if op.op == "eq":
        return value is None if want is None else value == want
    if op.op == "ne":
        return not (value is None if want is None else value == want)
    if op.op == "in":
        return value is not None and value in want
    if op.op == "has":
        return want in value
    if value is None:
        return False
    if op.op == "lt":
        return bool(value < want)
    if op.op == "le":
        return bool(value <= want)
    if op.op == "gt":
        return bool(value > want)
    if op.op == "between":
        return bool(want[0] <= value <= want[1])
    return bool(value >= want)  # ge


def _sort_key(value: Any) -> tuple[bool, Any]:
    return (value is not None, value)


def _beyond(record: Stored, order: Sequence[tuple[str, bool]], position: Sequence[Any]) -> bool:
    """``record`` comes strictly after ``position`` (values of the ``order`` keys)."""
    for (name, descending), value in zip(order, position, strict=True):
        mine, theirs = _sort_key(getattr(record, name)), _sort_key(value)
        if mine != theirs:
            return (mine > theirs) != descending
    return False


class MemoryBackend:
    """Records in dicts, with an undo journal for (nested) transactions."""

    def __init__(self, url: str = "memory:") -> None:
        self.url = url
        self._rows: dict[str, dict[int, Stored]] = {t: {} for t in _TABLES}
        self._refs: dict[str, dict[str, int]] = {t: {} for t in _TABLES}
        self._next_id: dict[str, int] = dict.fromkeys(_TABLES, 1)
        self._undo: list[Callable[[], None]] = []
        self._depth = 0
        self._closed = False
        self._lock = threading.RLock()  # held by the thread in a transaction

    # -- transactions -------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """All or nothing; an inner block that fails undoes only itself. The outermost
        block holds the lock until it ends, so other threads' transactions wait."""
        with self._lock:
            yield from self._transaction()

    def _transaction(self) -> Iterator[None]:
        self._check_open()
        mark = len(self._undo)
        self._depth += 1
        try:
            yield
        except BaseException:
            while len(self._undo) > mark:
                self._undo.pop()()
            raise
        finally:
            self._depth -= 1
            if self._depth == 0:
                self._undo.clear()

    def _journal(self, undo: Callable[[], None]) -> None:
        if self._depth:
            self._undo.append(undo)

    # -- checks ---------------------------------------------------------------

    def _check_open(self) -> None:
        if self._closed:
            raise backend.closed()

    def _check_links(self, record: Stored) -> None:
        for column in columns(type(record)):
            if column.kind != "link":
                continue
            target = getattr(record, column.name)
            if target is not None and target not in self._rows[column.table or ""]:
                raise backend.missing_link(type(record), column.name, column.table or "", target)

    def _check_ref(self, record: Stored) -> None:
        ref = getattr(record, "ref", None)
        if ref is None:
            return
        holder = self._refs[record.table].get(ref)
        if holder is not None and holder != record.id:
            raise backend.ref_taken(type(record), ref, holder)

    def _check_unreferenced(self, cls: type[Stored], id: int) -> None:
        for other in STORED_TYPES:
            for column in columns(other):
                if column.kind == "link" and column.table == cls.table:
                    users = [
                        r for r in self._rows[other.table].values() if getattr(r, column.name) == id
                    ]
                    if users:
                        raise backend.still_linked(cls, id, other.table, len(users), column.name)

    # -- writes ---------------------------------------------------------------

    def _store(self, record: S) -> S:
        table = record.table
        new_id = self._next_id[table]
        stored = attrs.evolve(record, id=new_id)
        self._rows[table][new_id] = stored
        self._next_id[table] = new_id + 1
        ref = getattr(stored, "ref", None)
        if ref is not None:
            self._refs[table][ref] = new_id
        return stored

    def _unstore(self, table: str, id: int, next_id: int) -> None:
        record = self._rows[table].pop(id)
        ref = getattr(record, "ref", None)
        if ref is not None:
            del self._refs[table][ref]
        self._next_id[table] = next_id

    def add(self, record: S) -> S:
        """Store a new record and give it the next id of its type."""
        self._check_open()
        if record.id is not None:
            raise backend.has_id(type(record), record.id)
        self._check_links(record)
        self._check_ref(record)
        next_id = self._next_id[record.table]
        stored = self._store(record)
        self._journal(lambda: self._unstore(record.table, next_id, next_id))
        return stored

    def get(self, cls: type[S], id: int) -> S | None:
        """The record with ``id``, or ``None``."""
        self._check_open()
        return self._rows[cls.table].get(id)  # type: ignore[return-value]

    def update(self, record: S) -> S:
        """Replace the stored record with the same id, if its revision is the one read."""
        self._check_open()
        table = record.table
        if isinstance(record, Change):
            raise backend.append_only()
        new, read = backend.revised(record)
        old = self._rows[table].get(record.id or 0)
        if old is None:
            raise backend.no_record(type(record), record.id)
        stored = getattr(old, "revision", None)
        if read != stored:
            raise backend.stale(type(record), record.id, read or 0, stored or 0)
        self._check_links(new)
        self._check_ref(new)
        self._replace(table, old, new)
        self._journal(lambda: self._replace(table, new, old))
        return new

    def _replace(self, table: str, old: Stored, new: Stored) -> None:
        refs = self._refs[table]
        old_ref, new_ref = getattr(old, "ref", None), getattr(new, "ref", None)
        if old_ref is not None:
            del refs[old_ref]
        if new_ref is not None:
            refs[new_ref] = new.id  # type: ignore[assignment]
        self._rows[table][new.id] = new  # type: ignore[index]

    def delete(self, cls: type[Stored], id: int) -> None:
        """Remove a record no other record links to."""
        self._check_open()
        if cls is Change:
            raise backend.append_only()
        old = self._rows[cls.table].get(id)
        if old is None:
            raise backend.no_record(cls, id)
        self._check_unreferenced(cls, id)
        next_id = self._next_id[cls.table]
        self._unstore(cls.table, id, next_id)
        self._journal(lambda: self._restore(old, next_id))

    def _restore(self, record: Stored, next_id: int) -> None:
        self._rows[record.table][record.id] = record  # type: ignore[index]
        ref = getattr(record, "ref", None)
        if ref is not None:
            self._refs[record.table][ref] = record.id  # type: ignore[assignment]
        self._next_id[record.table] = next_id

    def bulk_insert(
        self, cls: type[S], records: Iterable[S], *, batch_size: int = 10_000
    ) -> BulkResult:
        """Store many new records; with the transaction, all or nothing."""
        self._check_open()
        encode = row_encoder(cls)
        digest = RowDigest(cls)
        first_next = self._next_id[cls.table]
        added: list[int] = []

        def undo() -> None:
            for id in reversed(added):
                self._unstore(cls.table, id, first_next)

        try:
            for record in records:
                if record.id is not None:
                    raise backend.has_id(cls, record.id)
                self._check_links(record)
                self._check_ref(record)
                digest.add(encode(record))
                added.append(self._store(record).id)  # type: ignore[arg-type]
        except BaseException:
            undo()
            raise
        self._journal(undo)
        return BulkResult(
            count=len(added),
            first_id=added[0] if added else None,
            last_id=added[-1] if added else None,
            digest=digest.hexdigest(),
        )

    def restore(self, cls: type[S], records: Iterable[S], *, batch_size: int = 10_000) -> int:
        """Store records with the ids they carry; with the transaction, all or nothing."""
        self._check_open()
        first_next = self._next_id[cls.table]
        restored: list[int] = []

        def undo() -> None:
            for id in reversed(restored):
                self._unstore(cls.table, id, first_next)

        try:
            for record in records:
                id = restored_id(record, self._next_id[cls.table])
                self._check_links(record)
                self._check_ref(record)
                self._next_id[cls.table] = id
                restored.append(self._store(record).id)  # type: ignore[arg-type]
        except BaseException:
            undo()
            raise
        self._journal(undo)
        return len(restored)

    # -- reads ----------------------------------------------------------------

    def _select(self, cls: type[S], filters: Filters) -> list[S]:
        rows = self._rows[cls.table].values()
        items = list(filters.items())
        return [r for r in rows if all(_matches(getattr(r, k), op) for k, op in items)]  # type: ignore[misc]

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
        """Matching records, ordered by ``order_by`` then id; those past ``after`` only."""
        self._check_open()
        found = sorted(self._select(cls, filters), key=lambda r: r.id or 0)
        for name, descending in reversed(order_by):
            found.sort(key=lambda r: _sort_key(getattr(r, name)), reverse=descending)
        if after is not None:
            found = [r for r in found if _beyond(r, keys(tuple(order_by)), after)]
        end = None if limit is None else offset + limit
        return iter(found[offset:end])

    def count(self, cls: type[Stored], filters: Filters) -> int:
        """How many records match."""
        self._check_open()
        return len(self._select(cls, filters))

    def aggregate(
        self,
        cls: type[Stored],
        group_by: Sequence[str],
        measures: Mapping[str, Measure],
        filters: Filters,
    ) -> list[dict[str, Any]]:
        """Group-by with count/sum/min/max, computed in Python."""
        self._check_open()
        groups: dict[tuple[Any, ...], list[Stored]] = {}
        for record in self._select(cls, filters):
            key = tuple(_group_value(record, g) for g in group_by)
            groups.setdefault(key, []).append(record)
        if not group_by:
            groups.setdefault((), [])
        kinds = {c.name: c.kind for c in columns(cls)}
        out = []
        for key in sorted(groups, key=lambda k: tuple(_sort_key(v) for v in k)):
            row = dict(zip(group_by, key, strict=True))
            for label, measure in measures.items():
                row[label] = _measure(measure, groups[key], kinds)
            out.append(row)
        return out

    def schema_version(self) -> int:
        """Always the current version: nothing persists."""
        return SCHEMA_VERSION

    def migrate(self) -> int:
        """Nothing to do: the schema is the code's."""
        return 0

    def close(self) -> None:
        """Drop everything."""
        self._closed = True


def _group_value(record: Stored, key: str) -> Any:
    name, by_year = group_field(key)
    value = getattr(record, name)
    return value.year if by_year and value is not None else value


def _measure(measure: Measure, records: list[Stored], kinds: Mapping[str, str]) -> Any:
    if measure.field is None:
        return len(records)
    values = [v for r in records if (v := getattr(r, measure.field)) is not None]
    if measure.func == "count":
        return len(values)
    if measure.func == "sum":
        start = decimal.Decimal("0.00") if kinds[measure.field] == "money" else 0
        return sum(values, start)
    if not values:
        return None
    return min(values) if measure.func == "min" else max(values)


@hookimpl(trylast=True)
def register_backends(registry: Registry[BackendSpec]) -> None:
    """``memory:`` — records in Python dicts, gone on close."""
    registry.add(
        BackendSpec(
            scheme="memory", open=MemoryBackend, description="records in memory, gone on close"
        )
    )
