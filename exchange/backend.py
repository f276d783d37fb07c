"""The storage contract every backend fulfils.

A backend stores records of the types in :data:`exchange.models.RECORD_TYPES`
plus the change log (:class:`~exchange.changelog.Change`). It checks what a
database checks — links point to existing records, refs are unique per type, a
linked record is not deleted — and nothing more: the domain rules live in the
core and run inside :meth:`Backend.transaction`. ``exchange.testing`` holds the
conformance kit that proves a backend behaves exactly like ``memory:``.

Errors: a missing record or link target raises :class:`~exchange.errors.NotFound`,
a repeated ref :class:`~exchange.errors.DuplicateRef`, deleting a linked record
:class:`~exchange.errors.StillReferenced`; updating or deleting a change-log
entry (it is append-only) and storage failures raise
:class:`~exchange.errors.BackendError`. No driver exception leaks out.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol, TypeVar, runtime_checkable

import attrs

from .changelog import Change
from .errors import BackendError, DuplicateRef, NotFound, StaleRecord, StillReferenced
from .i18n import Message, message, noun, noun_named, table_noun
from .models import RECORD_TYPES, Stored
from .query import Filters, Measure
from .sealing import PersonalKey

S = TypeVar("S", bound=Stored)

SCHEMA_VERSION = 14
"""The schema version this release of the library writes."""


STORED_TYPES: tuple[type[Stored], ...] = (*RECORD_TYPES, Change, PersonalKey)
"""Every type a backend stores, each after the types it links to."""


@attrs.frozen
class BulkResult:
    """What a bulk insert stored."""

    count: int
    first_id: int | None
    last_id: int | None
    digest: str
    """:class:`~exchange.changelog.RowDigest` of the stored rows, ids left out."""


@runtime_checkable
class Backend(Protocol):
    """Storage for records and the change log."""

    url: str
    """The URL the backend was opened with (passwords removed)."""

    def add(self, record: S) -> S:
        """Store a new record (its ``id`` must be ``None``); return it with its id."""

    def get(self, cls: type[S], id: int) -> S | None:
        """The record of type ``cls`` with ``id``, or ``None``."""

    def update(self, record: S) -> S:
        """Replace the stored record with the same id and return it as stored: one
        revision on from ``record.revision``. The row is written only while its stored
        revision is still ``record.revision`` (compare-and-set); :class:`StaleRecord` otherwise,
        :class:`NotFound` if there is no such record."""

    def delete(self, cls: type[Stored], id: int) -> None:
        """Remove a record; :class:`NotFound` if absent, :class:`StillReferenced` if linked."""

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
        """Records matching every filter, ordered by ``(field, descending)`` pairs then id
        (empty values first ascending, last descending; ties by id ascending).

        ``after`` is a keyset position (:mod:`exchange.paging`): one value per key of
        :func:`exchange.paging.keys` (the ``order_by`` fields up to the id, then the
        id), normalised like filter values; only the records strictly after it in
        that order are found, then ``offset`` and ``limit`` apply.
        """

    def count(self, cls: type[Stored], filters: Filters) -> int:
        """How many records match every filter."""

    def aggregate(
        self,
        cls: type[Stored],
        group_by: Sequence[str],
        measures: Mapping[str, Measure],
        filters: Filters,
    ) -> list[dict[str, Any]]:
        """One dict per group (field values and measures), ordered by the group fields.

        With no ``group_by`` there is exactly one row, even over no records.
        """

    def bulk_insert(
        self, cls: type[S], records: Iterable[S], *, batch_size: int = 10_000
    ) -> BulkResult:
        """Store many new records of one type, streaming; all or nothing with the transaction.

        ``records`` may read the store while it is consumed (the Tracker's rules do),
        but whether it sees rows of this same load before ``bulk_insert`` returns is
        the backend's choice: ``memory:`` and SQLite store each row as it arrives,
        PostgreSQL a batch at a time.
        """

    def restore(self, cls: type[S], records: Iterable[S], *, batch_size: int = 10_000) -> int:
        """Store records that keep the ids they carry (copied from another store),
        streaming; all or nothing with the transaction; return how many.

        Each id must be larger than every id the table has held, and the ids must
        increase; links and refs are checked as :meth:`add` checks them. Change-log
        entries are restored unchanged, hashes included. Later ids follow the
        largest restored one.
        """

    def transaction(self) -> AbstractContextManager[None]:
        """All or nothing; nests (an inner failure undoes only the inner block).

        The outermost block takes the write lock at once, so rules that read
        before they write see a stable store.
        """

    def schema_version(self) -> int:
        """The schema version of the store."""

    def migrate(self) -> int:
        """Bring the schema up to :data:`SCHEMA_VERSION` (opening does this already);
        return how many migrations ran."""

    def close(self) -> None:
        """Release the connection; the backend is unusable afterwards."""


@runtime_checkable
class BacksUp(Protocol):
    """A backend that can copy itself to a new SQLite file: an optional method.

    :meth:`Tracker.backup <exchange.tracker.Tracker.backup>` calls it when the backend
    has it (``sqlite:`` uses SQLite's online backup API); for any other backend it
    copies every record and the change log into a new SQLite file
    (:func:`exchange.copying.backup`), so ``exchange backup`` works on every store.
    """

    def backup(self, destination: str) -> None:
        """Write a consistent copy of the store to the new SQLite file ``destination``;
        :class:`BackendError` if it exists, and no partial file is left on failure."""


PROTOCOL_METHODS: tuple[str, ...] = tuple(
    name for name, value in vars(Backend).items() if callable(value) and not name.startswith("_")
)
"""The methods of :class:`Backend`, in the order it declares them."""

PROTOCOL_ATTRIBUTES: tuple[str, ...] = ("url",)
"""The attributes of :class:`Backend` besides its methods."""


def missing_members(backend: object) -> list[str]:
    """The attributes and methods of :class:`Backend` that ``backend`` lacks
    (a method must be callable), in the protocol's order."""
    missing = [name for name in PROTOCOL_ATTRIBUTES if not hasattr(backend, name)]
    return missing + [
        name for name in PROTOCOL_METHODS if not callable(getattr(backend, name, None))
    ]


def restored_id(record: Stored, next_id: int) -> int:
    """The id ``record`` carries into :meth:`Backend.restore`, which must be at least
    ``next_id`` (the table's next id); :class:`BackendError` otherwise."""
    if record.id is None:
        raise BackendError(message("a restored {name} must carry its id", name=noun(type(record))))
    if record.id < next_id:
        raise BackendError(
            message(
                "cannot restore {name} {id}: ids up to {taken} are taken or were used; "
                "restore into a store that never held them, in increasing id order",
                name=noun(type(record)),
                id=record.id,
                taken=next_id - 1,
            )
        )
    return record.id


def revised(record: S) -> tuple[S, int | None]:
    """``record`` one revision on, and the revision it was made from (``None`` for a
    type without revisions): what :meth:`Backend.update` stores, and the revision the
    stored row must still have."""
    read: int | None = getattr(record, "revision", None)
    if read is None:
        return record, None
    return attrs.evolve(record, revision=read + 1), read  # type: ignore[call-arg]


# -- refusals ---------------------------------------------------------------------
# The errors every backend raises in the same words (the conformance kit compares them
# with ``memory:``'s), each a message so that it can be shown in Chinese too.


def closed() -> BackendError:
    """Using a backend after :meth:`Backend.close`."""
    return BackendError(message("the tracker is closed"))


def append_only() -> BackendError:
    """Updating or deleting a change-log entry."""
    return BackendError(message("the change log is append-only"))


def has_id(cls: type[Stored], id: object) -> BackendError:
    """Adding a ``cls`` record that already carries an id."""
    return BackendError(message("{kind} already has id {record_id}", kind=noun(cls), record_id=id))


def no_record(cls: type[Stored], id: object) -> NotFound:
    """Updating or deleting a ``cls`` record that is not stored."""
    return NotFound(message("{kind} {id} does not exist", kind=noun(cls), id=id))


def stale(cls: type[Stored], id: object, read: int, stored: int) -> StaleRecord:
    """Updating a ``cls`` record from a copy of revision ``read`` when ``stored`` is stored."""
    return StaleRecord(
        message(
            "{kind} {id} changed after it was read (revision {read}, now {stored}); read it again",
            kind=noun(cls),
            id=id,
            read=read,
            stored=stored,
        )
    )


def missing_link(cls: type[Stored], field: str, table: str, target: object) -> NotFound:
    """A ``cls`` record whose link ``field`` names a record of ``table`` that is not stored."""
    return NotFound(
        message(
            "{kind} {field} refers to {table} {target}, which does not exist",
            kind=noun(cls),
            field=field,
            table=table_noun(table),
            target=target,
        )
    )


def ref_taken(cls: type[Stored], ref: object, holder: object) -> DuplicateRef:
    """A ``cls`` record given the ref another (id ``holder``) already has."""
    return DuplicateRef(
        message(
            "{kind} ref {ref!r} is already used by id {holder}",
            kind=noun(cls),
            ref=ref,
            holder=holder,
        )
    )


def still_linked(
    cls: type[Stored], id: object, table: str, count: int, field: str
) -> StillReferenced:
    """Deleting a ``cls`` record that ``count`` records of ``table`` link to by ``field``."""
    return StillReferenced(
        message(
            "{kind} {id} is still linked from {table} ({count} via {field}); archive it instead",
            kind=noun(cls),
            id=id,
            table=table_noun(table),
            count=count,
            field=field,
        )
    )


def not_unicode(where: str) -> BackendError:
    """Text with unpaired surrogates, which a database cannot store."""
    return BackendError(
        message(
            "cannot store text in {where}: it contains characters that are not valid "
            "Unicode (unpaired surrogates)",
            where=where,
        )
    )


def too_large(where: str) -> BackendError:
    """An integer beyond 64 bits."""
    return BackendError(
        message("cannot store a number in {where}: it is larger than 64 bits", where=where)
    )


def newer_schema(where: str, unknown: Iterable[str]) -> BackendError:
    """A store migrated by a later release: its schema steps ``unknown`` are not ours."""
    return BackendError(
        message(
            "{where} was written by a newer teacher-exchange (schema steps "
            "{steps} are unknown to this release); upgrade teacher-exchange",
            where=where,
            steps=", ".join(unknown),
        )
    )


def no_field(kind: str, name: str, known: Iterable[str]) -> Message:
    """``kind`` records (``school``) have no field ``name``; theirs are ``known``."""
    return message(
        "{kind} has no field {name!r}; fields: {names}",
        kind=noun_named(kind),
        name=name,
        names=", ".join(known),
    )
