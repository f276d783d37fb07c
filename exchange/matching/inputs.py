"""What a plan reads from the store, and the revisions it read them at.

A plan remembers ``table/id → revision`` of every record it read (a mentor plan:
teachers, schools, mentor pairs, programmes; a placement plan: teachers, schools,
needs, applications, secondments, pairings); applying it reads them again inside
the write transaction and refuses a plan whose records changed, were added or
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
from ..models import (
    Application,
    Mentorship,
    Need,
    Pairing,
    Programme,
    Record,
    School,
    Secondment,
    Teacher,
    record_type,
)

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
        return basis_of(
            (*self.teachers.values(), *self.schools.values(), *self.pairs),
            self.programmes.values(),
        )


@attrs.frozen
class PlacementInputs:
    """The live records a placement plan is computed from."""

    teachers: Mapping[int, Teacher]
    schools: Mapping[int, School]
    needs: tuple[Need, ...]
    applications: tuple[Application, ...]
    secondments: tuple[Secondment, ...]
    pairings: tuple[Pairing, ...]

    def basis(self) -> dict[str, int]:
        """``table/id`` → revision of every record read."""
        return basis_of(
            (*self.teachers.values(), *self.schools.values(), *self.needs),
            (*self.applications, *self.secondments, *self.pairings),
        )


def basis_of(*groups: Iterable[Record]) -> dict[str, int]:
    """``table/id`` → revision of every record in ``groups``."""
    return {f"{r.table}/{r.id}": r.revision for group in groups for r in group}


def _by_id(tracker: Tracker, cls: type[Any]) -> dict[int, Any]:
    return {r.id: r for r in tracker.find(cls, order_by=["id"])}


def _all(tracker: Tracker, cls: type[Any]) -> tuple[Any, ...]:
    return tuple(tracker.find(cls, order_by=["id"]))


def read(tracker: Tracker) -> Inputs:
    """Every live teacher, school, mentor pair and programme."""
    return Inputs(
        teachers=_by_id(tracker, Teacher),
        schools=_by_id(tracker, School),
        pairs=_all(tracker, Mentorship),
        programmes={p.name: p for p in _all(tracker, Programme)},
    )


def read_placements(tracker: Tracker) -> PlacementInputs:
    """Every live teacher, school, need, application, secondment and pairing."""
    return PlacementInputs(
        teachers=_by_id(tracker, Teacher),
        schools=_by_id(tracker, School),
        needs=_all(tracker, Need),
        applications=_all(tracker, Application),
        secondments=_all(tracker, Secondment),
        pairings=_all(tracker, Pairing),
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
