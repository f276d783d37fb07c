"""What a plan reads from the store, and the revisions it read them at.

A plan remembers ``table/id → revision`` of every record it depends on (a mentor
plan: every teacher, school, mentor pair and programme; a placement plan: only the
records of its year that it reads, :meth:`PlacementInputs.basis`); applying it reads
them again inside the write transaction and refuses a plan whose records changed,
were added or were removed since (:func:`changed`).
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
from .days import merged, overlaps

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

    def basis(self, year: int) -> dict[str, int]:
        """``table/id`` → revision of every record a plan for ``year`` depends on: the
        year's needs and applications, the applicants, the teachers of their schools
        that keep teachers at home, those teachers' secondments on days of the needs,
        the applicants' secondments at the needs' hosts, the secondments filling the
        needs, the pairings of the hosts, the hosts and the applicants' schools; and
        the regions every school names (:data:`REGIONS`: they complete one another)."""
        needs = [n for n in self.needs if n.starts_on.year == year]
        applications = [a for a in self.applications if a.year == year]
        applicants = {a.teacher_id for a in applications}
        hosts = {n.host_school_id for n in needs}
        homes = {self.teachers[t].school_id for t in applicants if t in self.teachers}
        people = applicants | self._staff(homes)
        return {
            **basis_of(
                [self.teachers[t] for t in sorted(people) if t in self.teachers],
                [self.schools[s] for s in sorted(hosts | homes) if s in self.schools],
                needs,
                applications,
                self._secondments(needs, applicants, people),
                [
                    p
                    for p in self.pairings
                    if {p.supporting_school_id, p.supported_school_id} & hosts
                ],
            ),
            REGIONS: regions(self.schools.values()),
        }

    def _staff(self, schools: set[int]) -> set[int]:
        """The teachers of those of ``schools`` that keep teachers at home."""
        keeping = {
            s for s in schools if s in self.schools and self.schools[s].keep_at_home is not None
        }
        return {t.id or 0 for t in self.teachers.values() if t.school_id in keeping}

    def _secondments(
        self, needs: list[Need], applicants: set[int], people: set[int]
    ) -> list[Secondment]:
        """Those filling ``needs``, those of ``people`` on days of them, and those of
        ``applicants`` at their hosts (any status: a change of status counts too)."""
        days = merged((n.starts_on, n.ends_on) for n in needs)
        filled, hosts = {n.id for n in needs}, {n.host_school_id for n in needs}
        return [
            s
            for s in self.secondments
            if s.need_id in filled
            or (s.teacher_id in people and overlaps((s.starts_on, s.ends_on), days))
            or (s.teacher_id in applicants and s.host_school_id in hosts)
        ]


REGIONS = "regions/0"
"""The basis key of the regions the schools name (a fingerprint, not a revision)."""


def regions(schools: Iterable[School]) -> int:
    """A fingerprint of the set of regions ``schools`` name."""
    names = sorted({s.region for s in schools})
    text = json.dumps(names, ensure_ascii=False)
    return int(hashlib.sha256(text.encode()).hexdigest()[:12], 16)


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
    if key == REGIONS:
        return message("the regions the schools name changed")
    table, _, number = key.partition("/")
    kind = noun(record_type(table))
    if after is None:
        return message("{kind} {id} was removed or archived", kind=kind, id=number)
    if before is None:
        return message("{kind} {id} was added", kind=kind, id=number)
    stored = tracker.get(record_type(table), int(number))
    return revisions.stale(tracker.backend, stored, before).args[0]  # type: ignore[no-any-return]
