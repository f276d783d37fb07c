"""What matching criteria see and how a plugin adds one (``register_match_criteria``).

A :class:`MatchCriterion` gives every candidate pair a value from 0 to 1
(``score(mentor, mentee)``, both :class:`Profile`\\ s); the plan weighs the
values (the criterion's default ``weight``, or the one the criteria file gives,
negative to avoid) and sums them into the pair's total. The same criterion is a
hard constraint when the criteria file lists it under ``must`` (the value must
be above 0) or ``must_not`` (the value must be 0).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import attrs

from ..enums import Role, Stage
from ..models import School, Teacher


@attrs.frozen
class Place:
    """A region split into its levels: 广东省 / 惠州市 / 惠阳区; a level the name does not
    give is ``None``."""

    province: str | None
    prefecture: str | None
    county: str | None

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


LEVELS = ("province", "prefecture", "county")
"""The levels of a region, from the top."""

_PROVINCE = re.compile(r"^(?:.+?(?:特别行政区|自治区|省)|北京市|天津市|上海市|重庆市)")
_PREFECTURE = ("市", "州", "盟", "地区")
"""Endings of a prefecture's name, tried in this order (惠州市: 市 before 州)."""


def place(region: str) -> Place:
    """``广东省惠州市惠阳区`` → Place(广东省, 惠州市, 惠阳区)."""
    text = region.strip()
    found = _PROVINCE.match(text)
    province = found.group(0) if found else None
    rest = text[len(province or "") :]
    prefecture = None
    for ending in _PREFECTURE:
        at = rest.find(ending, 1)
        if at > 0:
            prefecture = rest[: at + len(ending)]
            break
    county = rest[len(prefecture or "") :] or None
    return Place(province, prefecture, county)


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
    stage: Stage = attrs.field(init=False)
    """The home school's stage."""

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
    def _stage(self) -> Stage:
        return self.school.stage


@attrs.frozen(kw_only=True)
class MatchCriterion:
    """A named matching criterion; register it with ``register_match_criteria``."""

    name: str
    score: Callable[[Profile, Profile], float]
    """``score(mentor, mentee)``: from 0 (no fit) to 1 (the best fit)."""
    weight: float = 1.0
    """Points a value of 1 earns when the criteria file gives no weight (negative: avoid)."""
    label: str = ""
    """A heading for the plan's column (English; translated through the catalogue)."""
    description: str = ""

    @property
    def heading(self) -> str:
        """The column heading: the label, or the name."""
        return self.label or self.name
