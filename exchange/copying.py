"""Moving every record and the change log from one store to another (``exchange copy``),
e.g. from a county's embedded SQLite file to the province's PostgreSQL database.

Into an empty store, the copy is exact: every record keeps its id, and the change
log is copied entry by entry, hashes included, so ``exchange audit verify`` passes
on the destination and its chain goes on from the source's last entry. Records
are streamed type by type, in link order, through :meth:`Backend.restore`.

With ``append=True`` the destination may already hold records. They are added
through :meth:`Tracker.bulk_add`, so every rule is checked again; they get new
ids and their links are rewritten to them. The source's change log entries are
added to the end of the destination's chain (hashed again, as they now follow
other entries), with ``record_id`` rewritten to the new id; the ``before`` and
``after`` snapshots stay as the source wrote them.

Either way, each type is then read back from the destination and its count and
SHA-256 checksum compared with what was read from the source. The copy is one
transaction on the destination, and one on the source so that it reads a stable
store: everything or nothing.
"""

from __future__ import annotations

import bisect
from array import array
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from . import changelog
from .backend import Backend
from .changelog import Change, RowDigest
from .codec import columns, row_encoder
from .errors import ExchangeError
from .i18n import message
from .models import RECORD_TYPES, Assessment, Record, Rubric, Stored
from .progress import Progress, Told
from .query import between
from .rules import TARGETS
from .sealing import PersonalKey

if TYPE_CHECKING:
    from .tracker import Tracker

S = TypeVar("S", bound=Stored)

COPIED_TYPES: tuple[type[Stored], ...] = (*RECORD_TYPES, Change, PersonalKey)
"""What a copy moves, in the order it moves them: records in link order, the log, then
the keys of the personal values the log seals (an appending copy leaves the keys
behind: the entries it moves name their people by the source's ids)."""


@attrs.frozen
class Copied:
    """What was copied of one type, as checked on the destination."""

    table: str
    count: int
    checksum: str
    """SHA-256 over the rows read from the source (ids included unless appended)."""


class CopyMismatch(ExchangeError):
    """The destination does not read back what was copied into it."""


def copy(
    source: Tracker,
    destination: Tracker,
    *,
    append: bool = False,
    on_row: Progress | None = None,
) -> list[Copied]:
    """Copy every record and change-log entry of ``source`` into ``destination``.

    The destination must be empty unless ``append``. Returns one :class:`Copied`
    per type, after its count and checksum were read back and matched; raises
    :class:`CopyMismatch` (and writes nothing) when they do not. ``on_row`` hears the
    number of rows copied so far, of all types, every 1,000 rows.
    """
    if not append:
        records = sum(destination.backend.count(cls, {}) for cls in RECORD_TYPES)
        entries = destination.backend.count(Change, {})
        if records or entries:
            raise ExchangeError(
                message(
                    "{url} is not empty ({records:,} records, {entries:,} change-log entries); "
                    "copy into an empty store, or add --append to add to what it holds",
                    url=destination.url,
                    records=records,
                    entries=entries,
                )
            )
    with source.backend.transaction(), destination.transaction():
        step = _Exact(source.backend, destination.backend) if not append else _Append(source)
        step.told = Told(on_row)
        copied = [step.copy(cls, destination) for cls in COPIED_TYPES]
    step.told.finish()
    return copied


def _check(
    cls: type[Stored], copied: Copied, stored: Iterable[Stored], *, with_ids: bool
) -> Copied:
    """``copied``, once the rows read back from the destination count and hash the same."""
    counted = _Counted(cls, with_ids=with_ids)
    for _ in counted(stored):
        pass
    if (counted.count, counted.digest.hexdigest()) != (copied.count, copied.checksum):
        raise CopyMismatch(
            message(
                "the copy was undone: {table} read back as {count:,} rows with checksum "
                "{checksum}, not the {copied:,} rows with checksum {expected} that were copied",
                table=copied.table,
                count=counted.count,
                checksum=counted.digest.hexdigest()[:12],
                copied=copied.count,
                expected=copied.checksum[:12],
            )
        )
    return copied


class _Counted:
    """Passes records through, counting them and folding their rows into a digest."""

    def __init__(self, cls: type[Stored], *, with_ids: bool) -> None:
        self.digest = RowDigest()
        self.count = 0
        self._encode = row_encoder(cls)
        self._with_ids = with_ids

    def __call__(self, records: Iterable[S]) -> Iterator[S]:
        for record in records:
            row = self._encode(record)
            self.digest.add(row if self._with_ids else row[1:])
            self.count += 1
            yield record


class _Exact:
    """Every row as it is, ids and hashes kept."""

    def __init__(self, source: Backend, destination: Backend) -> None:
        self.source = source
        self.destination = destination
        self.told = Told(None)

    def copy(self, cls: type[Stored], destination: Tracker) -> Copied:
        counted = _Counted(cls, with_ids=True)
        self.destination.restore(cls, self.told(counted(self.source.find(cls, {}))))
        copied = Copied(cls.table, counted.count, counted.digest.hexdigest())
        return _check(cls, copied, self.destination.find(cls, {}), with_ids=True)


class _Ids:
    """Source ids of one type, in order, and the first destination id they were given."""

    def __init__(self) -> None:
        self.source = array("q")
        self.first = 0

    def new(self, old: int) -> int:
        return self.first + bisect.bisect_left(self.source, old)

    def get(self, old: int | None) -> int | None:
        """The new id of ``old``, or ``None`` when that record was not copied."""
        if old is None:
            return None
        at = bisect.bisect_left(self.source, old)
        return self.first + at if at < len(self.source) and self.source[at] == old else None


class _Append:
    """Records through the rules with new ids; log entries chained on the destination's."""

    def __init__(self, source: Tracker) -> None:
        self.source = source
        self.told = Told(None)
        self.ids: dict[str, _Ids] = {}
        self.rubrics: dict[int, str] = {}

    def copy(self, cls: type[Stored], destination: Tracker) -> Copied:
        counted = _Counted(cls, with_ids=False)
        if cls is PersonalKey:
            return Copied(cls.table, 0, counted.digest.hexdigest())
        if cls is Change:
            first, last = self._log(destination, counted)
        else:
            mapping = self.ids[cls.table] = _Ids()
            result = destination.bulk_add(self.told(counted(self._rewritten(cls, mapping))))
            mapping.first = result.first_id or 0
            first, last = result.first_id, result.last_id
        copied = Copied(cls.table, counted.count, counted.digest.hexdigest())
        ids = {"id": between(first, last)}
        stored = () if first is None else destination.backend.find(cls, ids)
        return _check(cls, copied, stored, with_ids=False)

    def _rewritten(self, cls: type[Stored], mapping: _Ids) -> Iterator[Record]:
        links = [(c.name, c.table or "") for c in columns(cls) if c.kind == "link"]
        for record in self.source.backend.find(cls, {}):
            assert isinstance(record, Record)
            mapping.source.append(record.id or 0)
            changes: dict[str, Any] = {"id": None, "revision": 0}  # new records here
            for name, table in links:
                old = getattr(record, name)
                if old is not None:
                    changes[name] = self.ids[table].new(old)
            if isinstance(record, Assessment):
                changes["target_id"] = self._target(record)
            yield attrs.evolve(record, **changes)

    def _target(self, record: Assessment) -> int:
        if record.rubric_id not in self.rubrics:
            rubric = self.source.backend.get(Rubric, record.rubric_id)
            assert rubric is not None  # the source's links hold
            self.rubrics[record.rubric_id] = TARGETS[rubric.target].table
        return self.ids[self.rubrics[record.rubric_id]].new(record.target_id)

    def _log(self, destination: Tracker, counted: _Counted) -> tuple[int | None, int | None]:
        backend = destination.backend
        prev = destination.head()

        def chained() -> Iterator[Change]:
            nonlocal prev
            for entry in self.source.backend.find(Change, {}):
                assert isinstance(entry, Change)
                mapping = self.ids.get(entry.record_type)
                moved = attrs.evolve(
                    entry,
                    id=None,
                    record_id=mapping.get(entry.record_id) if mapping else None,
                    prev_hash=prev,
                )
                moved = attrs.evolve(moved, hash=changelog.chain_hash(prev, moved.content()))
                prev = moved.hash
                yield moved

        result = backend.bulk_insert(Change, self.told(counted(chained())))
        return result.first_id, result.last_id
