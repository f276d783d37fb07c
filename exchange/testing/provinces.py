"""Generated provinces for matching tests and benchmarks: schools in prefectures and
counties, mentors (名师, 骨干教师) with capacities from 1 to 5, and mentees.

A mentor's capacity comes the way it does in the records: the programme
``百千万`` allows :data:`MOST` mentees, and each mentor already has one active pair
in a programme ``青蓝工程N`` that allows ``N`` (2 … 6), so the smallest capacity
less the pair they have leaves 1 … 5 places. Those earlier mentees work at a
school of another province, outside the plan's mentee pool (:data:`SETTINGS`).

:func:`province` gives the records without ids, to store in order into an empty
store (:func:`store`: ids then follow the list order); :func:`inputs` gives them
with those ids at once, without a store, for benchmarks.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
from collections.abc import Mapping
from typing import Any

import attrs

from ..enums import Role, Stage
from ..matching.engine import Problem
from ..matching.inputs import Inputs
from ..models import Mentorship, Programme, Record, School, Teacher

PROGRAMME = "百千万"
MOST = 6
"""The capacity of :data:`PROGRAMME`."""
PROVINCE = "广东省"
ELSEWHERE = "贵州省黔西南州贞丰县"
"""Where the earlier mentees work: outside the plan."""
SETTINGS: dict[str, Any] = {"mentees": {"region": PROVINCE}, "mentors": {"region": PROVINCE}}
"""Criteria for a plan of the generated province (add ``within`` for sparse candidates)."""
SUBJECTS = ("语文", "数学", "英语", "物理", "化学", "心理健康")
STAGES = (Stage.PRIMARY, Stage.JUNIOR, Stage.SENIOR, Stage.NINE_YEAR)
DAY = dt.date(2025, 9, 1)


@attrs.frozen
class Province:
    """Records in store order; links name records by their position + 1."""

    schools: list[School]
    teachers: list[Teacher]
    programmes: list[Programme]
    pairs: list[Mentorship]


def province(
    seed: int, *, mentors: int, mentees: int, prefectures: int = 4, counties: int = 3
) -> Province:
    """A province of ``prefectures`` × ``counties`` counties with a school of each stage,
    ``mentors`` mentors and ``mentees`` mentees spread over them at random."""
    rng = random.Random(seed)
    schools = [
        School(name=f"第{p}市{c}县{s.zh}", region=f"{PROVINCE}第{p}市第{c}县", stage=s)
        for p in range(1, prefectures + 1)
        for c in range(1, counties + 1)
        for s in STAGES
    ]
    schools.append(School(name="贞丰县第五中学", region=ELSEWHERE, stage=Stage.JUNIOR))
    teachers = [_teacher(rng, f"导师{i}", len(schools) - 1, mentor=True) for i in range(mentors)]
    teachers += [_teacher(rng, f"教师{i}", len(schools) - 1, mentor=False) for i in range(mentees)]
    teachers += [
        Teacher(name=f"往届徒弟{i}", school_id=len(schools), subjects=("数学",))
        for i in range(mentors)
    ]
    programmes = [Programme(name=PROGRAMME, mentor_capacity=MOST)]
    programmes += [Programme(name=f"青蓝工程{n}", mentor_capacity=n) for n in range(2, MOST + 1)]
    pairs = [
        Mentorship(
            mentor_id=i + 1,
            mentee_id=mentors + mentees + i + 1,
            programme=f"青蓝工程{rng.randint(2, MOST)}",
            starts_on=DAY,
        )
        for i in range(mentors)
    ]
    return Province(schools, teachers, programmes, pairs)


def _teacher(rng: random.Random, name: str, schools: int, *, mentor: bool) -> Teacher:
    roles = (rng.choice((Role.FAMOUS, Role.BACKBONE)),) if mentor else ()
    subjects = tuple(rng.sample(SUBJECTS, rng.randint(1, 2)))
    return Teacher(name=name, school_id=rng.randint(1, schools), subjects=subjects, roles=roles)


def store(tracker: Any, generated: Province) -> None:
    """Store ``generated`` into an empty store, in one transaction."""
    with tracker.transaction():
        for records in (generated.schools, generated.teachers, generated.programmes):
            tracker.bulk_add(records)
        tracker.bulk_add(generated.pairs)


def inputs(generated: Province) -> Inputs:
    """``generated`` as a plan's inputs, with the ids a store would give, without a store."""

    def numbered(records: list[Any]) -> dict[int, Any]:
        return {i: attrs.evolve(r, id=i) for i, r in enumerate(records, 1)}

    programmes: dict[int, Programme] = numbered(generated.programmes)
    pairs: dict[int, Record] = numbered(generated.pairs)
    return Inputs(
        teachers=numbered(generated.teachers),
        schools=numbered(generated.schools),
        pairs=tuple(pairs.values()),  # type: ignore[arg-type]
        programmes={p.name: p for p in programmes.values()},
    )


def brute_force(problem: Problem, fixed: Mapping[int, int] | None = None) -> tuple[int, int]:
    """The best (pairs, total) over every assignment, by exhaustive search (each
    provider up to its capacity, each group of seekers up to its own); a seeker in
    ``fixed`` is placed with that provider and nowhere else (a pinned pair)."""
    pins = dict(fixed or {})

    @functools.cache
    def best(seeker: int, left: tuple[int, ...], sendable: tuple[int, ...]) -> tuple[int, int]:
        if seeker == problem.seekers:
            return 0, 0
        found = (-problem.seekers - 1, 0) if seeker in pins else best(seeker + 1, left, sendable)
        group = problem.group_of(seeker)
        if group >= 0 and sendable[group] <= 0:
            return found
        after = list(sendable)
        if group >= 0:
            after[group] -= 1
        for provider, score in problem.edges[seeker].items():
            if left[provider] and pins.get(seeker, provider) == provider:
                rest = list(left)
                rest[provider] -= 1
                pairs, total = best(seeker + 1, tuple(rest), tuple(after))
                found = max(found, (pairs + 1, total + score))
        return found

    return best(0, problem.capacity, problem.group_capacity)
