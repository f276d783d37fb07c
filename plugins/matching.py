"""The built-in matching criteria (see docs/matching.md; plugins add theirs the same way,
through ``register_match_criteria``).

Each gives a candidate pair a value from 0 to 1; its ``weight`` is the default
the criteria file may change (negative: a pair that has it is avoided).
Language and gender preference are not built in: a teacher record does not hold
them (docs/matching.md shows a plugin that adds a criterion from its own data).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from exchange import hookimpl
from exchange.enums import Role, Stage

if TYPE_CHECKING:  # imported when the criteria are registered: off every start-up
    from exchange.matching.criteria import MatchCriterion, Profile
    from exchange.registry import Registry

STANDING = {Role.FAMOUS: 1.0, Role.BACKBONE: 0.6, Role.RESEARCHER: 0.6, Role.SEED: 0.3}
"""What a mentor's roles are worth: the highest of them counts (名师 1, 骨干教师 0.6 …)."""
_NINE_YEAR = frozenset({Stage.PRIMARY, Stage.JUNIOR})


def subject(mentor: Profile, mentee: Profile) -> float:
    """1 when mentor and mentee teach a subject in common."""
    return 1.0 if mentor.subjects & mentee.subjects else 0.0


def stage(mentor: Profile, mentee: Profile) -> float:
    """1 for schools of one stage; 0.5 between a nine-year school and a primary or junior
    one; 0 where either works at an organisation without a stage (a bureau)."""
    if mentor.stage is None or mentee.stage is None:
        return 0.0
    if mentor.stage is mentee.stage:
        return 1.0
    stages = {mentor.stage, mentee.stage}
    return 0.5 if Stage.NINE_YEAR in stages and stages & _NINE_YEAR else 0.0


def standing(mentor: Profile, mentee: Profile) -> float:
    """The mentor's highest role: 名师 1, 骨干教师 or 教研员 0.6, 种子教师 0.3, else 0."""
    return max([STANDING.get(role, 0.0) for role in mentor.roles], default=0.0)


def nearby(mentor: Profile, mentee: Profile) -> float:
    """1 in one county, 2/3 in one prefecture, 1/3 in one province, else 0."""
    for level, value in (("county", 1.0), ("prefecture", 2 / 3), ("province", 1 / 3)):
        if mentor.place.same(mentee.place, level):
            return value
    return 0.0


def previous(mentor: Profile, mentee: Profile) -> float:
    """1 when this mentor has mentored this mentee before (in any programme)."""
    return 1.0 if mentor.id in mentee.mentors_before else 0.0


def builtin_criteria() -> tuple[MatchCriterion, ...]:
    """The built-in criteria, each with its default weight."""
    from exchange.matching.criteria import MatchCriterion

    return (
        MatchCriterion(name="subject", score=subject, weight=3.0, label="subject fit",
                       description="mentor and mentee teach a subject in common"),
        MatchCriterion(name="stage", score=stage, weight=2.0, label="stage fit",
                       description="their schools are of one stage"),
        MatchCriterion(name="standing", score=standing, weight=1.0, label="mentor standing",
                       description="名师 1, 骨干教师 or 教研员 0.6, 种子教师 0.3"),
        MatchCriterion(name="nearby", score=nearby, weight=1.0, label="nearby",
                       description="one county (1), prefecture (2/3) or province (1/3)"),
        MatchCriterion(name="previous", score=previous, weight=-2.0, label="paired before",
                       description="the mentor has mentored the mentee before: avoided"),
    )  # fmt: skip


@hookimpl(trylast=True)
def register_match_criteria(registry: Registry[MatchCriterion]) -> None:
    """The built-in matching criteria."""
    for spec in builtin_criteria():
        registry.add(spec)
