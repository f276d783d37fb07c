"""What matching criteria see and how a plugin adds one (``register_match_criteria``
for mentor plans, ``register_placement_criteria`` for placement plans).

A :class:`MatchCriterion` gives every candidate pair a value from 0 to 1
(``score(mentor, mentee)``, both :class:`Profile`\\ s); the plan weighs the
values (the criterion's default ``weight``, or the one the criteria file gives,
negative to avoid) and sums them into the pair's total. The same criterion is a
hard constraint when the criteria file lists it under ``must`` (the value must
be above 0) or ``must_not`` (the value must be 0).
"""

from __future__ import annotations

from collections.abc import Callable

import attrs

from ..enums import Role, Stage
from ..models import Need, School, Teacher
from ..regions import LEVELS, Gazetteer


@attrs.frozen(cache_hash=True)  # a key of the nearness cache, a million times a plan
class Place:
    """A school's region at each level, completed from the store's other names
    (:mod:`exchange.regions`): 广东省 / 惠州市 / 惠阳区; a level not known is ``None``.
    A name that does not read as administrative levels stands at every level, so it
    is the same place only as itself."""

    province: str | None
    prefecture: str | None
    county: str | None

    @classmethod
    def of(cls, gazetteer: Gazetteer, region: str) -> Place:
        """The place of ``region``, completed upward by ``gazetteer``."""
        levels = gazetteer.levels(region)
        if levels is None:
            name = " ".join(region.split())
            return cls(name, name, name)
        return cls(*levels)

    def within(self, level: str) -> tuple[str | None, ...]:
        """The levels down to ``level`` (``province``, ``prefecture`` or ``county``)."""
        parts = (self.province, self.prefecture, self.county)
        return parts[: LEVELS.index(level) + 1]

    def same(self, other: Place, level: str) -> bool:
        """Whether both lie in one region at ``level`` (which both must name)."""
        if self.province != other.province:
            return False
        if level == "province":
            return self.province is not None
        if self.prefecture != other.prefecture:
            return False
        if level == "prefecture":
            return self.prefecture is not None
        return self.county is not None and self.county == other.county


@attrs.frozen
class Profile:
    """A teacher as the criteria see them: the record, the home school and its place,
    and who mentored them before."""

    teacher: Teacher
    school: School
    place: Place
    mentors_before: frozenset[int] = frozenset()
    """Ids of the teachers who mentored this one in any pair, in any programme, ended or not."""

    id: int = attrs.field(init=False)
    """The teacher's id."""
    subjects: frozenset[str] = attrs.field(init=False)
    """The teacher's subjects."""
    roles: frozenset[Role] = attrs.field(init=False)
    """The teacher's roles (骨干教师, 名师 …)."""
    stage: Stage | None = attrs.field(init=False)
    """The home school's stage (``None`` at a bureau or another organisation)."""

    @id.default
    def _id(self) -> int:
        return self.teacher.id or 0

    @subjects.default
    def _subjects(self) -> frozenset[str]:
        return frozenset(self.teacher.subjects)

    @roles.default
    def _roles(self) -> frozenset[Role]:
        return frozenset(self.teacher.roles)

    @stage.default
    def _stage(self) -> Stage | None:
        return self.school.stage


@attrs.frozen(kw_only=True)
class Weighed:
    """What every criterion spec has besides its ``score``."""

    name: str
    weight: float = 1.0
    """Points a value of 1 earns when the criteria file gives no weight (negative: avoid)."""
    label: str = ""
    """A heading for the plan's column (English; translated through the catalogue)."""
    description: str = ""

    @property
    def heading(self) -> str:
        """The column heading: the label, or the name."""
        return self.label or self.name


@attrs.frozen(kw_only=True)
class MatchCriterion(Weighed):
    """A named matching criterion; register it with ``register_match_criteria``."""

    score: Callable[[Profile, Profile], float]
    """``score(mentor, mentee)``: from 0 (no fit) to 1 (the best fit)."""


@attrs.frozen
class Opening:
    """A host school's need as placement criteria see it: the record, the host school
    and its place, the schools paired with it and the teachers who served there."""

    need: Need
    school: School
    place: Place
    partners: frozenset[int] = frozenset()
    """Ids of the schools in a pairing with the host in force on the need's first day."""
    served: frozenset[int] = frozenset()
    """Ids of the plan's applicants seconded to the host before (any secondment not
    cancelled, other than one filling this need)."""

    id: int = attrs.field(init=False)
    """The need's id."""
    subject: str = attrs.field(init=False)
    """The subject asked for; empty when any will do."""
    stage: Stage | None = attrs.field(init=False)
    """The stage to teach at: the need's, or the host school's."""

    @id.default
    def _id(self) -> int:
        return self.need.id or 0

    @subject.default
    def _subject(self) -> str:
        return self.need.subject

    @stage.default
    def _stage(self) -> Stage | None:
        return self.need.stage or self.school.stage


@attrs.frozen(kw_only=True)
class PlacementCriterion(Weighed):
    """A named placement criterion; register it with ``register_placement_criteria``."""

    score: Callable[[Opening, Profile], float]
    """``score(need, applicant)``: from 0 (no fit) to 1 (the best fit); the applicant's
    ``subjects`` are the ones their applications offer (or all of theirs)."""
