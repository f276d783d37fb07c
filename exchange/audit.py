"""Proving that the live records match the change log (``exchange audit verify``).

The hash chain (:func:`exchange.changelog.verify`) shows that no entry of the log
was edited, inserted or removed; it says nothing of the record tables beside it.
:class:`RecordCheck` reads every record table in id order beside that table's
change-log entries, ordered by record id, and compares the two:

* a record the log changed one by one must be as the log last recorded it
  (its ``after``), key by key, or absent if the log last deleted it. Only the
  keys the entry recorded are compared, so entries written before a column was
  added still verify;
* a record with no entry of its own must lie in the id range of a bulk load of
  its table, and the rows of each bulk load, as they were loaded, must give the
  load's count and digest again. A row changed since by the library is taken as
  its first entry's ``before`` shows it; any other as it is stored now.

Everything streams: memory does not grow with the number of rows or entries,
only with the number of bulk loads. The check reads through the backend's
``find``, so it needs no SQL and works on every backend.
"""

from __future__ import annotations

import collections
import itertools
import json
import operator
from collections.abc import Iterator, Sequence
from typing import Any

import attrs

from . import changelog
from .backend import Backend
from .changelog import Change
from .codec import columns
from .errors import ChainBroken
from .i18n import Message, joined, message, table_noun
from .loads import BulkLoad, BulkLoads, Finding, bulk_loads, missing, stored_row
from .models import RECORD_TYPES, Record
from .money import from_fen
from .progress import Progress, Told
from .query import Op
from .sealing import ERASED, Sealer

__all__ = ["Finding", "RecordCheck", "check_head"]


@attrs.frozen
class History:
    """The first and the last change-log entry of one record."""

    record_id: int
    first: Change
    last: Change


class RecordCheck:
    """Iterate over it for the findings (:class:`Finding`), each one way the live records
    differ from the change log; afterwards :attr:`records` is how many live records
    were read. Run it while no one writes: a change made during the check may show
    as a finding (run it again)."""

    def __init__(self, backend: Backend, *, on_row: Progress | None = None) -> None:
        self.backend = backend
        self.sealer = Sealer(backend)
        """Opens the personal values the log sealed, while their person's key lasts."""
        self.records = 0
        """How many live records the check has read so far."""
        self._told = Told(on_row)

    def __iter__(self) -> Iterator[Finding]:
        loads = bulk_loads(self.backend)
        for cls in RECORD_TYPES:
            yield from self._table(cls, loads.get(cls.table, []))
        self._told.finish()

    def _table(self, cls: type[Record], loads: Sequence[BulkLoad]) -> Iterator[Finding]:
        ranges = BulkLoads(cls, loads)
        rows = self._told(self.backend.find(cls, {}, order_by=()))
        for record_id, row, history in _merged(rows, histories(self.backend, cls.table)):
            self.records += row is not None
            yield from ranges.advance(record_id)
            if history is not None:
                yield from _compared(cls, record_id, row, history, self.sealer)
            loaded = _as_loaded(cls, row, history, self.sealer)
            if loaded is not None and not ranges.fold(record_id, loaded):
                yield Finding(
                    table=cls.table,
                    record_id=record_id,
                    text=message(
                        "{table} {record_id}: not in the change log "
                        "(added behind the library's back)",
                        table=table_noun(cls.table),
                        record_id=record_id,
                    ),
                )
        yield from ranges.close()


def histories(backend: Backend, table: str) -> Iterator[History]:
    """The first and last entry of each record of ``table`` the log names, by record id."""
    entries = backend.find(
        Change,
        {"record_type": Op("eq", table), "record_id": Op("ne", None)},
        order_by=(("record_id", False), ("id", False)),
    )
    for record_id, group in itertools.groupby(entries, key=operator.attrgetter("record_id")):
        first, last = _ends(group)
        yield History(record_id=record_id, first=first, last=last)


def _ends(entries: Iterator[Change]) -> tuple[Change, Change]:
    """The first and the last of ``entries``, holding none of the others."""
    first = next(entries)
    rest = collections.deque(entries, maxlen=1)
    return first, rest[0] if rest else first


def _merged(
    rows: Iterator[Record], logged: Iterator[History]
) -> Iterator[tuple[int, Record | None, History | None]]:
    """Live rows and histories, both in id order, joined on the id."""
    row, history = next(rows, None), next(logged, None)
    while row is not None or history is not None:
        row_id = row.id if row is not None and row.id is not None else None
        if history is None or (row_id is not None and row_id < history.record_id):
            yield row_id or 0, row, None
            row = next(rows, None)
        elif row_id is None or history.record_id < row_id:
            yield history.record_id, None, history
            history = next(logged, None)
        else:
            yield row_id, row, history
            row, history = next(rows, None), next(logged, None)


def _compared(
    cls: type[Record], record_id: int, row: Record | None, history: History, sealer: Sealer
) -> Iterator[Finding]:
    """What differs between a live row (or its absence) and its last entry."""
    last, table = history.last, table_noun(cls.table)
    if last.action == "delete" and row is not None:
        yield Finding(
            table=cls.table,
            record_id=record_id,
            text=message(
                "{table} {record_id}: present, but the change log shows it deleted "
                "(entry {entry_id})",
                table=table,
                record_id=record_id,
                entry_id=last.id,
            ),
        )
    elif last.action != "delete" and row is None:
        yield missing(cls.table, record_id, last.id or 0)
    elif row is not None:
        differences = list(_differences(cls, row, sealer.opened(cls.table, last.after)))
        if differences:
            yield Finding(
                table=cls.table,
                record_id=record_id,
                text=message(
                    "{table} {record_id}: {differences} (entry {entry_id})",
                    table=table,
                    record_id=record_id,
                    differences=joined("; ", differences),
                    entry_id=last.id,
                ),
            )


def _differences(cls: type[Record], row: Record, logged: dict[str, Any]) -> Iterator[Message]:
    """Each key the entry recorded whose value the live row no longer has (a personal
    value whose key was destroyed can no longer be compared)."""
    live = json.loads(changelog.snapshot(row) or "{}")
    for name, value in logged.items():
        if name in live and value is not ERASED and live[name] != value:
            yield message(
                "{field} is {here} here but {logged} in the change log",
                field=name,
                here=_shown(cls, name, live[name]),
                logged=_shown(cls, name, value),
            )


def _shown(cls: type[Record], name: str, value: Any) -> str:
    """A stored value as a reader knows it: money in yuan, text as it is."""
    kinds = {c.name: c.kind for c in columns(cls)}
    if kinds.get(name) == "money" and isinstance(value, int) and not isinstance(value, bool):
        return str(from_fen(value))
    return value if isinstance(value, str) else changelog.canonical(value)


def _as_loaded(
    cls: type[Record], row: Record | None, history: History | None, sealer: Sealer
) -> tuple[Any, ...] | None:
    """The stored row as it was first stored, if not by ``add``: the live row when the
    library never changed it, else its first entry's ``before``."""
    if history is None:
        return stored_row(cls, row) if row is not None else None
    before = history.first.before
    if before is None:
        return None
    snapshot = sealer.opened(cls.table, before)  # a value erased is left out of new digests
    return (None, *(_unless_erased(snapshot.get(c.name)) for c in columns(cls)[1:]))


def _unless_erased(value: Any) -> Any:
    return None if value is ERASED else value


def check_head(backend: Backend, head: str) -> None:
    """Raise :class:`ChainBroken` unless ``head`` (from :meth:`Tracker.head`, kept
    elsewhere) is the hash of an entry of the log, or of the empty log: proof,
    once the chain verifies, that no entry up to it was removed or rewritten."""
    wanted = head.strip().lower()
    if len(wanted) != len(changelog.GENESIS) or not set(wanted) <= set("0123456789abcdef"):
        raise ChainBroken(
            message(
                "{head!r} is not a change-log hash (64 hexadecimal characters, as "
                "`exchange audit head` prints)",
                head=head,
            )
        )
    if wanted == changelog.GENESIS:
        return
    if next(backend.find(Change, {"hash": Op("eq", wanted)}, limit=1), None) is None:
        raise ChainBroken(
            message(
                "the change log holds no entry with hash {head}: entries after it were "
                "removed, or the log was rewritten",
                head=head,
            )
        )
