"""A matching plan as data: the proposed pairs with their scores, who is left out and why."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs

from ..i18n import Message

if TYPE_CHECKING:
    from ..report import Report


@attrs.frozen
class Contribution:
    """What one criterion adds to a pair's total: its value (0 to 1) times its weight."""

    criterion: str
    value: float
    weight: float

    @property
    def points(self) -> float:
        """``value × weight``."""
        return self.value * self.weight


@attrs.frozen
class Proposal:
    """One proposed pair: its total and the contribution of each criterion."""

    mentee_id: int
    mentor_id: int
    contributions: tuple[Contribution, ...]
    pinned: bool = False
    """Pinned by the criteria file rather than chosen by the solver."""

    @property
    def total(self) -> float:
        """The sum of the contributions."""
        return sum(c.points for c in self.contributions)


@attrs.frozen
class Unmatched:
    """A mentee the plan gives no mentor, or a mentor with places left and no mentee."""

    teacher_id: int
    side: str
    """``mentee`` or ``mentor``."""
    reason: Message


@attrs.frozen
class Score:
    """How good a plan is: pairs made, then the total of their scores."""

    pairs: int
    total: float


@attrs.frozen
class Move:
    """A mentee whose mentor would change if the asked-about pair were forced."""

    mentee_id: int
    planned: int | None
    """The mentor in the plan (``None``: unmatched)."""
    forced: int | None
    """The mentor once the pair is forced (``None``: left out)."""


@attrs.frozen
class Why:
    """Why a pair is or is not in the plan."""

    mentee_id: int
    mentor_id: int
    chosen: bool
    reason: Message
    contributions: tuple[Contribution, ...] = ()
    """The pair's contributions, when it is admissible."""
    forced: Score | None = None
    """The best plan that contains the pair, when it is admissible but not chosen."""
    moves: tuple[Move, ...] = ()
    """What forcing the pair would change."""


@attrs.frozen(kw_only=True)
class MentorPlan:
    """Proposed mentor pairs for a programme: review it (:meth:`report`), ask about a
    pair (:meth:`why`), then :meth:`Tracker.apply_mentor_plan
    <exchange.Tracker.apply_mentor_plan>`."""

    programme: str
    starts_on: dt.date
    pairs: tuple[Proposal, ...]
    unmatched: tuple[Unmatched, ...]
    score: Score
    greedy: Score
    """The one-mentee-at-a-time plan on the same candidates, for comparison."""
    weights: Mapping[str, float]
    """The weight each criterion had."""
    names: Mapping[int, tuple[str, str]] = attrs.field(repr=False)
    """Teacher id → (name, school name), for the report."""
    basis: Mapping[str, int] = attrs.field(repr=False)
    """``table/id`` → revision of every record the plan read."""
    digest: str
    """A short digest of the basis and the settings: the same digest, the same plan."""
    solved: Any = attrs.field(repr=False, eq=False)
    """The candidates and solver state, for :meth:`why`."""

    def why(self, mentee_id: int, mentor_id: int) -> Why:
        """Why the pair is chosen, or the constraint it breaks, or the better pairs it
        would displace."""
        from .explain import why

        return why(self, mentee_id, mentor_id)

    def report(self) -> Report:
        """The plan as a report (pairs, unmatched, criteria), in any format."""
        from .tables import plan_report

        return plan_report(self)


# -- placements ------------------------------------------------------------------------


@attrs.frozen
class Placement:
    """One proposed secondment: a teacher to a host school's need, its total and the
    contribution of each criterion."""

    teacher_id: int
    need_id: int
    contributions: tuple[Contribution, ...]
    pinned: bool = False
    """Pinned by the criteria rather than chosen by the solver."""

    @property
    def total(self) -> float:
        """The sum of the contributions."""
        return sum(c.points for c in self.contributions)


@attrs.frozen
class Unplaced:
    """An applicant the plan places nowhere, or a need with places it leaves empty."""

    side: str
    """``applicant`` (``id`` is the teacher's) or ``need`` (``id`` is the need's)."""
    id: int
    reason: Message


@attrs.frozen
class Shift:
    """An applicant whose need would change if the asked-about pair were forced."""

    teacher_id: int
    planned: int | None
    """The need in the plan (``None``: unplaced)."""
    forced: int | None
    """The need once the pair is forced (``None``: left out)."""


@attrs.frozen
class PlacementWhy:
    """Why a teacher is or is not placed at a need."""

    teacher_id: int
    need_id: int
    chosen: bool
    reason: Message
    contributions: tuple[Contribution, ...] = ()
    forced: Score | None = None
    shifts: tuple[Shift, ...] = ()


@attrs.frozen(kw_only=True)
class PlacementPlan:
    """Proposed secondments for a year: review it (:meth:`report`), ask about a pair
    (:meth:`why`), then :meth:`Tracker.apply_placement_plan
    <exchange.Tracker.apply_placement_plan>`."""

    year: int
    programme: str | None
    placements: tuple[Placement, ...]
    unplaced: tuple[Unplaced, ...]
    score: Score
    greedy: Score
    """The one-applicant-at-a-time plan on the same candidates, for comparison."""
    weights: Mapping[str, float]
    names: Mapping[int, tuple[str, str]] = attrs.field(repr=False)
    """Teacher id → (name, school name) of every applicant."""
    openings: Mapping[int, tuple[str, str]] = attrs.field(repr=False)
    """Need id → (host school name, subject) of every need of the year."""
    basis: Mapping[str, int] = attrs.field(repr=False)
    digest: str
    """A short digest of the records read and the request: the same digest, the same plan."""
    solved: Any = attrs.field(repr=False, eq=False)

    def why(self, teacher_id: int, need_id: int) -> PlacementWhy:
        """Why the teacher is placed at the need, or the constraint the pair breaks, or
        the better placements it would displace."""
        from .placing import why

        return why(self, teacher_id, need_id)

    def report(self) -> Report:
        """The plan as a report (placements, unplaced, sending schools, criteria)."""
        from .placement_tables import placement_report

        return placement_report(self)
