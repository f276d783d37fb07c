"""Placements: teachers who applied for a secondment to host schools' stated needs.

:class:`PlacementMatch` turns the store's records, the settings and the criteria
into an :class:`~exchange.matching.engine.Problem`: the applicants (one seeker per
teacher, with every application they made for the year), the needs of the year
with the places they have left (places less the secondments that already fill
them), each sending school's group (how many more it may send and still keep its
``keep_at_home`` teachers at home) and, for every candidate pair, its score or the
hard constraint that rules it out (:meth:`PlacementMatch.refusal`).
"""

from __future__ import annotations

import datetime as dt
import operator
from collections import Counter, defaultdict
from collections.abc import Sequence

import attrs

from .. import needs as filling
from ..enums import SecondmentStatus
from ..i18n import Message, message
from ..models import Application, Need, Pairing, School, Secondment
from ..regions import Gazetteer
from . import engine
from .criteria import Opening, Place, PlacementCriterion, Profile
from .days import Span, busiest, merged, overlaps
from .inputs import PlacementInputs
from .mentors import SCALE, criteria_refusal, weighed
from .plan import Contribution
from .settings import MatchSettings

AWAY = frozenset({SecondmentStatus.PROPOSED, SecondmentStatus.APPROVED, SecondmentStatus.ACTIVE})
"""Secondments that take a teacher away from home (and keep them from another)."""
Pair = tuple[int, int]
"""(teacher id, need id)."""


@attrs.frozen
class Sender:
    """A sending school's head count: who it must keep at home and how many more it may send."""

    school: School
    staff: int
    """Its teachers on record."""
    away: int
    """Its teachers already seconded (proposed, approved or active) on the busiest day
    of the year's needs (:func:`busiest`)."""
    pinned: int = 0
    """Its teachers the criteria pin to a need."""

    @property
    def sendable(self) -> int:
        """How many more it may send (``keep_at_home`` set); never below 0."""
        return max(0, self.staff - (self.school.keep_at_home or 0) - self.away)

    @property
    def left(self) -> int:
        """How many more the solver may send, once the pinned ones have gone."""
        return max(0, self.sendable - self.pinned)


class PlacementMatch:
    """The candidates of one year's placement plan and how each pair scores."""

    def __init__(
        self,
        inputs: PlacementInputs,
        year: int,
        programme: str | None,
        settings: MatchSettings,
        criteria: Sequence[PlacementCriterion],
        *,
        forbidden: frozenset[Pair] = frozenset(),
    ) -> None:
        self.inputs, self.year, self.programme, self.settings = inputs, year, programme, settings
        self.criteria = tuple(criteria)
        self.weights = tuple(settings.weights.get(c.name, c.weight) for c in self.criteria)
        self.forbidden = forbidden
        self.gazetteer = Gazetteer(s.region for s in inputs.schools.values())
        self._places: dict[str, Place] = {}
        self.applied = self._applications()
        self._index()
        self.needs = [self._opening(n) for n in inputs.needs if self._this_year(n)]
        self.days = merged((o.need.starts_on, o.need.ends_on) for o in self.needs)
        """The days of the year's needs (which may run into the next year)."""
        self.away = self._away()
        self.need_index = {o.id: j for j, o in enumerate(self.needs)}
        self.left = [self._left(o.need) for o in self.needs]
        self.applicants = [self._applicant(t) for t in sorted(self.applied)]
        self.applicant_index = {p.id: i for i, p in enumerate(self.applicants)}
        self.senders = self._senders()
        self.group_index = {s.school.id: g for g, s in enumerate(self.senders)}
        self.pinned: dict[int, int] = {}
        """Teacher id → need id of the pairs the settings pin."""

    # -- who takes part -----------------------------------------------------------------

    def _wanted(self, programme: str) -> bool:
        return self.programme is None or programme == self.programme

    def _this_year(self, need: Need) -> bool:
        return need.starts_on.year == self.year and self._wanted(need.programme)

    def _applications(self) -> dict[int, list[Application]]:
        """Teacher id → their applications for the year (of the programme, or for any)."""
        placed = self._placed()
        found: dict[int, list[Application]] = defaultdict(list)
        for a in self.inputs.applications:
            if (
                a.year == self.year
                and (not a.programme or self._wanted(a.programme))
                and a.teacher_id not in placed
                and a.teacher_id in self.inputs.teachers
            ):
                found[a.teacher_id].append(a)
        return found

    def _placed(self) -> set[int]:
        """Teachers already filling a need of the year: their application is answered."""
        of_year = {n.id for n in self.inputs.needs if n.starts_on.year == self.year}
        return {
            s.teacher_id
            for s in self.inputs.secondments
            if s.need_id in of_year and s.status in filling.FILLING
        }

    def _away(self) -> dict[int, list[Secondment]]:
        """Teacher id → their secondments that take them away on days of the year's needs."""
        found: dict[int, list[Secondment]] = defaultdict(list)
        for s in self.inputs.secondments:
            if s.status in AWAY and overlaps((s.starts_on, s.ends_on), self.days):
                found[s.teacher_id].append(s)
        return found

    def _index(self) -> None:
        """One pass over the secondments and pairings: the places each need has filled,
        who of the applicants served at each host (not cancelled: teacher id, need id),
        and each school's pairings."""
        self.taken: Counter[int | None] = Counter()
        self.served_at: dict[int, list[Pair]] = defaultdict(list)
        for s in self.inputs.secondments:
            if s.status in filling.FILLING:
                self.taken[s.need_id] += 1
            if s.teacher_id in self.applied and s.status is not SecondmentStatus.CANCELLED:
                self.served_at[s.host_school_id].append((s.teacher_id, s.need_id or 0))
        self.pairings_of: dict[int, list[Pairing]] = defaultdict(list)
        for p in self.inputs.pairings:
            self.pairings_of[p.supporting_school_id].append(p)
            self.pairings_of[p.supported_school_id].append(p)

    def _place(self, school: School) -> Place:
        if school.region not in self._places:
            self._places[school.region] = Place.of(self.gazetteer, school.region)
        return self._places[school.region]

    def _opening(self, need: Need) -> Opening:
        school = self.inputs.schools[need.host_school_id]
        partners = {
            other
            for p in self.pairings_of.get(need.host_school_id, ())
            if p.signed_on <= need.starts_on
            and (p.ended_on is None or p.ended_on >= need.starts_on)
            for other in (p.supporting_school_id, p.supported_school_id)
        } - {need.host_school_id}
        served = {t for t, n in self.served_at.get(need.host_school_id, ()) if n != need.id}
        return Opening(need, school, self._place(school), frozenset(partners), frozenset(served))

    def _left(self, need: Need) -> int:
        return max(0, need.places - self.taken[need.id])

    def _applicant(self, teacher_id: int) -> Profile:
        teacher = self.inputs.teachers[teacher_id]
        offered = tuple(dict.fromkeys(a.subject for a in self.applied[teacher_id] if a.subject))
        if offered and all(a.subject for a in self.applied[teacher_id]):
            teacher = attrs.evolve(teacher, subjects=offered)
        school = self.inputs.schools[teacher.school_id]
        return Profile(teacher, school, self._place(school))

    def _senders(self) -> list[Sender]:
        """The applicants' schools that keep teachers at home, in id order."""
        staff: dict[int, int] = defaultdict(int)
        for teacher in self.inputs.teachers.values():
            staff[teacher.school_id] += 1
        spans: dict[int, list[Span]] = defaultdict(list)
        for teacher_id, secondments in self.away.items():
            if teacher_id in self.inputs.teachers:
                school = self.inputs.teachers[teacher_id].school_id
                spans[school] += [(s.starts_on, s.ends_on) for s in secondments]
        schools = sorted({p.school.id or 0 for p in self.applicants})
        return [
            Sender(self.inputs.schools[s], staff[s], busiest(spans[s], self.days))
            for s in schools
            if self.inputs.schools[s].keep_at_home is not None
        ]

    # -- candidate pairs ------------------------------------------------------------------

    def profiles(self, teacher_id: int, need_id: int) -> tuple[Profile, Opening]:
        """The applicant's profile and the need's opening, both of this plan."""
        return (
            self.applicants[self.applicant_index[teacher_id]],
            self.needs[self.need_index[need_id]],
        )

    def pin(self, teacher_id: int, need_id: int) -> Message | None:
        """Fix the pair in the plan, taking one of the need's places and one of the
        school's departures; or, the plan unchanged, the hard constraint it breaks."""
        if teacher_id not in self.applicant_index:
            return not_applicant(teacher_id, self.year)
        if need_id not in self.need_index:
            return message("need {id} is not a need of this plan", id=need_id)
        applicant, need = self.profiles(teacher_id, need_id)
        why = self.refusal(applicant, need)
        if why is None:
            self.pinned[teacher_id] = need_id
            self.left[self.need_index[need_id]] -= 1
            group = self.group_index.get(applicant.school.id)
            if group is not None:
                sender = self.senders[group]
                self.senders[group] = attrs.evolve(sender, pinned=sender.pinned + 1)
        return why

    def values(self, applicant: Profile, need: Opening) -> list[float]:
        """Each criterion's value for the pair, checked to lie from 0 to 1."""
        return weighed(self.criteria, [float(c.score(need, applicant)) for c in self.criteria])

    def contributions(self, applicant: Profile, need: Opening) -> tuple[Contribution, ...]:
        """What each criterion adds to the pair's total."""
        values = self.values(applicant, need)
        return tuple(
            Contribution(c.name, v, w)
            for c, v, w in zip(self.criteria, values, self.weights, strict=True)
        )

    def points(self, values: Sequence[float]) -> int:
        """A pair's total in whole thousandths of a point."""
        total: float = sum(map(operator.mul, values, self.weights))
        return round(SCALE * total)

    def refusal(self, applicant: Profile, need: Opening) -> Message | None:
        """The hard constraint the pair breaks, or ``None``."""
        return self._placing(applicant, need) or criteria_refusal(
            self.criteria, self.settings, self.values(applicant, need)
        )

    def _placing(self, applicant: Profile, need: Opening, *, within: bool = True) -> Message | None:
        if (applicant.id, need.id) in self.forbidden:
            return message("the criteria forbid this pair")
        if applicant.id in self.pinned:
            return message(
                "the criteria already pin the teacher to need {id}", id=self.pinned[applicant.id]
            )
        if applicant.school.id == need.school.id:
            return message("the need is at the teacher's own school")
        return (
            self._application_refusal(applicant, need)
            or self._busy(applicant, need)
            or (self._elsewhere(applicant, need) if within else None)
            or self._full(applicant, need)
        )

    def _application_refusal(self, applicant: Profile, need: Opening) -> Message | None:
        applications = self.applied[applicant.id]
        fitting = [a for a in applications if not a.programme or a.programme == need.need.programme]
        if not fitting:
            return message("the teacher applied to another programme")
        if not any(_available(a, need.need) for a in fitting):
            return message("the need's dates fall outside the teacher's availability")
        return None

    def _busy(self, applicant: Profile, need: Opening) -> Message | None:
        for s in self.away.get(applicant.id, ()):
            if overlaps((s.starts_on, s.ends_on), [(need.need.starts_on, need.need.ends_on)]):
                return message(
                    "the teacher is already seconded from {starts_on} to {ends_on}",
                    starts_on=s.starts_on,
                    ends_on=s.ends_on,
                )
        return None

    def _elsewhere(self, applicant: Profile, need: Opening) -> Message | None:
        level = self.settings.within
        if level is None or applicant.place.within(level) == need.place.within(level):
            return None
        if level == "county":
            return message("the host school is in another county")
        if level == "prefecture":
            return message("the host school is in another prefecture")
        return message("the host school is in another province")

    def _full(self, applicant: Profile, need: Opening) -> Message | None:
        if not self.left[self.need_index[need.id]]:
            return message("the need has no place left")
        group = self.group_index.get(applicant.school.id)
        if group is not None and not self.senders[group].left:
            return at_home(self.senders[group])
        return None

    def problem(self) -> engine.Problem:
        """Every admissible pair and its score; applicants and needs in id order, each
        applicant in its school's group when the school keeps teachers at home."""
        groups: dict[tuple[str | None, ...], list[int]] = defaultdict(list)
        for j, need in enumerate(self.needs):
            if self.left[j]:
                groups[self._key(need.place)].append(j)
        return engine.Problem(
            capacity=tuple(self.left),
            edges=tuple(
                self._edges(a, groups.get(self._key(a.place), ())) for a in self.applicants
            ),
            group=tuple(self.group_index.get(a.school.id, -1) for a in self.applicants),
            group_capacity=tuple(s.left for s in self.senders),
        )

    def _key(self, place: Place) -> tuple[str | None, ...]:
        level = self.settings.within
        return () if level is None else place.within(level)

    def _edges(self, applicant: Profile, candidates: Sequence[int]) -> dict[int, int]:
        """The applicant's admissible pairs among the needs with places left in its region
        (as ``within`` asks)."""
        hard = self.settings.must or self.settings.must_not
        found = {}
        for j in candidates:
            need = self.needs[j]
            if self._placing(applicant, need, within=False) is not None:  # grouped by within
                continue
            values = self.values(applicant, need)
            if not hard or criteria_refusal(self.criteria, self.settings, values) is None:
                found[j] = self.points(values)
        return found


def _available(application: Application, need: Need) -> bool:
    """Whether the need's period lies within the application's availability."""
    first = application.available_from or dt.date.min
    last = application.available_until or dt.date.max
    return first <= need.starts_on and need.ends_on <= last


def not_applicant(teacher_id: int, year: int) -> Message:
    """Why a teacher takes no part in the year's plan."""
    return message(
        "teacher {id} has no application for {year} in this plan (none, another "
        "programme, or already placed)",
        id=teacher_id,
        year=year,
    )


def at_home(sender: Sender) -> Message:
    """Why a school sends no more: the teachers it keeps at home."""
    if sender.pinned:
        return message(
            "{school} keeps {keep} of its {staff} teachers at home, {away} are away already "
            "and {pinned} are pinned",
            school=sender.school.name,
            keep=sender.school.keep_at_home,
            staff=sender.staff,
            away=sender.away,
            pinned=sender.pinned,
        )
    return message(
        "{school} keeps {keep} of its {staff} teachers at home and {away} are away already",
        school=sender.school.name,
        keep=sender.school.keep_at_home,
        staff=sender.staff,
        away=sender.away,
    )
