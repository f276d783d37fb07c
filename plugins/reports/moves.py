"""Teachers sent and received and teacher-days, for ``summary``: overall and broken down.

A secondment counts when the teacher went (active, completed, withdrawn). It is
*received* when its host is the supporting school of its pairing (the supported
side's teacher came to learn, 跟岗) or, with no pairing, lies in its
partnership's supporting region, and *sent* otherwise; it counts in the year it
started. Teacher-days are split over the years they fall in and cut to the
period and to ``as_of``.

The breakdown (``by``) is the secondment's kind, or a fact of its teacher: a role
or subject (a teacher with two counts under each, so those tables have no
totals row), or the stage (for staff of a bureau, centre or office: its kind) or
region level of the teacher's home organisation.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import attrs

from exchange import Partnership, School, Tracker
from exchange.errors import InvalidRecord
from exchange.i18n import Phrase, message
from exchange.lifecycle import last_day
from exchange.regions import LEVELS, Gazetteer, of_store
from exchange.timeline import SERVED

from .scope import Placement, Scope, placements, with_schools

Breakdown = Callable[[Placement, School], Iterable[Any]]
"""The values a secondment counts under, from it and its teacher's home school."""
UNKNOWN = Phrase("unknown")
BREAKDOWNS = ("kind", "role", "subject", "stage", *LEVELS)
"""What ``by`` may name."""
SHARED = frozenset({"role", "subject"})
"""Breakdowns under which one secondment may count more than once."""


@attrs.define
class Moves:
    """``[sent, received, teacher-days]`` per (partnership, year), and per (partnership,
    year, breakdown value)."""

    overall: dict[tuple[int | None, int], list[int]] = attrs.field(
        factory=lambda: defaultdict(lambda: [0, 0, 0])
    )
    by: dict[tuple[int | None, int, Any], list[int]] = attrs.field(
        factory=lambda: defaultdict(lambda: [0, 0, 0])
    )


def count_moves(tracker: Tracker, scope: Scope, as_of: dt.date, by: str = "kind") -> Moves:
    """Every secondment in scope, counted overall and under ``by``."""
    values = breakdown(tracker, by)
    received = _receiving(tracker)
    moves = Moves()
    for chunk, schools in with_schools(tracker, placements(tracker, scope, statuses=SERVED)):
        for placement in chunk:
            secondment, partnership = placement.secondment, placement.partnership_id
            came = received(placement, schools[secondment.host_school_id])
            groups = list(values(placement, schools[placement.teacher.school_id]))
            for year, slot, amount in _counts(scope, as_of, placement, came):
                moves.overall[partnership, year][slot] += amount
                for group in groups:
                    moves.by[partnership, year, group][slot] += amount
    return moves


def _counts(
    scope: Scope, as_of: dt.date, placement: Placement, received: bool
) -> Iterator[tuple[int, int, int]]:
    """``(year, slot, amount)``: sent (0) or received (1) in the year it started, when
    that lies in the period; then its days (2) in each year, cut to the period."""
    secondment = placement.secondment
    if scope.in_period(secondment.starts_on):
        yield secondment.starts_on.year, 1 if received else 0, 1
    first, last = scope.clip(secondment.starts_on, min(last_day(secondment), as_of))
    for year in range(first.year, last.year + 1):
        start, end = max(first, dt.date(year, 1, 1)), min(last, dt.date(year, 12, 31))
        if start <= end:
            yield year, 2, (end - start).days + 1


def breakdown(tracker: Tracker, by: str) -> Breakdown:
    """The values a secondment counts under for ``by`` (one of :data:`BREAKDOWNS`)."""
    if by == "kind":
        return lambda placement, home: [placement.secondment.kind]
    if by == "role":
        return lambda placement, home: placement.teacher.roles or [Phrase("no role")]
    if by == "subject":
        return lambda placement, home: placement.teacher.subjects or [Phrase("no subject")]
    if by == "stage":
        return lambda placement, home: [home.stage or home.kind]  # a bureau has no stage
    if by in LEVELS:
        return _level(tracker, LEVELS.index(by))
    raise InvalidRecord(
        message(
            "cannot break down by {by!r}; choose one of {choices}",
            by=by,
            choices=", ".join(BREAKDOWNS),
        )
    )


def _level(tracker: Tracker, depth: int) -> Breakdown:
    places = of_store(tracker)[0]

    def level(placement: Placement, home: School) -> list[Any]:
        levels = places.levels(home.region)
        return [levels[depth] if levels and levels[depth] else UNKNOWN]

    return level


def _receiving(tracker: Tracker) -> Callable[[Placement, School], bool]:
    """Whether a placement was *received* (see the module docstring)."""
    supporting = {
        p.id: p.supporting_region for p in tracker.find(Partnership, include_archived=True)
    }
    places: Gazetteer | None = None

    def received(placement: Placement, host: School) -> bool:
        nonlocal places
        if placement.pairing is not None:
            return host.id == placement.pairing.supporting_school_id
        if placement.partnership_id is None:
            return False
        if places is None:
            places = of_store(tracker)[0]
        return places.contains(supporting[placement.partnership_id], host.region)

    return received
