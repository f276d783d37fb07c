"""Copying every record from one store to another (``exchange copy``), e.g. from the
embedded SQLite file to a province's shared database.

Records are copied type by type in link order with :meth:`Tracker.bulk_add`, so
the destination checks every rule again and writes its own change log. Ids are
given afresh by the destination; links (and assessment targets) are rewritten to
the new ids. The destination must hold no records, and receives everything or
nothing.
"""

from __future__ import annotations

import bisect
from array import array
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import attrs

from .codec import columns
from .errors import ExchangeError
from .models import RECORD_TYPES, Assessment, Record, Rubric
from .rules import TARGETS

if TYPE_CHECKING:
    from .tracker import Tracker


class _Ids:
    """Source ids of one type, in order, and the first destination id they were given."""

    def __init__(self) -> None:
        self.source = array("q")
        self.first = 0

    def new(self, old: int) -> int:
        return self.first + bisect.bisect_left(self.source, old)


def copy(
    source: Tracker, destination: Tracker, *, on_type: Callable[[str, int], None] | None = None
) -> dict[str, int]:
    """Copy every record of ``source`` into the empty ``destination``; return counts by table."""
    held = [cls.table for cls in RECORD_TYPES if destination.count(cls, include_archived=True)]
    if held:
        raise ExchangeError(
            f"{destination.url} already holds records ({', '.join(held)}); copy into an empty store"
        )
    ids: dict[str, _Ids] = {}
    counts: dict[str, int] = {}
    with destination.transaction():
        for cls in RECORD_TYPES:
            mapping = ids[cls.table] = _Ids()
            result = destination.bulk_add(_rewritten(source, cls, mapping, ids))
            mapping.first = result.first_id or 0
            counts[cls.table] = result.count
            if on_type is not None:
                on_type(cls.table, result.count)
    return counts


def _rewritten(
    source: Tracker, cls: type[Record], mapping: _Ids, ids: dict[str, _Ids]
) -> Iterator[Record]:
    links = [(c.name, c.table or "") for c in columns(cls) if c.kind == "link"]
    rubrics: dict[int, str] = {}
    for record in source.find(cls, include_archived=True, order_by=["id"]):
        mapping.source.append(record.id or 0)
        changes: dict[str, Any] = {"id": None}
        for name, table in links:
            old = getattr(record, name)
            if old is not None:
                changes[name] = ids[table].new(old)
        if isinstance(record, Assessment):
            changes["target_id"] = _target(source, record, rubrics, ids)
        yield attrs.evolve(record, **changes)


def _target(
    source: Tracker, record: Assessment, rubrics: dict[int, str], ids: dict[str, _Ids]
) -> int:
    if record.rubric_id not in rubrics:
        rubric: Rubric = source.get(Rubric, record.rubric_id)
        rubrics[record.rubric_id] = TARGETS[rubric.target].table
    return ids[rubrics[record.rubric_id]].new(record.target_id)
