"""The conformance kit: prove a backend behaves exactly like ``memory:``.

Subclass :class:`BackendConformance` in a test module and give it one fixture,
``backend_factory``, returning a zero-argument callable that opens a fresh,
empty backend::

    class TestAcmeBackend(BackendConformance):
        @pytest.fixture
        def backend_factory(self, tmp_path):
            return lambda: AcmeBackend(f"acme://{tmp_path}/{uuid.uuid4()}")

The class holds example-based tests of the contract in
:mod:`exchange.backend` (those of ``restore`` come from :mod:`.restoring`) and
one stateful test (:func:`conformance_machine`) that runs random histories on
the backend and on ``memory:`` side by side.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar, TypeVar

import attrs
import pytest
from hypothesis import HealthCheck, settings
from hypothesis.stateful import run_state_machine_as_test

from ..backend import (
    PROTOCOL_METHODS,
    SCHEMA_VERSION,
    STORED_TYPES,
    Backend,
    BulkResult,
    missing_members,
)
from ..changelog import Change, make_change
from ..enums import ActivityKind, Stage
from ..errors import BackendError, DuplicateRef, NotFound, StaleRecord, StillReferenced
from ..models import Activity, Expense, Pairing, Partnership, School, Stored, Teacher
from ..paging import Cursor
from ..query import Op, between, count, has, largest, normalize, one_of, smallest, total
from .examples import ADMINISTRATOR
from .machine import (
    FeedBroke,
    Mismatch,
    conformance_machine,
    dump,
    expect_checked,
    expect_same,
    expect_same_dumps,
    expect_same_tables,
    reference_backend,
)
from .restoring import RestoreConformance
from .strategies import MAX_ID, programme, samples

__all__ = ["BackendConformance", "Mismatch", "conformance_machine"]

Factory = Callable[[], Backend]
S = TypeVar("S", bound=Stored)
T = TypeVar("T")

DEADLOCK_SECONDS = 60.0
"""How long a test that could deadlock waits before it fails."""


def _ids(records: Iterable[Stored]) -> list[int | None]:
    return [r.id for r in records]


def _fill(backend: Backend, records: Iterable[Stored]) -> list[Stored]:
    return [backend.add(r) for r in records]


def _must_get(backend: Backend, cls: type[S], id: int) -> S:
    record = backend.get(cls, id)
    if record is None:
        raise Mismatch(f"get({cls.__name__}, {id}) returned None for a stored record")
    return record


def _id(record: Stored) -> int:
    if record.id is None:
        raise Mismatch(f"{record!r} has no id")
    return record.id


def _activity(pairing_id: int | None = None) -> Activity:
    return Activity(
        kind=ActivityKind.TRAINING, title="培训", held_on=dt.date(2025, 1, 1), pairing_id=pairing_id
    )


def _change() -> Change:
    return make_change(
        prev_hash="0" * 64,
        actor="管理员",
        action="add",
        record_type="schools",
        record_id=1,
        before=None,
        after="{}",
    )


def _school(name: str = "贞丰县第五中学", ref: str | None = None) -> School:
    return School(name=name, region="贞丰县", stage=Stage.JUNIOR, ref=ref)


def _twin(backend: Backend, action: Callable[[Backend], Any]) -> None:
    """Run ``action`` on ``backend`` and on a fresh reference; require the same tables."""
    reference = reference_backend()
    try:
        action(reference)
        action(backend)
        expect_same_tables(backend, reference)
    finally:
        reference.close()


def _find(backend: Backend, cls: type[Stored], raw: Mapping[str, Any], **kw: Any) -> list[Stored]:
    return list(backend.find(cls, normalize(cls, raw), **kw))


def _broken_feed(records: Iterable[Stored], after: int) -> Iterator[Stored]:
    for i, record in enumerate(records):
        if i == after:
            raise FeedBroke("the source broke")
        yield record


def _reading_feed(store: Backend, records: Iterable[S], reads: list[Any]) -> Iterator[S]:
    """``records``, reading ``store`` before each one as the Tracker's rules do.

    The reads touch other tables and rows stored before the load began: how
    much of a load is visible before ``bulk_insert`` returns depends on its batching.
    """
    early = normalize(Teacher, {"id": Op("le", 3)})
    for i, record in enumerate(records):
        reads.append(store.get(School, i % 3 + 1))
        reads.append(store.get(Teacher, i % 3 + 1))
        reads.append(list(store.find(School, normalize(School, {"rural": True}))))
        reads.append(list(store.find(Teacher, early, order_by=[("name", True)], limit=2)))
        reads.append(store.count(Teacher, early))
        reads.append(store.count(Activity, {}))
        yield record


def _load_while_reading(store: Backend) -> tuple[list[Any], list[BulkResult], dict[str, Any]]:
    """Over :func:`programme`, bulk-load 10 teachers (in a transaction) and 10 schools
    (outside one) in batches of 3, the source reading ``store`` between rows."""
    _fill(store, programme())
    reads: list[Any] = []
    teachers = [Teacher(name=f"老师{i}", school_id=i % 3 + 1, ref=f"B-{i}") for i in range(10)]
    schools = [_school(f"学校{i}", ref=f"B-{i}" if i % 2 else None) for i in range(10)]
    with store.transaction():
        loaded = [store.bulk_insert(Teacher, _reading_feed(store, teachers, reads), batch_size=3)]
    loaded.append(store.bulk_insert(School, _reading_feed(store, schools, reads), batch_size=3))
    return reads, loaded, dump(store)


def _within(seconds: float, what: str, action: Callable[[], T]) -> T:
    """``action()`` run in a thread of its own; :class:`Mismatch` if it does not end in time."""
    done: list[T] = []
    failed: list[BaseException] = []

    def run() -> None:
        try:
            done.append(action())
        except BaseException as error:
            failed.append(error)

    thread = threading.Thread(target=run, name="exchange-conformance", daemon=True)
    thread.start()
    thread.join(seconds)
    if failed:
        raise failed[0]
    if not done:
        raise Mismatch(f"{what} did not finish within {seconds:g} s: a deadlock?")
    return done[0]


class BackendConformance(RestoreConformance):
    """Tests every backend must pass; subclass and provide a ``backend_factory`` fixture.

    ``backend_factory`` returns a zero-argument callable that opens a fresh,
    empty backend each time it is called. Tune the stateful test with
    :attr:`machine_examples` and :attr:`machine_steps`.
    """

    machine_examples: ClassVar[int] = 40
    """Random histories the stateful test tries."""
    machine_steps: ClassVar[int] = 40
    """Operations per history."""

    @pytest.fixture
    def backend_factory(self) -> Factory:
        """Override: return a callable that opens a fresh, empty backend."""
        raise NotImplementedError(
            f"{type(self).__name__} must define a backend_factory fixture returning a "
            "zero-argument callable that opens a fresh, empty backend"
        )

    @pytest.fixture
    def backend(self, backend_factory: Factory) -> Iterator[Backend]:
        """A fresh backend, closed after the test."""
        store = backend_factory()
        yield store
        store.close()

    @pytest.fixture
    def stocked(self, backend: Backend) -> Backend:
        """A fresh backend holding :func:`programme`."""
        _fill(backend, programme())
        return backend

    def machine_settings(self) -> settings:
        """Settings for the stateful test, over the loaded hypothesis profile.

        Override to run longer (nightly), or to leave out ``Phase.shrink``:
        shrinking a failure on a slow backend can take a few minutes.
        """
        return settings(
            max_examples=self.machine_examples,
            stateful_step_count=self.machine_steps,
            deadline=None,
            report_multiple_bugs=False,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        )

    # -- the protocol ---------------------------------------------------------

    def test_follows_the_protocol(self, backend: Backend) -> None:
        """It is a :class:`~exchange.backend.Backend` with a URL and the current schema;
        a failure names every method (or attribute) it lacks."""
        missing = missing_members(backend)
        if missing:
            raise Mismatch(
                f"{type(backend).__name__} does not follow the Backend protocol: it has no "
                + ", ".join(f"{name}()" if name in PROTOCOL_METHODS else name for name in missing)
            )
        if not isinstance(backend, Backend) or not isinstance(backend.url, str):
            raise Mismatch(f"{backend!r} does not follow the Backend protocol: url is not text")
        expect_same("schema_version()", backend.schema_version(), SCHEMA_VERSION)
        expect_same("migrate() of a fresh store", backend.migrate(), 0)

    def test_every_record_type_round_trips(self, backend: Backend) -> None:
        """Minimal and maximal records of every type come back exactly as stored."""
        records = samples()
        for record in records:
            stored = backend.add(record)
            expect_same(f"add({type(record).__name__})", stored, attrs.evolve(record, id=stored.id))
            expect_same("get", backend.get(type(record), stored.id or 0), stored)
        for cls in STORED_TYPES:
            want = [r for r in records if type(r) is cls]
            got = list(backend.find(cls, {}))
            expect_same(
                f"find({cls.__name__})", got, [attrs.evolve(r, id=i) for i, r in enumerate(want, 1)]
            )

    def test_records_read_back_match_the_checked_path(self, backend: Backend) -> None:
        """Records read back (decoded without checks: the store wrote the rows) equal the
        ones built from the same rows with every check."""
        for record in samples():
            backend.add(record)
        expect_checked(dump(backend))

    # -- ids, get, links, refs --------------------------------------------------

    def test_ids_start_at_one_for_each_type(self, backend: Backend) -> None:
        """Each type numbers its records 1, 2, 3, … on its own."""
        got = [backend.add(r).id for r in programme()]
        expected = [1, 1, 2, 3, 1, 2, 3, 1, 1, 1, 1, 1, 1, 1, 2, 3, 1, 1, 1, 1, 1, 2, 1, 1, 1, 2, 3]
        expect_same("ids", got, expected)

    def test_ids_of_deleted_records_are_never_reused(self, backend: Backend) -> None:
        """Deleting the last record does not give its id out again."""
        for i in range(3):
            backend.add(_school(f"学校{i}"))
        backend.delete(School, 3)
        backend.delete(School, 1)
        expect_same("next id", backend.add(_school()).id, 4)
        expect_same("ids", _ids(backend.find(School, {})), [2, 4])

    def test_add_refuses_a_record_that_has_an_id(self, backend: Backend) -> None:
        """Adding (or bulk-inserting) a record with an id is a BackendError."""
        with pytest.raises(BackendError):
            backend.add(attrs.evolve(_school(), id=7))
        with pytest.raises(BackendError):
            backend.bulk_insert(School, [attrs.evolve(_school(), id=7)])
        expect_same("schools", backend.count(School, {}), 0)

    def test_get_of_a_missing_record_returns_none(self, backend: Backend) -> None:
        """``get`` of an id no record of that type has returns ``None``."""
        backend.add(_school())
        for cls, id in ((School, 2), (Teacher, 1), (School, MAX_ID), (Change, 1)):
            expect_same(f"get({cls.__name__}, {id})", backend.get(cls, id), None)

    def test_links_must_point_to_existing_records(self, backend: Backend) -> None:
        """Adding or updating a record whose link points nowhere raises NotFound."""
        with pytest.raises(NotFound):
            backend.add(Teacher(name="李老师", school_id=1))
        school = backend.add(_school())
        teacher = backend.add(Teacher(name="李老师", school_id=_id(school)))
        with pytest.raises(NotFound):
            backend.update(attrs.evolve(teacher, school_id=MAX_ID))
        with pytest.raises(NotFound):
            backend.add(_activity(pairing_id=1))
        expect_same("teachers", list(backend.find(Teacher, {})), [teacher])

    def test_refs_are_unique_per_type(self, backend: Backend) -> None:
        """A ref may be used once per type; freed refs can be used again."""
        first = backend.add(_school(ref="ZF-5"))
        with pytest.raises(DuplicateRef):
            backend.add(_school("另一所", ref="ZF-5"))
        backend.add(Partnership(name="p", supporting_region="a", supported_region="b", ref="ZF-5"))
        second = backend.add(_school("另一所", ref="ZF-6"))
        with pytest.raises(DuplicateRef):
            backend.update(attrs.evolve(second, ref="ZF-5"))
        first = backend.update(attrs.evolve(first, name="新名字"))  # keeping its own ref is fine
        backend.update(attrs.evolve(first, ref="ZF-7"))
        backend.update(attrs.evolve(second, ref="ZF-5"))
        backend.delete(School, second.id or 0)
        expect_same("re-used ref", backend.add(_school(ref="ZF-5")).id, 3)

    # -- update and delete ----------------------------------------------------

    def test_update_replaces_the_stored_record(self, stocked: Backend) -> None:
        """``update`` returns the record one revision on and ``get`` then returns it; a
        missing id is NotFound."""
        school = _must_get(stocked, School, 2)
        changed = attrs.evolve(school, name="贞丰县第五中学（新校区）", ref=None, rural=False)
        stored = attrs.evolve(changed, revision=school.revision + 1)
        expect_same("update", stocked.update(changed), stored)
        expect_same("get", stocked.get(School, 2), stored)
        with pytest.raises(NotFound):
            stocked.update(attrs.evolve(changed, id=99))

    def test_an_update_from_a_stale_copy_is_refused(self, stocked: Backend) -> None:
        """``update`` compares and sets: a copy made from an older revision than the stored
        one is StaleRecord, whatever else is wrong with it, and changes nothing."""
        read = _must_get(stocked, School, 2)
        newer = stocked.update(attrs.evolve(read, name="改名一"))
        for stale in (
            attrs.evolve(read, name="改名二"),
            attrs.evolve(read, revision=read.revision + 5),
            attrs.evolve(read, ref="HY-BD"),  # a ref taken too: the stale copy is named first
        ):
            with pytest.raises(StaleRecord, match="changed after it was read"):
                stocked.update(stale)
        expect_same("get", stocked.get(School, 2), newer)
        expect_same("twice on", stocked.update(attrs.evolve(newer, rural=True)).revision, 2)

    def test_delete_refuses_missing_and_linked_records(self, stocked: Backend) -> None:
        """Deleting a missing record is NotFound, a linked one StillReferenced."""
        with pytest.raises(NotFound):
            stocked.delete(School, 99)
        with pytest.raises(StillReferenced):
            stocked.delete(School, 2)
        with pytest.raises(StillReferenced):
            stocked.delete(Activity, 1)
        stocked.delete(Expense, 2)
        stocked.delete(Activity, 1)
        expect_same("get", stocked.get(Activity, 1), None)
        expect_same("activities", _ids(stocked.find(Activity, {})), [2, 3])

    # -- find, count, aggregate -----------------------------------------------

    FILTER_CASES: ClassVar[list[tuple[type[Stored], dict[str, Any], list[int]]]] = [
        (School, {}, [1, 2, 3]),
        (School, {"rural": True}, [2, 3]),
        (School, {"ref": None}, [3]),
        (School, {"ref": Op("ne", None)}, [1, 2]),
        (School, {"ref": Op("ne", "HY-BD")}, [2, 3]),
        (School, {"stage": one_of("junior")}, [1, 2]),
        (School, {"stage": one_of()}, []),
        (School, {"name": "贞丰县第五中学"}, [2]),
        (School, {"name": Op("gt", "贞丰县第")}, [2, 3]),
        (Teacher, {"roles": has("骨干教师")}, [1]),
        (Teacher, {"subjects": has("语文")}, [2]),
        (Teacher, {"phone": Op("lt", "2")}, [1]),
        (Activity, {"held_on": Op("ge", "2025-01-01")}, [1, 2]),
        (Activity, {"held_on": Op("lt", dt.date(2025, 1, 1))}, [3]),
        (Activity, {"held_on": between("2024-11-20", "2025-04-02")}, [1, 3]),
        (Activity, {"held_on": between("2025-04-03", "2025-05-08")}, []),
        (Expense, {"amount": between("0.01", "1234.56")}, [1, 2]),
        (Activity, {"partnership_id": None}, [2]),
        (Activity, {"partnership_id": Op("ne", None), "attendees": Op("gt", 0)}, [1]),
        (Activity, {"school_id": one_of(2, 3, None)}, [1, 2]),
        (Activity, {"kind": "直播课"}, [2]),
        (Expense, {"amount": Op("le", "1234.56")}, [1, 2]),
        (Expense, {"amount": Op("gt", Decimal("0.01"))}, [1]),
        (Pairing, {"annual_budget": 100000}, [1]),
        (Change, {}, []),
    ]
    """``(type, filters, expected ids)`` over :func:`programme`."""

    def test_filters(self, stocked: Backend) -> None:
        """Every operator, ``None`` handling and list fields, on find and count."""
        for cls, raw, want in self.FILTER_CASES:
            what = f"{cls.__name__} {raw}"
            expect_same(f"find {what}", _ids(_find(stocked, cls, raw)), want)
            expect_same(f"count {what}", stocked.count(cls, normalize(cls, raw)), len(want))

    def test_order_limit_and_offset(self, stocked: Backend) -> None:
        """Order by fields (empty first ascending, last descending), then id; then slice."""
        cases: list[tuple[type[Stored], dict[str, Any], list[int]]] = [
            (School, {"order_by": [("name", False)]}, [1, 2, 3]),
            (School, {"order_by": [("name", True)]}, [3, 2, 1]),
            (School, {"order_by": [("rural", True)]}, [2, 3, 1]),
            (School, {"order_by": [("stage", True), ("id", True)]}, [3, 2, 1]),
            (Teacher, {"order_by": [("phone", False)]}, [2, 3, 1]),
            (Teacher, {"order_by": [("phone", True)]}, [1, 2, 3]),
            (Activity, {"order_by": [("held_on", True)]}, [2, 1, 3]),
            (Expense, {"order_by": [("amount", False)]}, [2, 1]),
            (School, {"limit": 2}, [1, 2]),
            (School, {"offset": 1}, [2, 3]),
            (School, {"limit": 1, "offset": 1}, [2]),
            (School, {"offset": 5}, []),
            (School, {"limit": 0}, []),
            (Activity, {"order_by": [("school_id", True)], "limit": 2, "offset": 1}, [1, 3]),
        ]
        for cls, kw, want in cases:
            expect_same(f"find({cls.__name__}, {kw})", _ids(stocked.find(cls, {}, **kw)), want)

    ORDERS: ClassVar[list[tuple[type[Stored], tuple[tuple[str, bool], ...]]]] = [
        (School, ()),
        (School, (("name", True),)),
        (School, (("rural", True),)),
        (School, (("stage", True), ("id", True))),
        (Teacher, (("phone", False),)),
        (Teacher, (("phone", True),)),
        (Activity, (("school_id", True), ("held_on", False))),
        (Expense, (("amount", False),)),
    ]
    """Orders :meth:`test_keyset_pages` pages through: ties, empty values, descending."""

    def test_keyset_pages(self, stocked: Backend) -> None:
        """Pages read ``after`` the last record of the page before make up the whole list,
        in every order; a position need not be a stored record's."""
        for cls, order_by in self.ORDERS:
            whole = _ids(stocked.find(cls, {}, order_by=order_by))
            for size in (1, 2):
                pages: list[int | None] = []
                page = list(stocked.find(cls, {}, order_by=order_by, limit=size))
                while page:
                    pages += _ids(page)
                    after = Cursor.of(page[-1], order_by).values
                    page = list(stocked.find(cls, {}, order_by=order_by, limit=size, after=after))
                expect_same(f"pages of {size} ({cls.__name__}, {order_by})", pages, whole)
        cases: list[tuple[type[Stored], dict[str, Any], list[int]]] = [
            (Teacher, {"order_by": (("phone", False),), "after": (None, 2)}, [3, 1]),
            (Teacher, {"order_by": (("phone", True),), "after": (None, 2)}, [3]),
            (Teacher, {"order_by": (("phone", True),), "after": ("0", 9)}, [2, 3]),
            (School, {"order_by": (("rural", True),), "after": (True, 2), "limit": 1}, [3]),
            (School, {"after": (0,), "offset": 1}, [2, 3]),
            (School, {"order_by": (("id", True),), "after": (3,)}, [2, 1]),
            (School, {"order_by": (("name", False),), "after": (None, 99)}, [1, 2, 3]),
        ]
        for cls, kw, want in cases:
            expect_same(f"find({cls.__name__}, {kw})", _ids(stocked.find(cls, {}, **kw)), want)

    def test_aggregate_over_no_records(self, backend: Backend) -> None:
        """Without group_by there is one row: counts 0, sums 0 (money 0.00), min/max None."""
        measures = {
            "n": count(),
            "with_teacher": count("teacher_id"),
            "lessons": total("lessons"),
            "first": smallest("held_on"),
            "last": largest("held_on"),
        }
        got = backend.aggregate(Activity, [], measures, {})
        want = [{"n": 0, "with_teacher": 0, "lessons": 0, "first": None, "last": None}]
        expect_same("aggregate activities", got, want)
        got = backend.aggregate(Expense, [], {"spent": total("amount")}, {})
        expect_same("aggregate expenses", got, [{"spent": Decimal("0.00")}])
        expect_same("no measures", backend.aggregate(School, [], {}, {}), [{}])
        expect_same("grouped", backend.aggregate(School, ["stage"], {"n": count()}, {}), [])

    def test_aggregate_groups(self, stocked: Backend) -> None:
        """Groups ordered by their fields (empty first), measures typed like the fields."""
        measures = {"n": count(), "lessons": total("lessons"), "people": total("attendees")}
        expect_same(
            "activities by school",
            stocked.aggregate(Activity, ["school_id"], measures, {}),
            [
                {"school_id": None, "n": 1, "lessons": 0, "people": 0},
                {"school_id": 2, "n": 1, "lessons": 2, "people": 120},
                {"school_id": 3, "n": 1, "lessons": 1, "people": 300},
            ],
        )
        expect_same(
            "schools by stage",
            stocked.aggregate(School, ["stage", "rural"], {"n": count()}, {}),
            [
                {"stage": Stage.JUNIOR, "rural": False, "n": 1},
                {"stage": Stage.JUNIOR, "rural": True, "n": 1},
                {"stage": Stage.PRIMARY, "rural": True, "n": 1},
            ],
        )
        spent = {"spent": total("amount"), "least": smallest("amount"), "n": count("secondment_id")}
        expect_same(
            "expenses",
            stocked.aggregate(Expense, ["allocation_id"], spent, {}),
            [{"allocation_id": 1, "spent": Decimal("1234.57"), "least": Decimal("0.01"), "n": 1}],
        )
        unbudgeted = normalize(Pairing, {"annual_budget": None})
        expect_same(
            "sum over no rows",
            stocked.aggregate(Pairing, [], {"b": total("annual_budget")}, unbudgeted),
            [{"b": Decimal("0.00")}],
        )
        kinds = {"first": smallest("kind"), "last": largest("title")}
        expect_same(
            "min and max",
            stocked.aggregate(Activity, [], kinds, normalize(Activity, {"lessons": Op("gt", 0)})),
            [{"first": ActivityKind.DEMONSTRATION_LESSON, "last": "示范课：《函数的概念》"}],
        )

    def test_aggregate_by_year(self, stocked: Backend) -> None:
        """``"held_on.year"`` groups a date field by calendar year, as an ``int``."""
        measures = {"n": count(), "lessons": total("lessons")}
        expect_same(
            "activities by year and kind",
            stocked.aggregate(Activity, ["held_on.year", "kind"], measures, {}),
            [
                {"held_on.year": 2024, "kind": ActivityKind.TRAINING, "n": 1, "lessons": 0},
                {
                    "held_on.year": 2025,
                    "kind": ActivityKind.DEMONSTRATION_LESSON,
                    "n": 1,
                    "lessons": 2,
                },
                {"held_on.year": 2025, "kind": ActivityKind.LIVE_LESSON, "n": 1, "lessons": 1},
            ],
        )
        since = normalize(Activity, {"held_on": Op("ge", "2025-05-01")})
        expect_same(
            "one year, filtered",
            stocked.aggregate(Activity, ["held_on.year"], measures, since),
            [{"held_on.year": 2025, "n": 1, "lessons": 1}],
        )

    # -- transactions -----------------------------------------------------------

    def test_transaction_commits(self, backend: Backend) -> None:
        """What a transaction wrote is there after it ends."""
        with backend.transaction():
            school = backend.add(_school())
            backend.add(Teacher(name="李老师", school_id=_id(school)))
        expect_same("teachers", backend.count(Teacher, {}), 1)

    def test_failed_transaction_undoes_everything(self, stocked: Backend) -> None:
        """Adds, updates and deletes in a failed transaction are undone; its ids are given again."""
        before = dump(stocked)
        with pytest.raises(FeedBroke), stocked.transaction():
            stocked.add(_school("新学校", ref="NEW"))
            stocked.update(attrs.evolve(_must_get(stocked, School, 1), name="改名", ref="HY-X"))
            stocked.delete(Expense, 2)
            stocked.bulk_insert(School, [_school("甲"), _school("乙")])
            raise FeedBroke("fail on purpose")
        expect_same_dumps(dump(stocked), before, " after the rollback")
        with pytest.raises(DuplicateRef):
            stocked.add(_school(ref="HY-BD"))
        expect_same("next id", stocked.add(_school(ref="NEW")).id, 4)

    def test_nested_failure_undoes_only_the_inner_block(self, backend: Backend) -> None:
        """An inner block that fails undoes itself; the outer block goes on and commits."""
        with backend.transaction():
            backend.add(_school("一"))
            with pytest.raises(FeedBroke), backend.transaction():
                backend.add(_school("二"))
                backend.update(School(id=1, name="改", region="r", stage=Stage.PRIMARY))
                raise FeedBroke("inner fails")
            with backend.transaction():
                backend.add(_school("三"))
        names = [s.name for s in backend.find(School, {})]
        expect_same("schools", names, ["一", "三"])
        expect_same("ids", _ids(backend.find(School, {})), [1, 2])

    def test_outer_failure_undoes_committed_inner_blocks(self, backend: Backend) -> None:
        """A committed inner block is undone when the outer block fails."""
        with pytest.raises(FeedBroke), backend.transaction():
            with backend.transaction():
                backend.add(_school())
            raise FeedBroke("outer fails")
        expect_same("schools", backend.count(School, {}), 0)
        expect_same("next id", backend.add(_school()).id, 1)

    def test_failed_write_leaves_the_transaction_usable(self, backend: Backend) -> None:
        """A write refused inside a transaction leaves no trace; the transaction goes on."""

        def story(store: Backend) -> None:
            with store.transaction():
                store.add(_school(ref="A"))
                for bad in (
                    lambda: store.add(Teacher(name="李", school_id=9)),
                    lambda: store.add(_school(ref="A")),
                    lambda: store.delete(School, 9),
                    lambda: store.bulk_insert(School, [_school(ref="B"), _school(ref="A")]),
                ):
                    with pytest.raises((NotFound, DuplicateRef)):
                        bad()
                store.add(_school(ref="B"))

        _twin(backend, story)
        expect_same("ids", _ids(backend.find(School, {})), [1, 2])

    # -- bulk insert --------------------------------------------------------------

    def test_bulk_insert_matches_memory(self, backend: Backend) -> None:
        """Result (count, id range, digest) and stored records equal memory's, any batch size."""
        rows = [_school(f"学校{i}", ref=f"S{i}" if i % 2 else None) for i in range(7)]
        reference = reference_backend()
        try:
            for store in (reference, backend):
                store.add(_school("先"))
            want = reference.bulk_insert(School, iter(rows), batch_size=3)
            got = backend.bulk_insert(School, iter(rows), batch_size=3)
            expect_same("bulk_insert", got, want)
            expect_same("result", (got.count, got.first_id, got.last_id), (7, 2, 8))
            expect_same_tables(backend, reference)
        finally:
            reference.close()

    def test_bulk_insert_of_nothing(self, backend: Backend) -> None:
        """No records: count 0, no id range, the digest of nothing."""
        got = backend.bulk_insert(Teacher, iter(()))
        expect_same("bulk_insert", got, BulkResult(0, None, None, hashlib.sha256().hexdigest()))

    def test_bulk_insert_is_all_or_nothing(self, backend: Backend) -> None:
        """A bad record or a broken source midway stores nothing, even across batches."""
        backend.add(_school(ref="S1"))
        bad_ref = [_school(ref=f"N{i}") for i in range(4)] + [_school(ref="S1")]
        with pytest.raises(DuplicateRef):
            backend.bulk_insert(School, bad_ref, batch_size=2)
        bad_link = [Teacher(name="李", school_id=1), Teacher(name="王", school_id=5)]
        with pytest.raises(NotFound):
            backend.bulk_insert(Teacher, bad_link, batch_size=1)
        with pytest.raises(FeedBroke):
            backend.bulk_insert(School, _broken_feed(bad_ref, 3), batch_size=2)
        with pytest.raises(FeedBroke), backend.transaction():
            backend.bulk_insert(School, [_school("甲")])
            raise FeedBroke("fail on purpose")
        expect_same("schools", _ids(backend.find(School, {})), [1])
        expect_same("teachers", backend.count(Teacher, {}), 0)
        expect_same("next id", backend.add(_school()).id, 2)

    def test_bulk_insert_source_may_read_the_store(self, backend_factory: Factory) -> None:
        """A source that reads the same backend between rows, across batches, in a
        transaction or not, stores every row and reads what it reads on ``memory:``."""

        def story() -> tuple[list[Any], list[BulkResult], dict[str, Any]]:
            store = backend_factory()  # opened in the thread that uses it
            try:
                return _load_while_reading(store)
            finally:
                store.close()

        reference = reference_backend()
        try:
            want = _load_while_reading(reference)
        finally:
            reference.close()
        reads, loaded, tables = _within(DEADLOCK_SECONDS, "a bulk_insert whose source reads", story)
        expect_same("bulk_insert results", loaded, want[1])
        expect_same("counts", [r.count for r in loaded], [10, 10])
        expect_same("reads by the source", reads, want[0])
        expect_same_dumps(tables, want[2], " after the loads")

    # -- change log and closing ---------------------------------------------------

    def test_change_log_is_append_only(self, backend: Backend) -> None:
        """Change entries can be added, not updated or deleted (BackendError)."""
        entry = backend.add(_change())
        with pytest.raises(BackendError):
            backend.update(attrs.evolve(entry, actor="someone else"))
        with pytest.raises(BackendError):
            backend.delete(Change, entry.id or 0)
        expect_same("changes", list(backend.find(Change, {})), [entry])

    def test_closed_backend_refuses_everything(self, backend_factory: Factory) -> None:
        """Every call on a closed backend raises BackendError; closing twice is fine."""
        store = backend_factory()
        school = store.add(_school())
        store.close()
        calls: list[Callable[[], Any]] = [
            lambda: store.add(_school()),
            lambda: store.get(School, 1),
            lambda: store.update(school),
            lambda: store.delete(School, 1),
            lambda: list(store.find(School, {})),
            lambda: store.count(School, {}),
            lambda: store.aggregate(School, [], {"n": count()}, {}),
            lambda: store.bulk_insert(School, [_school()]),
            lambda: store.transaction().__enter__(),
        ]
        for i, call in enumerate(calls):
            with pytest.raises(BackendError):
                call()
                raise Mismatch(f"call {i} on a closed backend did not raise BackendError")
        store.close()

    # -- backup -----------------------------------------------------------------------

    def test_backup_writes_the_store_to_a_new_sqlite_file(
        self, stocked: Backend, tmp_path: Path
    ) -> None:
        """``exchange backup`` (:meth:`Tracker.backup`) works on every backend: the new
        SQLite file holds every record with its id; an existing file is not replaced."""
        from ..plugins import default_plugins
        from ..tracker import Tracker

        tracker = Tracker(stocked, plugins=default_plugins(), actor=ADMINISTRATOR)
        with tracker.transaction():
            tracker.add(_school("备份学校", ref="BACKUP-1"))
        folder = tmp_path / "backups"
        folder.mkdir()
        target = folder / "backup.db"
        tracker.backup(str(target))
        with Tracker.open(f"sqlite:///{target}", plugins=default_plugins()) as copied:
            expect_same_dumps(dump(copied.backend), dump(stocked), " in the backup")
        before = target.read_bytes()
        with pytest.raises(BackendError, match="already exists"):
            tracker.backup(str(target))
        expect_same("the backup after a second one was refused", target.read_bytes(), before)
        expect_same("files beside the backup", sorted(p.name for p in folder.iterdir()),
                    ["backup.db"])  # fmt: skip

    # -- the stateful test ----------------------------------------------------------

    def test_behaves_like_memory(self, backend_factory: Factory) -> None:
        """Random histories of every operation give what ``memory:`` gives, step by step."""
        machine = conformance_machine(backend_factory, name=type(self).__name__)
        run_state_machine_as_test(machine, settings=self.machine_settings())
