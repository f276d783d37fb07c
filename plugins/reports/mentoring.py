"""The ``mentoring`` report: mentor pairs, mentor loads and the cascade (百千万).

Levels come from :mod:`exchange.cascade` over a programme's pairs (or all
pairs): level 0 is a mentor nobody mentors, a first-level mentor of the
百千万 cascade. A mentor's *reach* is everyone below them through the
cascade; their *load* the pairs they carry that count against capacity.
Minutes are the confirmed minutes of each pair's meetings.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from exchange import Meeting, Mentorship, Programme, School, Teacher, Tracker
from exchange.cascade import COUNTING, Cascade
from exchange.errors import NotFound
from exchange.i18n import message
from exchange.lookups import lookup
from exchange.query import ne, total
from exchange.report import Column, Report, Table

from .scope import Scope, resolve


def mentoring(
    tracker: Tracker,
    *,
    programme: str | None = None,
    year: int | None = None,
    since: dt.date | str | None = None,
    until: dt.date | str | None = None,
    region: str | None = None,
    school: int | str | None = None,
) -> Report:
    """Cascade levels against the programme's targets, each mentor's load and
    reach, and the pairs meeting the period with their confirmed minutes."""
    scope = resolve(tracker, year=year, since=since, until=until, region=region, school=school)
    name, targets = _programme(tracker, programme)
    cascade = tracker.cascade(programme=name)
    pairs, teachers = _kept_pairs(tracker, scope, name)
    schools = lookup(tracker, School, (t.school_id for t in teachers.values()))
    minutes = _minutes(tracker)
    tables = [
        _levels(cascade.counts(), targets),
        _mentors(pairs, teachers, schools, cascade),
        _pairs(pairs, teachers, minutes),
    ]
    parameters = {**scope.parameters, **({"programme": programme} if programme else {})}
    return Report(title="mentoring", parameters=parameters, tables=tables)


def _programme(tracker: Tracker, programme: str | None) -> tuple[str | None, tuple[int, ...]]:
    """The programme's name, stripped, and its level targets (none when only pairs name
    it, not a defined programme); neither without a programme."""
    if programme is None:
        return None, ()
    name = programme.strip()
    found = next(iter(tracker.find(Programme, name=name)), None)
    if found is None and not tracker.count(Mentorship, programme=name):
        raise NotFound(message("no programme named {programme!r}", programme=name))
    return name, (found.targets if found is not None else ())


def _kept_pairs(
    tracker: Tracker, scope: Scope, programme: str | None
) -> tuple[list[Mentorship], dict[int, Teacher]]:
    """The pairs (of ``programme`` if given) meeting the period whose mentor's school is
    in scope, by start date; and the teachers of every pair meeting the period."""
    filters: dict[str, Any] = {} if programme is None else {"programme": programme}
    pairs = [
        p
        for p in tracker.find(Mentorship, include_archived=True, order_by=["starts_on"], **filters)
        if _meets(p, scope.since, scope.until)
    ]
    teachers = lookup(tracker, Teacher, [i for p in pairs for i in (p.mentor_id, p.mentee_id)])
    return [p for p in pairs if scope.touches([teachers[p.mentor_id].school_id])], teachers


def _minutes(tracker: Tracker) -> dict[int, int]:
    """The confirmed minutes of each pair's meetings, summed by the backend."""
    return {
        row["mentorship_id"]: row["minutes"]
        for row in tracker.aggregate(
            Meeting,
            group_by=["mentorship_id"],
            measures={"minutes": total("minutes")},
            confirmed_by=ne(None),
        )
    }


def _levels(counts: list[int], targets: tuple[int, ...]) -> Table:
    """Per level of the cascade: its teachers, its target and whether that is met."""
    depths = range(max(len(counts), len(targets)))
    return Table(
        name="levels",
        title="cascade levels",
        columns=[
            Column(key="level", label="level", type="int"),
            Column(key="teachers", label="teachers", type="int"),
            Column(key="target", label="target", type="int"),
            Column(key="met", label="target met"),
        ],
        rows=[_level_row(depth, counts, targets) for depth in depths],
    )


def _level_row(depth: int, counts: list[int], targets: tuple[int, ...]) -> list[Any]:
    """One level's row: no teachers past the deepest, no target (nor met) past the last."""
    teachers = counts[depth] if depth < len(counts) else 0
    if depth >= len(targets):
        return [depth, teachers, None, None]
    return [depth, teachers, targets[depth], teachers >= targets[depth]]


def _mentors(
    pairs: list[Mentorship],
    teachers: dict[int, Teacher],
    schools: dict[int, School],
    cascade: Cascade,
) -> Table:
    """Each mentor of ``pairs``, by level then name: school, level, load and reach."""
    load = Counter(p.mentor_id for p in pairs if p.status in COUNTING)
    mentors = sorted(
        {p.mentor_id for p in pairs}, key=lambda i: (cascade.level.get(i, 0), teachers[i].name)
    )
    return Table(
        name="mentors",
        columns=[
            Column(key="mentor", label="mentor"),
            Column(key="school", label="school"),
            Column(key="level", label="level", type="int"),
            Column(key="load", label="active pairs", type="int"),
            Column(key="reach", label="teachers reached", type="int"),
        ],
        rows=[
            [
                teachers[m].name,
                schools[teachers[m].school_id].name,
                cascade.level.get(m),
                load[m],
                len(cascade.reach(m)),
            ]
            for m in mentors
        ],
    )


def _pairs(pairs: list[Mentorship], teachers: dict[int, Teacher], minutes: dict[int, int]) -> Table:
    """The pairs with their period, status and confirmed minutes."""
    return Table(
        name="pairs",
        title="mentor pairs",
        columns=[
            Column(key="mentor", label="mentor"),
            Column(key="mentee", label="mentee"),
            Column(key="programme", label="programme"),
            Column(key="starts_on", label="starts", type="date"),
            Column(key="ends_on", label="ends", type="date"),
            Column(key="status", label="status"),
            Column(key="minutes", label="confirmed minutes", type="int"),
        ],
        rows=[
            [
                teachers[p.mentor_id].name,
                teachers[p.mentee_id].name,
                p.programme,
                p.starts_on,
                p.ends_on,
                p.status,
                minutes.get(p.id or 0, 0),
            ]
            for p in pairs
        ],
    )


def _meets(pair: Mentorship, since: dt.date | None, until: dt.date | None) -> bool:
    """Whether the pair's period shares a day with ``since..until``."""
    if until is not None and pair.starts_on > until:
        return False
    return since is None or pair.ends_on is None or pair.ends_on >= since
