"""Conformance tests of :meth:`~exchange.backend.Backend.restore`.

:class:`RestoreConformance` is a mixin of :class:`~.conformance.BackendConformance`
(which provides its ``backend`` and ``stocked`` fixtures); subclass that class,
not this one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import attrs
import pytest

from ..backend import STORED_TYPES, Backend
from ..changelog import GENESIS, Change, make_change, verify
from ..enums import Stage
from ..errors import BackendError, DuplicateRef, NotFound
from ..models import School, Stored, Teacher
from .machine import FeedBroke, Mismatch, dump, expect_same, expect_same_tables, reference_backend
from .strategies import samples


def _school(id: int | None, ref: str | None = None) -> School:
    return School(id=id, name=f"学校{id}", region="贞丰县", stage=Stage.JUNIOR, ref=ref)


def _teacher(id: int | None, school_id: int, ref: str | None = None) -> Teacher:
    return Teacher(id=id, name=f"老师{id}", school_id=school_id, ref=ref)


def _chain(ids: Sequence[int], prev_hash: str = GENESIS) -> list[Change]:
    """Change-log entries chained from ``prev_hash``, carrying ``ids``."""
    out = []
    for i, id in enumerate(ids):
        entry = make_change(
            prev_hash=prev_hash,
            actor="管理员",
            action="add",
            record_type="schools",
            record_id=i + 1,
            before=None,
            after='{"name": "学校"}',
            at=dt.datetime(2025, 1, 1, 8, i, tzinfo=dt.timezone.utc),
        )
        out.append(attrs.evolve(entry, id=id))
        prev_hash = entry.hash
    return out


def _ids(records: Iterable[Stored]) -> list[int | None]:
    return [r.id for r in records]


def _of_type(records: Iterable[Stored], cls: type[Stored]) -> list[Stored]:
    return [r for r in records if type(r) is cls]


def _fed(records: Iterable[Stored], then: Exception | None = None) -> Iterator[Stored]:
    """``records`` one at a time (a stream, not a list), then maybe ``then`` raised."""
    yield from records
    if then is not None:
        raise then


def _refused(
    backend: Backend, error: type[Exception], cls: type[Stored], records: Iterable[Stored]
) -> None:
    """``restore`` raises ``error`` and leaves every table and the next id as they were."""
    before = dump(backend)
    with pytest.raises(error):
        backend.restore(cls, _fed(records), batch_size=2)
        raise Mismatch(f"restore of {cls.__name__} did not raise {error.__name__}")
    expect_same("tables after a refused restore", dump(backend), before)


def _next_id(backend: Backend) -> int | None:
    """The id the next school gets (the school is added then deleted again)."""
    school = backend.add(_school(None))
    backend.delete(School, school.id or 0)
    return school.id


class RestoreConformance:
    """``restore``: records keep their ids; refusals leave the store as it was."""

    def test_restore_keeps_ids_with_gaps(self, backend: Backend) -> None:
        """Ids 2, 5, 9 are kept, streamed across batches; the next add gets 10."""
        schools = [_school(2, "R-2"), _school(5), _school(9, "R-9")]
        expect_same("restore", backend.restore(School, _fed(schools), batch_size=2), 3)
        expect_same("find", list(backend.find(School, {})), schools)
        for school in schools:
            expect_same(f"get({school.id})", backend.get(School, school.id or 0), school)
        teachers = [_teacher(4, 9, "T-4"), _teacher(7, 2)]
        expect_same("restore teachers", backend.restore(Teacher, teachers), 2)
        expect_same("teachers", list(backend.find(Teacher, {})), teachers)
        expect_same("next add", backend.add(_school(None)).id, 10)
        added = backend.bulk_insert(School, [_school(None), _school(None)])
        expect_same("next bulk_insert", (added.first_id, added.last_id), (11, 12))
        expect_same("next teacher", backend.add(_teacher(None, 5)).id, 8)

    def test_restore_after_adds_and_into_large_ids(self, backend: Backend) -> None:
        """Restored ids may follow added ones, and be large; later ids follow them."""
        backend.add(_school(None))
        backend.add(_school(None))
        expect_same("restore", backend.restore(School, [_school(7), _school(10**12)]), 2)
        expect_same("ids", _ids(backend.find(School, {})), [1, 2, 7, 10**12])
        expect_same("next add", backend.add(_school(None)).id, 10**12 + 1)

    def test_restore_of_nothing(self, stocked: Backend) -> None:
        """Restoring no records returns 0 and changes nothing, ids included."""
        before = dump(stocked)
        expect_same("restore", stocked.restore(School, iter(())), 0)
        expect_same("restore", stocked.restore(Change, [], batch_size=1), 0)
        expect_same("tables", dump(stocked), before)
        expect_same("next id", _next_id(stocked), 4)

    def test_every_record_type_restores(self, backend: Backend) -> None:
        """Minimal and maximal records of every type read back exactly as given."""
        records = samples()
        for cls in STORED_TYPES:
            given = [attrs.evolve(r, id=i) for i, r in enumerate(_of_type(records, cls), 1)]
            expect_same(f"restore({cls.__name__})", backend.restore(cls, given), len(given))
            expect_same(f"find({cls.__name__})", list(backend.find(cls, {})), given)
            for record in given:
                got = backend.get(cls, record.id or 0)
                expect_same(f"get({cls.__name__}, {record.id})", got, record)

    def test_restored_change_log_verifies(self, backend: Backend) -> None:
        """Change entries keep id, hash and prev_hash; the chain verifies and goes on."""
        entries = _chain([1, 2, 4, 8])
        expect_same("restore", backend.restore(Change, _fed(entries), batch_size=3), 4)
        stored = list(backend.find(Change, {}))
        expect_same("entries", stored, entries)
        expect_same("verified", verify(stored), 4)
        (more,) = _chain([9], entries[-1].hash)
        expect_same("next entry", backend.add(attrs.evolve(more, id=None)).id, 9)
        expect_same("verified", verify(backend.find(Change, {})), 5)

    def test_restore_refuses_records_without_ids(self, backend: Backend) -> None:
        """A record with no id is a BackendError, even after good ones in other batches."""
        _refused(backend, BackendError, School, [_school(None)])
        _refused(backend, BackendError, School, [_school(1), _school(2), _school(3), _school(None)])
        _refused(backend, BackendError, Change, [attrs.evolve(_chain([1])[0], id=None)])
        expect_same("next id", _next_id(backend), 1)

    def test_restore_refuses_ids_not_above_all_held(self, backend: Backend) -> None:
        """Ids held before (stored or deleted) or not increasing are a BackendError."""
        for _ in range(3):
            backend.add(_school(None))
        backend.delete(School, 3)
        for ids in ([2], [3], [1, 4], [5, 6, 6], [5, 7, 6], [4, 5, 3]):
            _refused(backend, BackendError, School, [_school(id) for id in ids])
        expect_same("next id", _next_id(backend), 4)  # the next add gets 4, then deletes it
        _refused(backend, BackendError, School, [_school(4)])
        expect_same("restore", backend.restore(School, [_school(5)]), 1)
        _refused(backend, BackendError, School, [_school(5)])
        expect_same("ids", _ids(backend.find(School, {})), [1, 2, 5])

    def test_restore_checks_links_and_refs(self, backend: Backend) -> None:
        """A link to a missing record is NotFound, a repeated ref DuplicateRef, as for add."""
        backend.restore(School, [_school(2, "R-2")])
        _refused(backend, NotFound, Teacher, [_teacher(1, 2), _teacher(2, 3)])
        _refused(backend, NotFound, Teacher, [_teacher(1, 2), _teacher(2, 2), _teacher(3, 1)])
        _refused(backend, DuplicateRef, School, [_school(3), _school(4, "R-2")])
        _refused(backend, DuplicateRef, School, [_school(3, "R-3"), _school(4), _school(5, "R-3")])
        expect_same("next id", _next_id(backend), 3)
        expect_same("teachers", backend.count(Teacher, {}), 0)
        expect_same("next teacher", backend.add(_teacher(None, 2)).id, 1)

    def test_restore_is_all_or_nothing_with_the_transaction(self, backend: Backend) -> None:
        """A failed transaction undoes a restore and its ids; a refused restore inside
        a transaction leaves no trace and the transaction goes on; memory agrees."""

        def story(store: Backend) -> None:
            with pytest.raises(FeedBroke), store.transaction():
                store.restore(School, [_school(2), _school(5)])
                raise FeedBroke("fail on purpose")
            expect_same("next id after the rollback", _next_id(store), 1)
            with store.transaction():
                store.add(_school(None, "A"))
                refusals: list[tuple[type[Exception], Callable[[], Any]]] = [
                    (BackendError, lambda: store.restore(School, [_school(3), _school(1)])),
                    (DuplicateRef, lambda: store.restore(School, [_school(3, "A")])),
                    (NotFound, lambda: store.restore(Teacher, [_teacher(1, 3)])),
                    (FeedBroke, lambda: store.restore(School, _fed([_school(3)], FeedBroke()))),
                ]
                for error, refusal in refusals:
                    with pytest.raises(error):
                        refusal()
                expect_same("next id inside", _next_id(store), 3)
                store.restore(School, [_school(6, "B")], batch_size=1)
                store.restore(Teacher, [_teacher(3, 6)])
            expect_same("schools", _ids(store.find(School, {})), [2, 6])
            expect_same("next id", store.add(_school(None)).id, 7)

        reference = reference_backend()
        try:
            story(reference)
            story(backend)
            expect_same_tables(backend, reference)
        finally:
            reference.close()
