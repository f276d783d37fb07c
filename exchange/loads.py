"""Checking the rows of bulk loads against their change-log entries, for
:mod:`exchange.audit`.

A bulk load is one entry: the table, the count, the id range and a
:class:`~exchange.changelog.RowDigest` of the rows as stored, ids left out.
:class:`BulkLoads` folds the rows of one table, as they stream past in id
order, into a digest per load, and names what no longer matches: each id
missing from a load whose ids are consecutive, and each load whose rows do not
give its count and digest again.

A column added to a table after some loads were digested (see
:data:`ADDED_COLUMNS`) is left out of the digest too for those loads: each load
verifies when its rows match with every column, or without the newest added
ones.
"""

from __future__ import annotations

import collections
import json
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import attrs

from .backend import Backend
from .changelog import UNDIGESTED, Change, RowDigest
from .codec import columns, row_encoder, row_without
from .fields import personal_names
from .i18n import Message, message, table_noun
from .models import Stored
from .query import Op

ADDED_COLUMNS: tuple[tuple[str, str], ...] = (
    ("secondments", "extensions"),
    ("*", "revision"),
    ("secondments", "partnership_id"),
    ("schools", "kind"),
    ("programmes", "thresholds"),
    ("secondments", "programme"),
    ("activities", "programme"),
    ("expenses", "programme"),
    ("allocations", "school_id"),
    ("meetings", "corrects"),
)
"""``(table, column)`` for each column a migration added to a record table, oldest
first (``*`` for every table): rows loaded before it was added were digested
without it."""


Keep = Callable[[tuple[Any, ...]], tuple[Any, ...]] | None
"""What a digest keeps of a row (``None``: all of it)."""


@attrs.frozen
class Finding:
    """One way the live records differ from the change log."""

    table: str
    """The record table, e.g. ``allocations``."""
    record_id: int
    """The record's id, or the first id of a bulk load's range."""
    text: Message
    """One line naming the table, the id and what differs (localizable)."""

    def __str__(self) -> str:
        return str(self.text)


@attrs.define
class BulkLoad:
    """A bulk-load entry of one table, and the digests of its rows read so far."""

    entry_id: int
    count: int
    first_id: int
    last_id: int
    digest: str
    personal: bool = True
    """Whether the digest covers the personal fields (loads written before they could
    be purged); later loads leave them out."""
    digests: list[tuple[RowDigest, Keep]] = attrs.Factory(list)
    read: int = 0
    next_id: int = 0
    """The id after the last one read in the range (consecutive loads only)."""

    @property
    def consecutive(self) -> bool:
        """Whether the load's ids are every id from ``first_id`` to ``last_id``."""
        return self.count == self.last_id - self.first_id + 1


def bulk_loads(backend: Backend) -> dict[str, list[BulkLoad]]:
    """The bulk-load entries of the log that stored rows, by table, in id order."""
    found: dict[str, list[BulkLoad]] = collections.defaultdict(list)
    for entry in backend.find(Change, {"action": Op("eq", "bulk")}):
        result = json.loads(entry.after or "{}")
        if result.get("count") and result.get("first_id") is not None:
            found[entry.record_type].append(
                BulkLoad(
                    entry_id=entry.id or 0,
                    count=result["count"],
                    first_id=result["first_id"],
                    last_id=result["last_id"],
                    digest=result["digest"],
                    personal=result.get("personal") != UNDIGESTED,
                    next_id=result["first_id"],
                )
            )
    for loads in found.values():
        loads.sort(key=lambda load: load.first_id)
    return found


def stored_row(cls: type[Stored], record: Stored) -> tuple[Any, ...]:
    """``record`` as a bulk load digests it: its stored row, id left out."""
    return (None, *row_encoder(cls)(record)[1:])


def missing(table: str, record_id: int, entry_id: int) -> Finding:
    """A record the log shows stored (by ``entry_id``) that is not there."""
    text = message(
        "{table} {record_id}: missing, but the change log last shows it stored (entry {entry_id})",
        table=table_noun(table),
        record_id=record_id,
        entry_id=entry_id,
    )
    return Finding(table=table, record_id=record_id, text=text)


class BulkLoads:
    """The bulk loads of one table, checked as the table's rows stream past in id order."""

    def __init__(self, cls: type[Stored], loads: Sequence[BulkLoad]) -> None:
        self.table = cls.table
        self._loads = collections.deque(loads)
        for load in loads:
            load.digests = [(RowDigest(), keep) for keep in _variants(cls, load.personal)]

    def advance(self, record_id: int) -> Sequence[Finding]:
        """Close the loads that end before ``record_id``; name the ids skipped before it."""
        load = self._loads[0] if self._loads else None
        if load is not None and load.next_id == record_id <= load.last_id:
            load.next_id += 1  # the next id of the open load: most rows, nothing to say
            return ()
        return list(self._advanced(record_id))

    def _advanced(self, record_id: int) -> Iterator[Finding]:
        while self._loads and self._loads[0].last_id < record_id:
            yield from self._closed(self._loads.popleft())
        if self._loads and self._loads[0].first_id <= record_id:
            yield from self._skipped(self._loads[0], record_id)

    def fold(self, record_id: int, row: tuple[Any, ...]) -> bool:
        """Add a row, as it was loaded, to the digest of the load whose range holds
        ``record_id`` (after :meth:`advance`); ``False`` when no load's range does."""
        load = self._loads[0] if self._loads else None
        if load is None or not load.first_id <= record_id <= load.last_id:
            return False
        load.read += 1
        for digest, keep in load.digests:
            digest.add(row if keep is None else keep(row))
        return True

    def close(self) -> Iterator[Finding]:
        """Findings of the loads still open once every row is read."""
        while self._loads:
            yield from self._closed(self._loads.popleft())

    def _skipped(self, load: BulkLoad, until: int) -> Iterator[Finding]:
        if load.consecutive:
            for record_id in range(load.next_id, min(until, load.last_id + 1)):
                yield missing(self.table, record_id, load.entry_id)
        load.next_id = max(load.next_id, until + 1)

    def _closed(self, load: BulkLoad) -> Iterator[Finding]:
        yield from self._skipped(load, load.last_id + 1)
        if load.read == load.count and any(d.hexdigest() == load.digest for d, _ in load.digests):
            return
        text = message(
            "{table} {first_id}–{last_id}: the rows loaded in bulk do not match their digest "
            "in the change log ({read} rows here, {count} logged; entry {entry_id})",
            table=table_noun(self.table),
            first_id=load.first_id,
            last_id=load.last_id,
            read=load.read,
            count=load.count,
            entry_id=load.entry_id,
        )
        yield Finding(table=self.table, record_id=load.first_id, text=text)


def _variants(
    cls: type[Stored], digested: bool
) -> list[Callable[[tuple[Any, ...]], tuple[Any, ...]] | None]:
    """What each digest keeps of a row: all of it (``None``), then the row without the
    newest added column, without the two newest, and so on; all of these without the
    personal fields unless the load ``digested`` them."""
    names = [c.name for c in columns(cls)]
    added = [name for table, name in ADDED_COLUMNS if table in (cls.table, "*") and name in names]
    personal = () if digested else personal_names(cls)
    return [row_without(cls, (*personal, *added[k:])) for k in range(len(added), -1, -1)]
