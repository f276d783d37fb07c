"""Mentor pairs: mentees to mentors within a programme, each mentor up to their capacity.

:class:`MentorMatch` turns the store's records, the settings and the criteria into
an :class:`~exchange.matching.engine.Problem`: who takes part (the pools), how
many mentees each mentor can still take (the smallest capacity among the
programmes they mentor in, less the active pairs they already have, across all
programmes), and, for every candidate pair, either its score or the hard
constraint that rules it out (:meth:`MentorMatch.refusal`).
"""

from __future__ import annotations

import operator
from collections import defaultdict
from collections.abc import Iterator, Sequence

from ..cascade import COUNTING
from ..enums import MentorshipStatus
from ..errors import PluginError, RuleViolation
from ..i18n import Message, message
from ..models import Mentorship, Teacher
from ..regions import Gazetteer
from . import engine
from .criteria import MatchCriterion, Place, Profile, Weighed
from .inputs import Inputs
from .plan import Contribution
from .settings import MatchSettings, Pool

SCALE = 1000
"""Scores are solved as whole thousandths of a point."""
Pair = tuple[int, int]
"""(mentee id, mentor id)."""


class MentorMatch:
    """The candidates of one programme's plan and how each pair scores."""

    def __init__(
        self,
        inputs: Inputs,
        programme: str,
        settings: MatchSettings,
        criteria: Sequence[MatchCriterion],
        *,
        forbidden: frozenset[Pair] = frozenset(),
    ) -> None:
        self.inputs, self.programme, self.settings = inputs, programme, settings
        self.criteria = tuple(criteria)
        self.weights = tuple(settings.weights.get(c.name, c.weight) for c in self.criteria)
        self.forbidden = forbidden
        self.mentored_by: dict[int, set[int]] = defaultdict(set)
        """Mentee id → everyone who mentored them, in any pair (for ``previous``)."""
        self.above: dict[int, set[int]] = defaultdict(set)
        """Mentee id → their mentors in the cascade (active and completed pairs)."""
        self.active: dict[int, list[Mentorship]] = defaultdict(list)
        for pair in inputs.pairs:
            self.mentored_by[pair.mentee_id].add(pair.mentor_id)
            if pair.status in COUNTING:
                self.above[pair.mentee_id].add(pair.mentor_id)
            if pair.status is MentorshipStatus.ACTIVE:
                self.active[pair.mentor_id].append(pair)
        self.active_mentors = {m for mentors in self.above.values() for m in mentors}
        """Teachers who mentor someone: only they can close a cycle as a mentee."""
        self.gazetteer = Gazetteer(s.region for s in inputs.schools.values())
        self.places_of: dict[str, Place] = {}
        self._inside: dict[tuple[str, str], bool] = {}
        self.mentors = [self._profile(t) for t in self._mentor_pool()]
        taken = {p.id for p in self.mentors}
        self.mentees = [self._profile(t) for t in self._mentee_pool() if t.id not in taken]
        self.mentee_index = {p.id: i for i, p in enumerate(self.mentees)}
        self.mentor_index = {p.id: j for j, p in enumerate(self.mentors)}
        self.places = [self._places(p.id) for p in self.mentors]
        self.pinned: dict[int, int] = {}
        """Mentee id → mentor id of the pairs the settings pin."""

    def profiles(self, mentee_id: int, mentor_id: int) -> tuple[Profile, Profile]:
        """The mentee's and the mentor's profiles, both of this plan."""
        return (
            self.mentees[self.mentee_index[mentee_id]],
            self.mentors[self.mentor_index[mentor_id]],
        )

    # -- who takes part -----------------------------------------------------------------

    def _in(self, teacher: Teacher, pool: Pool) -> bool:
        school = self.inputs.schools.get(teacher.school_id)
        if school is None or (
            pool.region is not None and not self._contains(pool.region, school.region)
        ):
            return False
        return not pool.roles or bool(set(pool.roles) & set(teacher.roles))

    def _paired(self, side: str) -> set[int]:
        """Teachers already on ``side`` of a counting pair of this programme."""
        return {
            getattr(p, side)
            for p in self.inputs.pairs
            if p.programme == self.programme and p.status in COUNTING
        }

    def _mentor_pool(self) -> Iterator[Teacher]:
        """Teachers of the mentor pool's roles, and those already mentoring in the programme."""
        already, anywhere = self._paired("mentor_id"), Pool(region=self.settings.mentors.region)
        for teacher in self.inputs.teachers.values():
            pool = anywhere if teacher.id in already else self.settings.mentors
            if self._in(teacher, pool):
                yield teacher

    def _mentee_pool(self) -> Iterator[Teacher]:
        """Teachers of the mentee pool who have no mentor in the programme yet."""
        already = self._paired("mentee_id")
        for teacher in self.inputs.teachers.values():
            if teacher.id not in already and self._in(teacher, self.settings.mentees):
                yield teacher

    def _contains(self, region: str, other: str) -> bool:
        key = (region, other)
        if key not in self._inside:
            self._inside[key] = self.gazetteer.contains(region, other)
        return self._inside[key]

    def _profile(self, teacher: Teacher) -> Profile:
        school = self.inputs.schools[teacher.school_id]
        before = frozenset(self.mentored_by.get(teacher.id or 0, ()))
        if school.region not in self.places_of:
            self.places_of[school.region] = Place.of(self.gazetteer, school.region)
        return Profile(teacher, school, self.places_of[school.region], before)

    # -- capacity -------------------------------------------------------------------------

    def limit(self, mentor_id: int) -> int | None:
        """The smallest capacity among the programmes the mentor mentors in (this one
        included) and the settings' ``capacity``; ``None`` for no limit."""
        names = {p.programme for p in self.active.get(mentor_id, ())} | {self.programme}
        programmes = self.inputs.programmes
        found = [programmes[n].mentor_capacity for n in names if n in programmes]
        limits = [c for c in (*found, self.settings.capacity) if c is not None]
        return min(limits) if limits else None

    def _places(self, mentor_id: int) -> int:
        limit = self.limit(mentor_id)
        if limit is None:
            return len(self.mentees)
        return max(0, limit - len(self.active.get(mentor_id, ())))

    # -- candidate pairs ------------------------------------------------------------------

    def values(self, mentee: Profile, mentor: Profile) -> list[float]:
        """Each criterion's value for the pair, checked to lie from 0 to 1."""
        return weighed(self.criteria, [float(c.score(mentor, mentee)) for c in self.criteria])

    def contributions(self, mentee: Profile, mentor: Profile) -> tuple[Contribution, ...]:
        """What each criterion adds to the pair's total."""
        values = self.values(mentee, mentor)
        return tuple(
            Contribution(c.name, v, w)
            for c, v, w in zip(self.criteria, values, self.weights, strict=True)
        )

    def refusal(self, mentee: Profile, mentor: Profile) -> Message | None:
        """The hard constraint the pair breaks, or ``None``: another region at the
        ``within`` level, forbidden, a cycle, the mentor full, a ``must`` criterion
        at 0 or a ``must_not`` one above 0."""
        return self._placing(mentee, mentor) or self._criteria(self.values(mentee, mentor))

    def _placing(self, mentee: Profile, mentor: Profile, *, within: bool = True) -> Message | None:
        level = self.settings.within
        if (
            within
            and level is not None
            and mentor.place.within(level) != mentee.place.within(level)
        ):
            return _elsewhere(level)
        if (mentee.id, mentor.id) in self.forbidden:
            return message("the criteria forbid this pair")
        if self.cycles(mentee.id, mentor.id):
            return message(
                "the mentor is already mentored, directly or through others, by the mentee"
            )
        if not self.places[self.mentor_index[mentor.id]]:
            return message("the mentor has no place left")
        return None

    def _criteria(self, values: Sequence[float]) -> Message | None:
        return criteria_refusal(self.criteria, self.settings, values)

    def pin(self, mentee_id: int, mentor_id: int) -> None:
        """Put the pair in the plan whatever its score: refused only when the mentee is
        not in the plan's mentees, the mentor not among its mentors, or the pair is
        forbidden, makes a cycle or finds the mentor full."""
        mentee, mentor = self.mentee_index.get(mentee_id), self.mentor_index.get(mentor_id)
        why = None
        if mentee is None or mentee_id in self.pinned:
            why = message("teacher {id} is not a mentee of this plan", id=mentee_id)
        elif mentor is None:
            why = message("teacher {id} is not a mentor of this plan", id=mentor_id)
        else:
            why = self._placing(self.mentees[mentee], self.mentors[mentor], within=False)
        if why is not None:
            raise RuleViolation(
                message(
                    "cannot pin mentee {mentee} to mentor {mentor}: {why}",
                    mentee=mentee_id,
                    mentor=mentor_id,
                    why=why,
                )
            )
        self.pinned[mentee_id] = mentor_id
        self.places[mentor or 0] -= 1

    def cycles(self, mentee_id: int, mentor_id: int) -> bool:
        """Whether the mentee is already above the mentor in the cascade (any programme)."""
        frontier, seen = {mentor_id}, set()
        while frontier:
            if mentee_id in frontier:
                return True
            seen |= frontier
            frontier = {m for t in frontier for m in self.above.get(t, ())} - seen
        return False

    def points(self, values: Sequence[float]) -> int:
        """A pair's total in whole thousandths of a point."""
        total: float = sum(map(operator.mul, values, self.weights))
        return round(SCALE * total)

    def problem(self) -> engine.Problem:
        """Every admissible pair and its score, mentees and mentors in id order."""
        groups = self._groups()
        return engine.Problem(
            capacity=tuple(self.places),
            edges=tuple(
                {}
                if mentee.id in self.pinned
                else self._edges(mentee, groups.get(self._key(mentee), ()))
                for mentee in self.mentees
            ),
        )

    def _edges(self, mentee: Profile, candidates: Sequence[int]) -> dict[int, int]:
        """The mentee's admissible pairs among mentors with places left in its group
        (the fast path of :meth:`refusal`)."""
        forbidden, hard = self.forbidden, self.settings.must or self.settings.must_not
        above = mentee.id in self.active_mentors
        found = {}
        for j in candidates:
            mentor = self.mentors[j]
            if (forbidden and (mentee.id, mentor.id) in forbidden) or (
                above and self.cycles(mentee.id, mentor.id)
            ):
                continue
            values = self.values(mentee, mentor)
            if not hard or self._criteria(values) is None:
                found[j] = self.points(values)
        return found

    def _key(self, profile: Profile) -> tuple[str | None, ...]:
        level = self.settings.within
        return () if level is None else profile.place.within(level)

    def _groups(self) -> dict[tuple[str | None, ...], list[int]]:
        """Mentors with places left, by the region ``within`` asks for."""
        groups: dict[tuple[str | None, ...], list[int]] = defaultdict(list)
        for j, mentor in enumerate(self.mentors):
            if self.places[j]:
                groups[self._key(mentor)].append(j)
        return groups


def weighed(criteria: Sequence[Weighed], values: list[float]) -> list[float]:
    """``values``, each checked to lie from 0 to 1 (a :class:`PluginError` naming the
    criterion that gave another)."""
    total = sum(values)
    if values and total == total and min(values) >= 0.0 and max(values) <= 1.0:
        return values  # the common case in three calls (a NaN makes the total unequal)
    for criterion, value in zip(criteria, values, strict=True):
        if not 0.0 <= value <= 1.0:
            raise PluginError(
                message(
                    "matching criterion {name!r} gave {value}, not a value from 0 to 1",
                    name=criterion.name,
                    value=value,
                )
            )
    return values


def criteria_refusal(
    criteria: Sequence[Weighed], settings: MatchSettings, values: Sequence[float]
) -> Message | None:
    """The ``must`` criterion at 0 or the ``must_not`` one above 0, if any."""
    for criterion, value in zip(criteria, values, strict=True):
        if criterion.name in settings.must and value <= 0:
            return message(
                "it does not meet {criterion}, which the criteria require",
                criterion=criterion.name,
            )
        if criterion.name in settings.must_not and value > 0:
            return message(
                "it meets {criterion}, which the criteria rule out", criterion=criterion.name
            )
    return None


def _elsewhere(level: str) -> Message:
    if level == "county":
        return message("the mentor is in another county")
    if level == "prefecture":
        return message("the mentor is in another prefecture")
    return message("the mentor is in another province")
