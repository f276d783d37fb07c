"""Properties of every backend: records come back unchanged; failed transactions leave no trace."""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from backends.memory import MemoryBackend
from backends.sqlite import open_sqlite
from exchange.backend import STORED_TYPES, Backend
from exchange.changelog import Change
from exchange.enums import Stage
from exchange.errors import InvalidRecord
from exchange.models import School, Stored
from exchange.money import to_yuan
from exchange.testing import strategies as xs
from exchange.testing.machine import (
    Add,
    Block,
    BulkInsert,
    Delete,
    Rollback,
    Update,
    dump,
    expect_same,
    expect_same_dumps,
)

Fresh = Callable[[], contextlib.AbstractContextManager[Backend]]


@contextlib.contextmanager
def _closing(backend: Backend) -> Iterator[Backend]:
    try:
        yield backend
    finally:
        backend.close()


@contextlib.contextmanager
def _sqlite_file(open_url: Callable[[str], Backend]) -> Iterator[Backend]:
    with (
        tempfile.TemporaryDirectory() as folder,
        _closing(open_url(f"sqlite:///{Path(folder) / 'store.db'}")) as backend,
    ):
        yield backend


def _opener(kind: str) -> Fresh:
    if kind == "memory":
        return lambda: _closing(MemoryBackend())
    open_url = open_sqlite
    if kind == "sqlite-file":
        return lambda: _sqlite_file(open_url)
    return lambda: _closing(open_url("sqlite://"))


@pytest.fixture(scope="module", params=["memory", "sqlite-file"])
def fresh(request: pytest.FixtureRequest) -> Fresh:
    """Opens a fresh, empty backend per hypothesis example (a context manager that closes it)."""
    return _opener(request.param)


@pytest.fixture(scope="module", params=["memory", "sqlite-memory"])
def fast(request: pytest.FixtureRequest) -> Fresh:
    """Like ``fresh``, with SQLite in memory (``sqlite://``) for the many per-type runs."""
    return _opener(request.param)


@given(population=xs.populations())
def test_every_record_comes_back_unchanged(fresh: Fresh, population: list[Stored]) -> None:
    """add returns the input with its id; get and find return exactly that."""
    with fresh() as backend:
        stored = []
        for record in population:
            got = backend.add(record)
            expect_same("add", got, attrs.evolve(record, id=got.id))
            stored.append(got)
        for record in stored:
            expect_same("get", backend.get(type(record), record.id or 0), record)
        for cls in STORED_TYPES:
            want = [r for r in stored if type(r) is cls]
            expect_same(f"find({cls.__name__})", list(backend.find(cls, {})), want)


BASE = xs.samples()
"""Two records of every type (ids 1 and 2 in a fresh store), for links to point at."""
_IDS = {cls.table: st.sampled_from([1, 2]) for cls in STORED_TYPES}


@pytest.mark.parametrize("cls", STORED_TYPES, ids=lambda cls: cls.__name__)
@given(data=st.data())
def test_each_record_type_round_trips(fast: Fresh, cls: type[Stored], data: st.DataObject) -> None:
    """Records of one type, with links to stored records, come back exactly as stored."""
    records = data.draw(st.lists(xs.records(cls, _IDS), max_size=3, unique_by=_ref_key))
    with fast() as backend:
        for record in BASE:
            backend.add(record)
        for i, record in enumerate(records, start=3):
            expect_same("add", backend.add(record), attrs.evolve(record, id=i))
            expect_same("get", backend.get(cls, i), attrs.evolve(record, id=i))


def _ref_key(record: Stored) -> object:
    ref = getattr(record, "ref", None)
    return object() if ref is None else ref


def _writes() -> st.SearchStrategy[Any]:
    """Writes whose links and ids point at 1–3 (some exist, some not)."""
    ids = {cls.table: st.integers(1, 3) for cls in STORED_TYPES}
    types = st.sampled_from(STORED_TYPES)
    adds = types.flatmap(lambda cls: xs.records(cls, ids)).map(Add)
    updates = st.builds(
        lambda record, id: Update(attrs.evolve(record, id=id)),
        types.flatmap(lambda cls: xs.records(cls, ids)),
        st.integers(1, 3),
    )
    deletes = st.builds(Delete, types, st.integers(1, 3))
    bulks = types.flatmap(
        lambda cls: st.builds(
            BulkInsert, st.just(cls), st.lists(xs.records(cls, ids), max_size=3).map(tuple)
        )
    )
    return st.one_of(adds, updates, deletes, bulks)


_STEPS = st.lists(_writes(), max_size=4).map(tuple)
_FAILING = st.builds(
    Block,
    _STEPS,
    st.none() | st.builds(Block, _STEPS, st.none(), _STEPS, st.booleans()),
    _STEPS,
    st.just(True),
)


@given(population=xs.populations(), block=_FAILING)
def test_a_failed_transaction_leaves_everything_as_it_was(
    fresh: Fresh, population: list[Stored], block: Block
) -> None:
    """Whatever a failing (nested) transaction wrote is gone, ids included."""
    with fresh() as backend:
        for record in population:
            backend.add(record)
        before = dump(backend)
        with pytest.raises(Rollback):
            block.run(backend, [])
        expect_same_dumps(dump(backend), before, " after the rollback")
        schools = len(before[School.table])
        added = backend.add(School(name="新学校", region="贞丰县", stage=Stage.PRIMARY))
        expect_same("the next school id", added.id, schools + 1)


@given(bad=xs.invalid_inputs())
def test_invalid_inputs_are_refused(bad: xs.BadInput) -> None:
    """Every mistake the invalid-input strategy makes is refused on construction."""
    with pytest.raises(InvalidRecord):
        bad.build()
        pytest.fail(f"{bad.cls.__name__} accepted {bad.problem}")


def test_a_huge_exponent_is_an_invalid_amount() -> None:
    """``to_yuan("1e999999")`` is an InvalidRecord like any other bad amount."""
    with pytest.raises(InvalidRecord):
        to_yuan("1e999999")


def test_a_time_beyond_the_calendar_in_utc_is_invalid() -> None:
    """0001-01-01T00:00+05:00 is before the first instant a UTC time can hold."""
    with pytest.raises(InvalidRecord):
        Change(
            at="0001-01-01T00:00:00+05:00",  # type: ignore[arg-type]
            actor="管理员",
            action="add",
            record_type="schools",
            prev_hash="0" * 64,
            hash="0" * 64,
        )
