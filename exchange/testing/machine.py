"""The stateful half of the conformance kit: one random history, two backends.

:func:`conformance_machine` builds a hypothesis ``RuleBasedStateMachine`` that
applies every operation to a fresh ``memory:`` backend (the reference) and to
the backend under test, and requires the same records, ids, aggregates and
exception types from both, and the same table contents after every step.
Nothing here imports pytest.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal
import functools
import importlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, ClassVar, cast

import attrs
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    rule,
)

from ..backend import STORED_TYPES, Backend
from ..codec import from_row_checked, to_row
from ..errors import InvalidRecord
from ..models import Stored
from ..paging import keys
from ..query import YEAR, Filters, Measure, check_measures, normalize
from ..registry import BackendSpec, Registry
from . import strategies as xs

REFERENCE_PLUGIN = "backends.memory"
"""The plugin module that provides the reference backend, loaded by name like any plugin."""


class Mismatch(AssertionError):
    """The backend under test did not do what the reference backend did."""


class Rollback(Exception):
    """Raised on purpose inside a transaction to roll it back."""


class FeedBroke(Exception):
    """Raised on purpose by the record iterator given to ``bulk_insert``."""


@functools.cache
def _reference_spec() -> BackendSpec:
    module = importlib.import_module(REFERENCE_PLUGIN)
    registry: Registry[BackendSpec] = Registry("backend scheme")
    module.register_backends(registry)
    return registry.get("memory")


def reference_backend() -> Backend:
    """A fresh, empty ``memory:`` backend, the reference every backend must match."""
    return _reference_spec().open("memory:")


# -- comparing ------------------------------------------------------------------


def shape(value: Any) -> Any:
    """A form of ``value`` that compares equal only when types match too.

    ``==`` alone would let ``Decimal("1")`` pass for ``Decimal("1.00")``, ``0``
    for ``False`` or the text ``"junior"`` for ``Stage.JUNIOR``; ``repr`` tells
    them apart. Times compare by their ISO form (``fold`` means nothing in UTC).
    """
    kind = type(value)
    if kind in _LEAVES:
        return (kind, value)
    if attrs.has(kind):
        return (kind, tuple(shape(getattr(value, name)) for name in _names(kind)))
    if isinstance(value, list | tuple):
        return (kind, tuple(shape(v) for v in value))
    if isinstance(value, dict):
        return (dict, tuple(sorted((str(k), shape(v)) for k, v in value.items())))
    if isinstance(value, dt.datetime):
        return (kind, value.isoformat())
    return (kind, repr(value))


_LEAVES = frozenset({str, int, bool, type(None), dt.date})
"""Types whose ``==`` already implies the same type and form."""


@functools.cache
def _names(kind: type) -> tuple[str, ...]:
    return tuple(f.name for f in attrs.fields(kind))


def brief(value: Any, limit: int = 600) -> str:
    """``repr(value)``, cut to ``limit`` characters for failure messages."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def expect_same(what: str, actual: Any, expected: Any) -> None:
    """Raise :class:`Mismatch` unless ``actual`` has the shape of ``expected``."""
    if shape(actual) == shape(expected):
        return
    if isinstance(actual, list) and isinstance(expected, list):
        for i, (a, e) in enumerate(zip(actual, expected, strict=False)):
            if shape(a) != shape(e):
                raise Mismatch(
                    f"{what}: item {i} differs\n  expected {brief(e)}\n  got      {brief(a)}"
                )
        raise Mismatch(f"{what}: expected {len(expected)} items, got {len(actual)}")
    raise Mismatch(f"{what}:\n  expected {brief(expected)}\n  got      {brief(actual)}")


@attrs.frozen
class Outcome:
    """What an operation did: returned ``value`` or raised ``error``."""

    value: Any = None
    error: Exception | None = None

    def describe(self) -> str:
        """``returned …`` or ``raised …``, for failure messages."""
        if self.error is not None:
            return f"raised {type(self.error).__name__}: {brief(str(self.error), 300)}"
        return f"returned {brief(self.value)}"


def attempt(function: Callable[..., Any], *args: Any) -> Outcome:
    """Call ``function(*args)`` and keep what it returned or raised."""
    try:
        return Outcome(value=function(*args))
    except Exception as error:
        return Outcome(error=error)


def expect_same_outcome(what: str, actual: Outcome, expected: Outcome) -> None:
    """Both raised the same exception type, or both returned the same value."""
    if expected.error is None and actual.error is None:
        expect_same(what, actual.value, expected.value)
    elif type(expected.error) is not type(actual.error):
        raise Mismatch(
            f"{what}:\n  the reference {expected.describe()}\n"
            f"  the backend under test {actual.describe()}"
        ) from actual.error


def dump(backend: Backend) -> dict[str, list[Stored]]:
    """Every stored record, per table, in id order."""
    return {cls.table: list(backend.find(cls, {})) for cls in STORED_TYPES}


def expect_same_dumps(
    actual: Mapping[str, list[Stored]], expected: Mapping[str, list[Stored]], when: str = ""
) -> None:
    """Two :func:`dump` results hold exactly the same records."""
    for table, records in expected.items():
        expect_same(f"table {table}{when}", actual.get(table), records)


def expect_same_tables(actual: Backend, expected: Backend, when: str = "") -> None:
    """Every table of ``actual`` holds exactly what the same table of ``expected`` holds,
    and every record read from ``actual`` is what the validated path builds from its row."""
    tables = dump(actual)
    expect_same_dumps(tables, dump(expected), when)
    expect_checked(tables)


def expect_checked(tables: Mapping[str, list[Stored]]) -> None:
    """Each record, read back through the trusted decoder (:func:`~exchange.codec.from_row`
    skips the checks), equals the one :func:`~exchange.codec.from_row_checked` builds,
    with every converter, validator and cross-field check, from the same stored row."""
    for records in tables.values():
        for record in records:
            cls = type(record)
            checked = from_row_checked(cls, to_row(record))
            expect_same(f"{cls.__name__} {record.id} built with its checks", record, checked)


# -- operations -----------------------------------------------------------------


@attrs.frozen
class Add:
    """``backend.add(record)``."""

    record: Stored

    def __call__(self, backend: Backend) -> Any:
        return backend.add(self.record)


@attrs.frozen
class Update:
    """``backend.update(record)``."""

    record: Stored

    def __call__(self, backend: Backend) -> Any:
        return backend.update(self.record)


@attrs.frozen
class Delete:
    """``backend.delete(cls, id)``."""

    cls: type[Stored]
    id: int

    def __call__(self, backend: Backend) -> Any:
        return backend.delete(self.cls, self.id)


def _feed(records: Sequence[Stored], fail_after: int | None) -> Iterator[Stored]:
    for i, record in enumerate(records):
        if i == fail_after:
            raise FeedBroke(f"the record source broke after {i} records")
        yield record
    if fail_after is not None and fail_after >= len(records):
        raise FeedBroke("the record source broke at its end")


@attrs.frozen
class BulkInsert:
    """``backend.bulk_insert(cls, records, batch_size=…)``, the source maybe breaking midway."""

    cls: type[Stored]
    records: tuple[Stored, ...]
    fail_after: int | None = None
    batch_size: int = 10_000

    def __call__(self, backend: Backend) -> Any:
        feed = _feed(self.records, self.fail_after)
        return backend.bulk_insert(self.cls, feed, batch_size=self.batch_size)


Write = Add | Update | Delete | BulkInsert


@attrs.frozen
class Block:
    """A transaction: writes, maybe a nested block, more writes, then maybe a failure.

    A write that raises is recorded and the block goes on, as a caller that
    catches the error would; so a failed write must leave no trace.
    """

    before: tuple[Write, ...] = ()
    inner: Block | None = None
    after: tuple[Write, ...] = ()
    fails: bool = False

    def run(self, backend: Backend, trace: list[tuple[object, Outcome]]) -> None:
        """Run on ``backend``, appending each step and what it did to ``trace``."""
        with backend.transaction():
            for write in self.before:
                trace.append((write, attempt(write, backend)))
            if self.inner is not None:
                trace.append((self.inner, attempt(self.inner.run, backend, trace)))
            for write in self.after:
                trace.append((write, attempt(write, backend)))
            if self.fails:
                raise Rollback("the transaction failed on purpose")


@attrs.frozen
class Find:
    """``list(backend.find(cls, filters, order_by=…, limit=…, offset=…, after=…))``."""

    cls: type[Stored]
    filters: Filters
    order_by: tuple[tuple[str, bool], ...] = ()
    limit: int | None = None
    offset: int = 0
    after: tuple[Any, ...] | None = None

    def __call__(self, backend: Backend) -> Any:
        found = backend.find(
            self.cls,
            self.filters,
            order_by=self.order_by,
            limit=self.limit,
            offset=self.offset,
            after=self.after,
        )
        return list(found)


@attrs.frozen
class Count:
    """``backend.count(cls, filters)``."""

    cls: type[Stored]
    filters: Filters

    def __call__(self, backend: Backend) -> Any:
        return backend.count(self.cls, self.filters)


@attrs.frozen
class Aggregate:
    """``backend.aggregate(cls, group_by, measures, filters)``."""

    cls: type[Stored]
    group_by: tuple[str, ...]
    measures: Mapping[str, Measure]
    filters: Filters

    def __call__(self, backend: Backend) -> Any:
        return backend.aggregate(self.cls, self.group_by, self.measures, self.filters)


@attrs.frozen
class Get:
    """``backend.get(cls, id)``."""

    cls: type[Stored]
    id: int

    def __call__(self, backend: Backend) -> Any:
        return backend.get(self.cls, self.id)


# -- strategies that read the machine's state -----------------------------------

_BUNDLES = {cls.table: Bundle[int](cls.table) for cls in STORED_TYPES}
_SMALL_IDS = st.sampled_from([1, 2, 1, 2, 3, 4, 5, xs.MAX_ID])
LINKS: Mapping[str, xs.Ids] = {t: st.one_of(b, _SMALL_IDS) for t, b in _BUNDLES.items()}
"""Ids a link may hold: stored ids (some since deleted) and small or huge ids that may not exist."""
REFS: xs.Refs = st.none() | st.sampled_from(["A-1", "惠阳-001", "𠀀🎓"])
"""Few refs, so that repeats (and :class:`~exchange.errors.DuplicateRef`) are common."""
_TYPES = st.sampled_from(STORED_TYPES)


_RECORDS = {cls: xs.records(cls, LINKS, refs=REFS) for cls in STORED_TYPES}


def _records(cls: type[Stored]) -> st.SearchStrategy[Stored]:
    return _RECORDS[cls]


def _machine(draw: st.DrawFn) -> ConformanceMachine:
    return cast(ConformanceMachine, draw(st.runner()))


def _pick_id(draw: st.DrawFn, cls: type[Stored]) -> int:
    """Mostly the id of a stored record; else one from :data:`LINKS`."""
    stored = [r.id for r in _machine(draw).reference.find(cls, {}) if r.id is not None]
    if stored and draw(st.integers(0, 3)) > 0:
        return stored[draw(st.integers(0, len(stored) - 1))]
    return draw(LINKS[cls.table])


_FIELD_SETS = {
    cls: st.sets(
        st.sampled_from([f.name for f in attrs.fields(cls) if f.name != "id"]),
        min_size=1,
        max_size=3,
    )
    for cls in STORED_TYPES
}


@st.composite
def updates(draw: st.DrawFn) -> Update:
    """Changed copies of stored records (or of missing ones, to provoke NotFound)."""
    cls = draw(_TYPES)
    id = _pick_id(draw, cls)
    new = draw(_records(cls))
    old = _machine(draw).reference.get(cls, id)
    if old is not None:
        taken = draw(_FIELD_SETS[cls])
        try:
            return Update(attrs.evolve(old, **{n: getattr(new, n) for n in taken}))
        except InvalidRecord:
            pass  # e.g. the new start is after the old end: take the whole new record
    return Update(attrs.evolve(new, id=id))


@st.composite
def deletes(draw: st.DrawFn) -> Delete:
    """Deletes of stored, deleted and never-stored ids."""
    cls = draw(_TYPES)
    return Delete(cls, _pick_id(draw, cls))


@st.composite
def bulk_inserts(draw: st.DrawFn) -> BulkInsert:
    """Bulk inserts of a few records, the source sometimes breaking midway."""
    cls = draw(_TYPES)
    records = tuple(draw(st.lists(_records(cls), max_size=4)))
    fail_after = draw(st.none() | st.integers(0, len(records)))
    return BulkInsert(cls, records, fail_after, draw(st.sampled_from([1, 2, 10_000])))


@functools.cache
def writes() -> st.SearchStrategy[Write]:
    """Any write: add, update, delete or bulk insert."""
    adds = _TYPES.flatmap(_records).map(Add)
    return st.one_of(adds, updates(), deletes(), bulk_inserts())


@functools.cache
def blocks(depth: int = 2) -> st.SearchStrategy[Block]:
    """Transactions nested up to ``depth`` levels below this one, some failing."""
    steps = st.lists(writes(), max_size=2).map(tuple)
    inner = st.none() | blocks(depth - 1) if depth else st.none()
    return st.builds(Block, steps, inner, steps, st.booleans())


def _samples(machine: ConformanceMachine, cls: type[Stored]) -> dict[str, list[Any]]:
    """Values each field holds in the reference store (list items for list fields)."""
    out: dict[str, dict[Any, None]] = {}
    for record in machine.reference.find(cls, {}):
        for field in attrs.fields(cls):
            value = getattr(record, field.name)
            items = value if field.metadata["kind"] == "json" else (value,)
            seen = out.setdefault(field.name, {})
            for item in items:
                if item is not None and isinstance(item, str | int | dt.date | decimal.Decimal):
                    seen[item] = None
    return {name: list(values) for name, values in out.items()}


def _queried_type(draw: st.DrawFn, types: Sequence[type[Stored]] = STORED_TYPES) -> type[Stored]:
    """One of ``types``; mostly one the reference holds records of, so queries find something."""
    reference = _machine(draw).reference
    held = [cls for cls in types if reference.count(cls, {})]
    return draw(st.sampled_from(held if held and draw(st.integers(0, 3)) > 0 else types))


def _filters(draw: st.DrawFn, cls: type[Stored]) -> Filters:
    return xs.draw_filters(draw, cls, _samples(_machine(draw), cls))


@st.composite
def finds(draw: st.DrawFn) -> Find:
    """Finds with random filters, order, limit, offset and keyset position."""
    cls = _queried_type(draw)
    limit = draw(st.none() | st.integers(0, 4))
    order_by = draw(xs.orderings(cls))
    after = _position(draw, cls, order_by) if draw(st.booleans()) else None
    return Find(cls, _filters(draw, cls), order_by, limit, draw(st.integers(0, 4)), after)


def _position(
    draw: st.DrawFn, cls: type[Stored], order_by: tuple[tuple[str, bool], ...]
) -> tuple[Any, ...]:
    """A keyset position: mostly a stored record's, some values swapped for values seen
    in the store or for empty ones (so positions fall between, on and beside records)."""
    machine = _machine(draw)
    stored = list(machine.reference.find(cls, {}))
    names = [name for name, _ in keys(order_by)]
    base = draw(st.sampled_from(stored)) if stored else None
    values = [getattr(base, name) if base is not None else None for name in names]
    samples = _samples(machine, cls)
    for i, name in enumerate(names):
        if draw(st.integers(0, 3)) == 0:
            raw = draw(st.none() | xs.filter_values(cls, name, samples.get(name, ())))
            with contextlib.suppress(InvalidRecord):
                values[i] = normalize(cls, {name: raw})[name].value
    return tuple(values)


@st.composite
def counts(draw: st.DrawFn) -> Count:
    """Counts with random filters."""
    cls = _queried_type(draw)
    return Count(cls, _filters(draw, cls))


_MEASURES = {cls: xs.measures(cls) for cls in STORED_TYPES}


@st.composite
def aggregates(draw: st.DrawFn) -> Aggregate:
    """Aggregates with random groups, measures and filters."""
    cls = _queried_type(draw)
    group_by = draw(xs.groupings(cls))
    measures = draw(_MEASURES[cls])
    check_measures(cls, group_by, measures)
    return Aggregate(cls, group_by, measures, _filters(draw, cls))


_DATES = {
    cls: tuple(f.name for f in attrs.fields(cls) if f.metadata["kind"] == "date")
    for cls in STORED_TYPES
}
_DATED = tuple(cls for cls in STORED_TYPES if _DATES[cls])


@st.composite
def yearly_aggregates(draw: st.DrawFn) -> Aggregate:
    """Aggregates grouped by a date's year (maybe and another key), mostly over a
    ``between`` filter mixed with other filters."""
    cls = _queried_type(draw, _DATED)
    year = draw(st.sampled_from(_DATES[cls])) + YEAR
    group_by = tuple(dict.fromkeys((year, *draw(xs.groupings(cls))[:1])))
    measures = draw(_MEASURES[cls])
    check_measures(cls, group_by, measures)
    samples = _samples(_machine(draw), cls)
    filters = dict(xs.draw_filters(draw, cls, samples))
    ranged = xs.ranged_fields(cls)
    if ranged and draw(st.integers(0, 3)) > 0:
        name = draw(st.sampled_from(ranged))
        filters.update(xs.draw_between(draw, cls, name, samples.get(name, ())))
    return Aggregate(cls, group_by, measures, filters)


@st.composite
def gets(draw: st.DrawFn) -> Get:
    """Gets of stored, deleted and missing ids."""
    cls = draw(_TYPES)
    return Get(cls, draw(LINKS[cls.table]))


# -- the machine ----------------------------------------------------------------


def _adder(cls: type[Stored]) -> Any:
    def add(self: ConformanceMachine, record: Stored) -> Any:
        outcome = self.both(Add(record))
        return multiple() if outcome.error is not None else outcome.value.id

    add.__name__ = add.__qualname__ = f"add_{cls.__name__.lower()}"
    add.__doc__ = f"Add a {cls.__name__} on both backends; its id joins the bundle links use."
    return rule(target=_BUNDLES[cls.table], record=_records(cls))(add)


class ConformanceMachine(RuleBasedStateMachine):
    """Random operations on the reference and on the backend under test, compared.

    Use :func:`conformance_machine` to bind it to a backend factory.
    """

    factories: ClassVar[tuple[Callable[[], Backend], Callable[[], Backend]]]
    """``(backend under test, reference)`` factories; set by :func:`conformance_machine`."""

    def __init__(self) -> None:
        super().__init__()
        make_subject, make_reference = type(self).factories
        self.reference = make_reference()
        self.written = True  # a write ran since the tables were last compared
        try:
            self.subject = make_subject()
        except BaseException:
            self.reference.close()
            raise

    def both(self, operation: Callable[[Backend], Any], *, writes: bool = True) -> Outcome:
        """Apply ``operation`` to both backends and require the same outcome."""
        self.written = self.written or writes
        expected = attempt(operation, self.reference)
        actual = attempt(operation, self.subject)
        expect_same_outcome(brief(operation, 2_000), actual, expected)
        return expected

    @initialize(stock=st.booleans())
    def populate(self, stock: bool) -> None:
        """Maybe start from :func:`~.strategies.programme`, so that links find targets."""
        for record in xs.programme() if stock else ():
            self.both(Add(record))

    @rule(operation=updates())
    def update(self, operation: Update) -> None:
        """Update a record (or a missing one) on both backends."""
        self.both(operation)

    @rule(operation=deletes())
    def delete(self, operation: Delete) -> None:
        """Delete a record (or a missing one) on both backends."""
        self.both(operation)

    @rule(operation=bulk_inserts())
    def bulk_insert(self, operation: BulkInsert) -> None:
        """Bulk-insert records on both backends."""
        self.both(operation)

    @rule(operation=gets())
    def get(self, operation: Get) -> None:
        """Get a record on both backends."""
        self.both(operation, writes=False)

    @rule(operation=finds())
    def find(self, operation: Find) -> None:
        """Find records on both backends."""
        self.both(operation, writes=False)

    @rule(operation=counts())
    def count(self, operation: Count) -> None:
        """Count records on both backends."""
        self.both(operation, writes=False)

    @rule(operation=aggregates())
    def aggregate(self, operation: Aggregate) -> None:
        """Aggregate records on both backends."""
        self.both(operation, writes=False)

    @rule(operation=yearly_aggregates())
    def aggregate_by_year(self, operation: Aggregate) -> None:
        """Aggregate by a date's year on both backends."""
        self.both(operation, writes=False)

    @rule(block=blocks())
    def transaction(self, block: Block) -> None:
        """Run a (nested, maybe failing) transaction on both; every step must agree."""
        self.written = True
        traces: list[list[tuple[object, Outcome]]] = []
        for backend in (self.reference, self.subject):
            trace: list[tuple[object, Outcome]] = []
            trace.append((block, attempt(block.run, backend, trace)))
            traces.append(trace)
        *expected, (_, want) = traces[0]
        *actual, (_, got) = traces[1]
        for i, ((step, step_want), (_, step_got)) in enumerate(zip(expected, actual, strict=False)):
            expect_same_outcome(f"transaction step {i}: {brief(step, 2_000)}", step_got, step_want)
        if len(expected) != len(actual):
            raise Mismatch(
                f"transaction {brief(block, 2_000)}: the reference ran {len(expected)} steps, "
                f"the backend under test {len(actual)}"
            )
        expect_same_outcome(f"transaction {brief(block, 2_000)}", got, want)

    @invariant()
    def tables_agree(self) -> None:
        """After every step that wrote, both backends hold exactly the same records."""
        if not self.written:
            return
        self.written = False
        expect_same_tables(self.subject, self.reference, " after the last step")

    def teardown(self) -> None:
        """Close both backends."""
        try:
            self.subject.close()
        finally:
            self.reference.close()


for _cls in STORED_TYPES:
    setattr(ConformanceMachine, f"add_{_cls.__name__.lower()}", _adder(_cls))


def conformance_machine(
    factory: Callable[[], Backend],
    *,
    reference: Callable[[], Backend] = reference_backend,
    name: str | None = None,
) -> type[ConformanceMachine]:
    """A state machine comparing backends made by ``factory`` with ``reference`` (memory).

    ``factory`` is a zero-argument callable returning a fresh, empty backend;
    each hypothesis example calls it once and closes what it returns. Run the
    result with ``hypothesis.stateful.run_state_machine_as_test`` or collect its
    ``TestCase`` attribute.
    """
    label = str(name or getattr(factory, "__name__", ""))
    label = label if label.isidentifier() else "Backend"
    attributes = {"factories": (factory, reference), "__module__": __name__}
    return cast(
        "type[ConformanceMachine]",
        type(f"{label}ConformanceMachine", (ConformanceMachine,), attributes),
    )
