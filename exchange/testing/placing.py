"""Generated provinces for placement tests and benchmarks: schools in prefectures and
counties, some keeping teachers at home, teachers who applied for 2026, host schools'
needs of 1 to 5 places in the spring or autumn term, and a few pairings.

:func:`province` gives the records without ids, to store in order into an empty
store (:func:`store`: ids then follow the list order); :func:`inputs` gives them
with those ids at once, without a store, for benchmarks.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import attrs

from ..enums import Role
from ..matching.inputs import PlacementInputs
from ..models import Application, Need, Pairing, School, Teacher
from .provinces import PROVINCE, STAGES, SUBJECTS

YEAR = 2026
TERMS = ((dt.date(2026, 2, 23), dt.date(2026, 7, 10)), (dt.date(2026, 9, 1), dt.date(2027, 1, 15)))
"""The spring and the autumn term of :data:`YEAR`."""


@attrs.frozen
class PlacementProvince:
    """Records in store order; links name records by their position + 1."""

    schools: list[School]
    teachers: list[Teacher]
    pairings: list[Pairing]
    needs: list[Need]
    applications: list[Application]


def province(
    seed: int,
    *,
    applicants: int,
    needs: int,
    prefectures: int = 4,
    counties: int = 3,
    staff: int = 2,
) -> PlacementProvince:
    """``applicants`` applicants and ``staff`` other teachers per school on average, at
    schools of each stage in ``prefectures`` × ``counties`` counties; ``needs`` needs at
    random schools; about half the schools keep from a half to all but one of their
    teachers at home."""
    rng = random.Random(seed)
    places = [(p, c) for p in range(1, prefectures + 1) for c in range(1, counties + 1)]
    count = len(places) * len(STAGES)
    teachers = [_teacher(rng, f"申请人{i}", count) for i in range(applicants)]
    teachers += [_teacher(rng, f"教师{i}", count) for i in range(staff * count)]
    on_record = [0] * (count + 1)
    for teacher in teachers:
        on_record[teacher.school_id] += 1
    schools = [
        School(
            name=f"第{p}市{c}县{s.zh}",
            region=f"{PROVINCE}第{p}市第{c}县",
            stage=s,
            keep_at_home=_keep(rng, on_record[i]),
        )
        for i, ((p, c), s) in enumerate(((pc, s) for pc in places for s in STAGES), 1)
    ]
    return PlacementProvince(
        schools,
        teachers,
        _pairings(rng, count),
        [_need(rng, count) for _ in range(needs)],
        [_application(rng, i) for i in range(1, applicants + 1)],
    )


def _teacher(rng: random.Random, name: str, schools: int) -> Teacher:
    roles = (rng.choice((Role.FAMOUS, Role.BACKBONE, Role.SEED)),) if rng.random() < 0.3 else ()
    subjects = tuple(rng.sample(SUBJECTS, rng.randint(1, 2)))
    return Teacher(name=name, school_id=rng.randint(1, schools), subjects=subjects, roles=roles)


def _keep(rng: random.Random, staff: int) -> int | None:
    if staff < 2 or rng.random() < 0.5:
        return None
    return rng.randint(staff // 2, staff - 1)


def _pairings(rng: random.Random, schools: int) -> list[Pairing]:
    """About one pairing per four schools, no two of the same schools."""
    pairs = {tuple(sorted(rng.sample(range(1, schools + 1), 2))) for _ in range(schools // 4)}
    return [
        Pairing(supporting_school_id=a, supported_school_id=b, signed_on=dt.date(2024, 3, 1))
        for a, b in sorted(pairs)
    ]


def _need(rng: random.Random, schools: int) -> Need:
    starts, ends = rng.choice(TERMS)
    return Need(
        host_school_id=rng.randint(1, schools),
        subject=rng.choice(SUBJECTS),
        places=rng.randint(1, 5),
        starts_on=starts,
        ends_on=ends,
    )


def _application(rng: random.Random, teacher_id: int) -> Application:
    """Most applicants can go any time in the year; some in one term only."""
    window = rng.choice((None, None, None, *TERMS))
    first, last = window if window is not None else (None, None)
    return Application(teacher_id=teacher_id, year=YEAR, available_from=first, available_until=last)


def store(tracker: Any, generated: PlacementProvince) -> None:
    """Store ``generated`` into an empty store, in one transaction."""
    with tracker.transaction():
        tracker.bulk_add(generated.schools)
        tracker.bulk_add(generated.teachers)
        for pairing in generated.pairings:
            tracker.add(pairing)
        tracker.bulk_add(generated.needs)
        tracker.bulk_add(generated.applications)


def inputs(generated: PlacementProvince) -> PlacementInputs:
    """``generated`` as a plan's inputs, with the ids a store would give, without a store."""

    def numbered(records: list[Any]) -> dict[int, Any]:
        return {i: attrs.evolve(r, id=i) for i, r in enumerate(records, 1)}

    return PlacementInputs(
        teachers=numbered(generated.teachers),
        schools=numbered(generated.schools),
        needs=tuple(numbered(generated.needs).values()),
        applications=tuple(numbered(generated.applications).values()),
        secondments=(),
        pairings=tuple(numbered(generated.pairings).values()),
    )
