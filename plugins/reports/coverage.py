"""The ``coverage`` report: which schools of a region have a pairing (结对全覆盖).

A school is covered when it is either side of a pairing in force during the
period: signed on or before its end (or ``as_of``, today) and not ended before
its start. Schools are counted by stage; the uncovered ones are listed.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal
from typing import Any

from exchange import Pairing, School, Tracker
from exchange.enums import Stage
from exchange.query import count, le
from exchange.report import Column, Report, Table

from .scope import resolve


def coverage(
    tracker: Tracker,
    *,
    region: str,
    year: int | None = None,
    since: dt.date | str | None = None,
    until: dt.date | str | None = None,
    partnership: int | str | None = None,
    as_of: dt.date | None = None,
) -> Report:
    """Schools of ``region`` by stage, with and without a pairing, and the share covered."""
    scope = resolve(
        tracker, year=year, since=since, until=until, region=region, partnership=partnership
    )
    end = scope.until or as_of or dt.date.today()
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
    schools = sorted(
        (s for s in tracker.find(School, region=region) if s.id in scope.region_school_ids),
        key=lambda s: (list(Stage).index(s.stage), s.name),
    )
    total: Counter[Any] = Counter(s.stage for s in schools)
    covered: Counter[Any] = Counter(s.stage for s in schools if s.id in paired)
    rows = [
        [stage, n, covered[stage], n - covered[stage], _share(covered[stage], n)]
        for stage, n in total.items()
    ]
    all_schools, all_covered = sum(total.values()), sum(covered.values())
    stages = Table(
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
        totals=[
            "",
            all_schools,
            all_covered,
            all_schools - all_covered,
            _share(all_covered, all_schools),
        ]
        if rows
        else None,
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
    return Report(title="coverage", parameters=scope.parameters, tables=[stages, uncovered])


def _share(part: int, whole: int) -> Decimal | None:
    """``part`` of ``whole`` as a percentage with one decimal, or None of nothing."""
    if whole == 0:
        return None
    return (Decimal(100 * part) / whole).quantize(Decimal("0.1"))
