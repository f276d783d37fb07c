"""The ``summary`` report: the figures the programmes quote, per partnership and year.

Activities are counted by the backend in one grouped query (by partnership,
pairing, school, year and kind); pairings likewise. Secondments are streamed
and counted by :mod:`.moves`, because the days a teacher served follow the
lifecycle rules of :mod:`exchange.timeline` (early returns, statuses), which
live in the core and nowhere else; ``by`` chooses their breakdown (kind by
default, or role, subject, stage, province, prefecture, county).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from exchange import Activity, Pairing, Partnership, Tracker
from exchange.enums import ActivityKind
from exchange.i18n import Phrase
from exchange.query import count, total
from exchange.report import Chart, Column, Report, Table

from .moves import SHARED, count_moves
from .scope import Scope, resolve, schools_of

NO_PARTNERSHIP = Phrase("no partnership")
MEASURES = {
    "activities": count(),
    "lessons": total("lessons"),
    "attendees": total("attendees"),
    "students": total("students"),
}
MOVE_MEASURES = [
    Column(key="sent", label="teachers sent", type="int"),
    Column(key="received", label="teachers received", type="int"),
    Column(key="teacher_days", label="teacher-days served", type="int"),
]
ACTIVITY_MEASURES = [
    Column(key="activities", label="activities", type="int"),
    Column(key="lessons", label="lessons", type="int"),
    Column(key="attendees", label="attendees (person-times)", type="int"),
    Column(key="students", label="students", type="int"),
]
CHART = Chart(
    title="activities by kind and year",
    kind="bar",
    table="activity_kinds",
    x="year",
    y=("activities",),
    series="kind",
)
Key = tuple[int | None, int]
"""(partnership id, year)"""


def summary(
    tracker: Tracker,
    *,
    year: int | None = None,
    since: dt.date | str | None = None,
    until: dt.date | str | None = None,
    region: str | None = None,
    partnership: int | str | None = None,
    school: int | str | None = None,
    programme: str | None = None,
    by: str = "kind",
    as_of: dt.date | None = None,
) -> Report:
    """Pairings signed, teachers sent and received, teacher-days, activities,
    lessons, person-times and students, per partnership and year; secondments
    broken down ``by`` kind, role, subject, stage or a region level."""
    scope = resolve(
        tracker,
        year=year,
        since=since,
        until=until,
        region=region,
        partnership=partnership,
        school=school,
        programme=programme,
    )
    pairings = {p.id: p for p in tracker.find(Pairing, include_archived=True)}
    names = {p.id: p.name for p in tracker.find(Partnership, include_archived=True)}

    def name(partnership_id: int | None) -> str:
        return names[partnership_id] if partnership_id is not None else NO_PARTNERSHIP

    activities = _activities(tracker, scope, pairings)
    moves = count_moves(tracker, scope, as_of or dt.date.today(), by)
    overview = _overview_rows(_pairings(tracker, scope), moves.overall, activities, names)
    tables = [
        _overview(overview),
        _broken_down(by, moves.by, name),
        _by_kind(
            "activities",
            "activities by kind",
            "kind",
            ACTIVITY_MEASURES,
            {k: [v[m] for m in MEASURES] for k, v in activities.items()},
            name,
        ),
        _kinds_by_year(activities),
    ]
    parameters = {**scope.parameters, **({} if by == "kind" else {"by": by})}
    return Report(title="summary", parameters=parameters, tables=tables, charts=[CHART])


def _overview_rows(
    signed: dict[Key, int],
    moves: dict[Key, list[int]],
    activities: dict[Any, dict[str, int]],
    names: dict[int | None, str],
) -> list[list[Any]]:
    """One row per partnership and year: its name, the year, pairings signed, the
    secondment figures and the activity figures, partnerships by name (none last)."""
    keys = sorted(
        {*signed, *(k[:2] for k in activities), *moves},
        key=lambda k: (k[0] is None, names.get(k[0], ""), k[0] or 0, k[1]),
    )
    return [
        [names[key[0]] if key[0] is not None else NO_PARTNERSHIP, key[1],
         signed.get(key, 0), *moves.get(key, [0, 0, 0]),
         *_activity_figures({k[2]: v for k, v in activities.items() if k[:2] == key})]
        for key in keys
    ]  # fmt: skip


def _activity_figures(kinds: dict[Any, dict[str, int]]) -> list[int]:
    """Activities, demonstration and live lessons, trainings, attendees, study-trip
    students: the overview's activity columns for one partnership and year."""
    return [
        sum(v["activities"] for v in kinds.values()),
        _of(kinds, ActivityKind.DEMONSTRATION_LESSON, "lessons"),
        _of(kinds, ActivityKind.LIVE_LESSON, "lessons"),
        _of(kinds, ActivityKind.TRAINING, "activities"),
        sum(v["attendees"] for v in kinds.values()),
        _of(kinds, ActivityKind.STUDY_TRIP, "students"),
    ]


def _overview(rows: list[list[Any]]) -> Table:
    return Table(
        name="overview",
        columns=[
            Column(key="partnership", label="partnership"),
            Column(key="year", label="year", type="int"),
            Column(key="pairings", label="pairings signed", type="int"),
            *MOVE_MEASURES,
            Column(key="activities", label="activities", type="int"),
            Column(key="demonstration_lessons", label="demonstration lessons", type="int"),
            Column(key="live_lessons", label="live-streamed lessons", type="int"),
            Column(key="trainings", label="trainings", type="int"),
            Column(key="attendees", label="attendees (person-times)", type="int"),
            Column(key="study_trip_students", label="study-trip students", type="int"),
        ],
        rows=rows,
        totals=_totals(rows, skip=2) if rows else None,
    )


def _broken_down(by: str, values: dict[tuple[int | None, int, Any], list[int]], name: Any) -> Table:
    """The secondments table: sent, received and teacher-days per partnership, year and
    ``by`` (no totals row where one secondment counts under several values)."""
    title = f"secondments by {by}"
    return _by_kind("secondments", title, by, MOVE_MEASURES, values, name, totals=by not in SHARED)


def _of(kinds: dict[Any, dict[str, int]], kind: ActivityKind, measure: str) -> int:
    return kinds.get(kind, {}).get(measure, 0)


def _totals(rows: list[list[Any]], *, skip: int) -> list[Any]:
    """Blank for the first ``skip`` columns, then the sum of each column."""
    return [*[""] * skip, *(sum(row[i] for row in rows) for i in range(skip, len(rows[0])))]


def _by_kind(
    name: str,
    title: str,
    by: str,
    measures: list[Column],
    values: dict[tuple[int | None, int, Any], list[int]],
    partnership_name: Any,
    *,
    totals: bool = True,
) -> Table:
    order = sorted(values, key=lambda k: (k[0] is None, partnership_name(k[0]), k[1], str(k[2])))
    rows = [[partnership_name(k[0]), k[1], k[2], *values[k]] for k in order]
    return Table(
        name=name,
        title=title,
        columns=[
            Column(key="partnership", label="partnership"),
            Column(key="year", label="year", type="int"),
            Column(key=by, label=by),
            *measures,
        ],
        rows=rows,
        totals=_totals(rows, skip=3) if rows and totals else None,
    )


def _kinds_by_year(activities: dict[tuple[int | None, int, ActivityKind], dict[str, int]]) -> Table:
    merged: dict[tuple[int, ActivityKind], list[int]] = defaultdict(lambda: [0] * len(MEASURES))
    for (_, year, kind), values in activities.items():
        sums = merged[year, kind]
        merged[year, kind] = [a + values[m] for a, m in zip(sums, MEASURES, strict=True)]
    return Table(
        name="activity_kinds",
        title="activities by kind and year",
        columns=[
            Column(key="year", label="year", type="int"),
            Column(key="kind", label="kind"),
            Column(key="activities", label="activities", type="int"),
            Column(key="lessons", label="lessons", type="int"),
            Column(key="attendees", label="attendees (person-times)", type="int"),
            Column(key="students", label="students", type="int"),
        ],
        rows=[[year, kind, *merged[year, kind]] for year, kind in sorted(merged)],
    )


def _activities(
    tracker: Tracker, scope: Scope, pairings: dict[int | None, Pairing]
) -> dict[tuple[int | None, int, ActivityKind], dict[str, int]]:
    """Measures per (partnership, year, kind), from one grouped query."""
    where = ["school_id"] if scope.school or scope.region else []
    groups = tracker.aggregate(
        Activity,
        group_by=["partnership_id", "pairing_id", *where, "held_on.year", "kind"],
        measures=MEASURES,
        include_archived=True,
        **scope.dates("held_on"),
        **scope.of_programme(),
    )
    out: dict[tuple[int | None, int, ActivityKind], dict[str, int]] = {}
    for group in groups:
        pairing = pairings.get(group["pairing_id"])
        partnership_id = group["partnership_id"] or (pairing.partnership_id if pairing else None)
        if not scope.keeps(partnership_id, [group.get("school_id"), *schools_of(pairing)]):
            continue
        key = (partnership_id, group["held_on.year"], group["kind"])
        found = out.setdefault(key, dict.fromkeys(MEASURES, 0))
        for measure in MEASURES:
            found[measure] += group[measure]
    return out


def _pairings(tracker: Tracker, scope: Scope) -> dict[Key, int]:
    """Pairings signed per (partnership, year); none under a programme, which pairings
    do not name."""
    if scope.programme is not None:
        return {}
    groups = tracker.aggregate(
        Pairing,
        group_by=[
            "partnership_id",
            "supporting_school_id",
            "supported_school_id",
            "signed_on.year",
        ],
        measures={"n": count()},
        include_archived=True,
        **scope.dates("signed_on"),
    )
    out: dict[Key, int] = defaultdict(int)
    for group in groups:
        schools = [group["supporting_school_id"], group["supported_school_id"]]
        if scope.keeps(group["partnership_id"], schools):
            out[group["partnership_id"], group["signed_on.year"]] += group["n"]
    return out
