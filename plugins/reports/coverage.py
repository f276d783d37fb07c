"""The ``coverage`` report: which schools of a region have a pairing (结对全覆盖), and
whom its activities reached.

Only schools count here, not the region's bureaus, centres or offices. A school
is covered when it is either side of a pairing in force during the
period: signed on or before its end (or ``as_of``, today) and not ended before
its start. Schools are counted by stage; the uncovered ones are listed.

*Reach*: per kind of activity held in the period, how many activities the
region's teachers took part in (:class:`~exchange.models.Participation`), and
how many distinct teachers and schools of the region they reached: 广清's 优课解码
training reached 25 seed teachers (种子教师) of 25 schools. The totals row counts
each teacher and school once across kinds. A programme filter keeps its
activities only (the pairings count whatever the programme).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from exchange import Activity, Pairing, Participation, School, Teacher, Tracker
from exchange.enums import ActivityKind, Stage
from exchange.lookups import batches, lookup
from exchange.query import count, le, one_of
from exchange.report import Column, Report, Table

from .scope import Scope, resolve


def coverage(
    tracker: Tracker,
    *,
    region: str,
    year: int | None = None,
    since: dt.date | str | None = None,
    until: dt.date | str | None = None,
    partnership: int | str | None = None,
    programme: str | None = None,
    as_of: dt.date | None = None,
) -> Report:
    """Schools of ``region`` by stage, with and without a pairing, and the share covered."""
    scope = resolve(
        tracker,
        year=year,
        since=since,
        until=until,
        region=region,
        partnership=partnership,
        programme=programme,
    )
    paired = _paired(tracker, scope, scope.until or as_of or dt.date.today())
    schools = sorted(
        (s for s in lookup(tracker, School, scope.region_school_ids).values() if s.is_school),
        key=lambda s: (list(Stage).index(s.stage or Stage.KINDERGARTEN), s.name),
    )
    uncovered = Table(
        name="uncovered",
        title="schools without a pairing",
        columns=[
            Column(key="school", label="school"),
            Column(key="stage", label="stage"),
            Column(key="rural", label="rural"),
        ],
        rows=[[s.name, s.stage, s.rural] for s in schools if s.id not in paired],
    )
    tables = [_stages(schools, paired), uncovered, _reach(tracker, scope)]
    return Report(title="coverage", parameters=scope.parameters, tables=tables)


def _paired(tracker: Tracker, scope: Scope, end: dt.date) -> set[int]:
    """The schools on either side of a pairing in force during the period (signed by
    ``end``, not ended before it starts), of the chosen partnership if any."""
    groups = tracker.aggregate(
        Pairing,
        group_by=["supporting_school_id", "supported_school_id", "ended_on"],
        measures={"n": count()},
        include_archived=True,
        signed_on=le(end),
        **({} if scope.partnership is None else {"partnership_id": scope.partnership.id}),
    )
    paired: set[int] = set()
    for group in groups:
        ended = group["ended_on"]
        if ended is None or scope.since is None or ended >= scope.since:
            paired.update((group["supporting_school_id"], group["supported_school_id"]))
    return paired


def _stages(schools: list[School], paired: set[int]) -> Table:
    """Per stage: the schools, how many are paired and not, and the share covered."""
    total: Counter[Any] = Counter(s.stage for s in schools)
    covered: Counter[Any] = Counter(s.stage for s in schools if s.id in paired)
    rows = [
        [stage, n, covered[stage], n - covered[stage], _share(covered[stage], n)]
        for stage, n in total.items()
    ]
    everyone, reached = sum(total.values()), sum(covered.values())
    return Table(
        name="stages",
        title="schools by stage",
        columns=[
            Column(key="stage", label="stage"),
            Column(key="schools", label="schools", type="int"),
            Column(key="paired", label="paired", type="int"),
            Column(key="unpaired", label="not paired", type="int"),
            Column(key="share", label="share covered", type="percent"),
        ],
        rows=rows,
        totals=["", everyone, reached, everyone - reached, _share(reached, everyone)]
        if rows
        else None,
    )


def _reach(tracker: Tracker, scope: Scope) -> Table:
    """Activities, teachers and schools reached per activity kind (module docstring)."""
    homes = {
        t.id: t.school_id
        for batch in batches(scope.region_school_ids)
        for t in tracker.find(Teacher, school_id=one_of(*batch))
    }
    taken: dict[int, set[int]] = defaultdict(set)
    for batch in batches(homes):
        for part in tracker.find(Participation, teacher_id=one_of(*batch)):
            taken[part.activity_id].add(part.teacher_id)
    reached: dict[Any, list[set[int]]] = defaultdict(lambda: [set(), set(), set()])
    for activity in _held(tracker, scope, taken):
        people = taken[activity.id or 0]
        activities, teachers, schools = reached[activity.kind]
        activities.add(activity.id or 0)
        teachers |= people
        schools |= {homes[t] for t in people}
    every: list[set[int]] = [set().union(*each) for each in zip(*reached.values(), strict=True)]
    return Table(
        name="reach",
        title="activities and whom they reached",
        columns=[
            Column(key="kind", label="kind"),
            Column(key="activities", label="activities", type="int"),
            Column(key="teachers", label="teachers reached", type="int"),
            Column(key="schools", label="schools reached", type="int"),
        ],
        rows=[[kind, *map(len, sets)] for kind, sets in sorted(reached.items(), key=_kind_order)],
        totals=["", *map(len, every)] if reached else None,
    )


def _held(tracker: Tracker, scope: Scope, taken: dict[int, set[int]]) -> Iterator[Activity]:
    """The activities of ``taken`` held in the period and kept by the partnership filter."""
    activities = lookup(tracker, Activity, taken)
    pairings = lookup(tracker, Pairing, (a.pairing_id for a in activities.values()))
    for activity in activities.values():
        pairing = pairings.get(activity.pairing_id or 0)
        owner = activity.partnership_id or (pairing.partnership_id if pairing else None)
        ours = scope.partnership is None or owner == scope.partnership.id
        if scope.programme is not None and activity.programme != scope.programme:
            ours = False
        if ours and scope.in_period(activity.held_on):
            yield activity


def _kind_order(item: tuple[Any, Any]) -> int:
    return list(ActivityKind).index(item[0])


def _share(part: int, whole: int) -> Decimal | None:
    """``part`` of ``whole`` as a percentage with one decimal, an exact half rounded up
    as the quota shares are (1 of 16 is 6.25 %, shown 6.3), or None of nothing."""
    if whole == 0:
        return None
    return (Decimal(100 * part) / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
