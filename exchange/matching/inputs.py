"""What a mentor plan reads from the store, and the revisions it read them at.

The plan remembers ``table/id → revision`` of every record it read (teachers,
schools, mentor pairs, programmes); applying it reads them again inside the
write transaction and refuses a plan whose records changed, were added or
were removed since (:func:`changed`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from .. import revisions
from ..errors import StaleRecord
from ..i18n import Message, message, noun
from ..models import Mentorship, Programme, Record, School, Teacher, record_type

if TYPE_CHECKING:
    from ..tracker import Tracker


@attrs.frozen
class Inputs:
    """The live records a plan is computed from."""

    teachers: Mapping[int, Teacher]
    schools: Mapping[int, School]
    pairs: tuple[Mentorship, ...]
    programmes: Mapping[str, Programme]

    def basis(self) -> dict[str, int]:
        """``table/id`` → revision of every record read."""
        records: Iterable[Record] = (
            *self.teachers.values(),
            *self.schools.values(),
            *self.pairs,
            *self.programmes.values(),
        )
        return {f"{r.table}/{r.id}": r.revision for r in records}


def read(tracker: Tracker) -> Inputs:
    """Every live teacher, school, mentor pair and programme."""

    def by_id(cls: type[Any]) -> dict[int, Any]:
        return {r.id: r for r in tracker.find(cls, order_by=["id"])}

    return Inputs(
        teachers=by_id(Teacher),
        schools=by_id(School),
        pairs=tuple(tracker.find(Mentorship, order_by=["id"])),
        programmes={p.name: p for p in tracker.find(Programme, order_by=["id"])},
    )


def digest(basis: Mapping[str, int], request: Any) -> str:
    """16 hex digits over the basis and the request (settings, programme, start day)."""
    text = json.dumps([sorted(basis.items()), request], ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def changed(tracker: Tracker, read_at: Mapping[str, int], now: Mapping[str, int]) -> None:
    """Refuse with :class:`StaleRecord` naming the first record that changed, appeared
    or went between ``read_at`` and ``now``."""
    for key in sorted(set(read_at) | set(now), key=_order):
        if read_at.get(key) != now.get(key):
            raise StaleRecord(
                message(
                    "the plan is out of date: {why}; compute it again",
                    why=_what(tracker, key, read_at.get(key), now.get(key)),
                )
            )


def _order(key: str) -> tuple[str, int]:
    table, _, number = key.partition("/")
    return table, int(number)


def _what(tracker: Tracker, key: str, before: int | None, after: int | None) -> Message:
    table, _, number = key.partition("/")
    kind = noun(record_type(table))
    if after is None:
        return message("{kind} {id} was removed or archived", kind=kind, id=number)
    if before is None:
        return message("{kind} {id} was added", kind=kind, id=number)
    stored = tracker.get(record_type(table), int(number))
    return revisions.stale(tracker.backend, stored, before).args[0]  # type: ignore[no-any-return]
