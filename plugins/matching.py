"""The built-in matching criteria (see docs/matching.md; plugins add theirs the same way,
through ``register_match_criteria`` and ``register_placement_criteria``).

Each gives a candidate pair a value from 0 to 1; its ``weight`` is the default
the criteria file may change (negative: a pair that has it is avoided).
Language and gender preference are not built in: a teacher record does not hold
them (docs/matching.md says why, and shows a plugin that adds a criterion from its
own data).
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from exchange import hookimpl
from exchange.enums import Role, Stage

if TYPE_CHECKING:  # imported when the criteria are registered: off every start-up
    from exchange.matching.criteria import (
        MatchCriterion,
        Opening,
        Place,
        PlacementCriterion,
        Profile,
    )
    from exchange.registry import Registry

STANDING = {Role.FAMOUS: 1.0, Role.BACKBONE: 0.6, Role.RESEARCHER: 0.6, Role.SEED: 0.3}
"""What a mentor's roles are worth: the highest of them counts (名师 1, 骨干教师 0.6 …)."""
_NINE_YEAR = frozenset({Stage.PRIMARY, Stage.JUNIOR})


@functools.cache  # a few stages: one answer per pair of them
def _stage_fit(one: Stage | None, other: Stage | None) -> float:
    if one is None or other is None:
        return 0.0
    if one is other:
        return 1.0
    return 0.5 if Stage.NINE_YEAR in {one, other} and {one, other} & _NINE_YEAR else 0.0


@functools.cache  # a few sets of roles recur across a province's mentors
def _standing(roles: frozenset[Role]) -> float:
    return max([STANDING.get(role, 0.0) for role in roles], default=0.0)


@functools.lru_cache(maxsize=65_536)  # places recur: a province has a few hundred
def _nearness(one: Place, other: Place) -> float:
    for level, value in (("county", 1.0), ("prefecture", 2 / 3), ("province", 1 / 3)):
        if one.same(other, level):
            return value
    return 0.0


def subject(mentor: Profile, mentee: Profile) -> float:
    """1 when mentor and mentee teach a subject in common."""
    return 1.0 if mentor.subjects & mentee.subjects else 0.0


def stage(mentor: Profile, mentee: Profile) -> float:
    """1 for schools of one stage; 0.5 between a nine-year school and a primary or junior
    one; 0 where either works at an organisation without a stage (a bureau)."""
    return _stage_fit(mentor.stage, mentee.stage)


def standing(mentor: Profile, mentee: Profile) -> float:
    """The mentor's highest role: 名师 1, 骨干教师 or 教研员 0.6, 种子教师 0.3, else 0."""
    return _standing(mentor.roles)


def nearby(mentor: Profile, mentee: Profile) -> float:
    """1 in one county, 2/3 in one prefecture, 1/3 in one province, else 0."""
    return _nearness(mentor.place, mentee.place)


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


# -- placements: an applicant (a Profile) for a host school's need (an Opening) ---------


def need_subject(need: Opening, applicant: Profile) -> float:
    """1 when the applicant offers the subject the need asks for, or the need names none."""
    return 1.0 if not need.subject or need.subject in applicant.subjects else 0.0


def need_stage(need: Opening, applicant: Profile) -> float:
    """The stage fit of the applicant's school and the need (as for mentors)."""
    return _stage_fit(need.stage, applicant.stage)


def applicant_standing(need: Opening, applicant: Profile) -> float:
    """The applicant's highest role: 名师 1, 骨干教师 or 教研员 0.6, 种子教师 0.3, else 0."""
    return _standing(applicant.roles)


def need_nearby(need: Opening, applicant: Profile) -> float:
    """The host school and the applicant's: 1 in one county, 2/3 prefecture, 1/3 province."""
    return _nearness(need.place, applicant.place)


def paired(need: Opening, applicant: Profile) -> float:
    """1 when the applicant's school is paired (校校结对) with the host school."""
    return 1.0 if applicant.school.id in need.partners else 0.0


def served_before(need: Opening, applicant: Profile) -> float:
    """1 when the applicant was seconded to this host school before."""
    return 1.0 if applicant.id in need.served else 0.0


def builtin_placement_criteria() -> tuple[PlacementCriterion, ...]:
    """The built-in placement criteria, each with its default weight."""
    from exchange.matching.criteria import PlacementCriterion

    return (
        PlacementCriterion(name="subject", score=need_subject, weight=3.0, label="subject fit",
                           description="the applicant offers the subject the need asks for"),
        PlacementCriterion(name="stage", score=need_stage, weight=2.0, label="stage fit",
                           description="the applicant's school is of the need's stage"),
        PlacementCriterion(name="standing", score=applicant_standing, weight=1.0,
                           label="applicant standing",
                           description="名师 1, 骨干教师 or 教研员 0.6, 种子教师 0.3"),
        PlacementCriterion(name="nearby", score=need_nearby, weight=0.0, label="nearby",
                           description="one county (1), prefecture (2/3) or province (1/3)"),
        PlacementCriterion(name="paired", score=paired, weight=2.0, label="schools paired",
                           description="the two schools are signed into a pairing"),
        PlacementCriterion(name="previous", score=served_before, weight=-1.0,
                           label="served there before",
                           description="the applicant was seconded to this host before"),
    )  # fmt: skip


@hookimpl(trylast=True)
def register_placement_criteria(registry: Registry[PlacementCriterion]) -> None:
    """The built-in placement criteria."""
    for spec in builtin_placement_criteria():
        registry.add(spec)
