"""The ``summary`` report: the figures the programmes quote, per partnership and year.

Activities are counted by the backend in one grouped query (by partnership,
pairing, school, year and kind); pairings likewise. Secondments are streamed,
because the days a teacher served follow the lifecycle rules of
:mod:`exchange.timeline` (early returns, statuses), which live in the core and
nowhere else.

A secondment is *received* when its host is the supporting school of its
pairing (the supported side's teacher came to learn, 跟岗), and *sent*
otherwise; it is counted in the year it started. Teacher-days are split over
the years they fall in and cut to the period and to ``as_of`` (today).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from exchange import Activity, Pairing, Partnership, School, Tracker
from exchange.enums import ActivityKind, SecondmentKind
from exchange.i18n import Phrase
from exchange.lifecycle import last_day
from exchange.query import count, total
from exchange.regions import Gazetteer, of_store
from exchange.report import Chart, Column, Report, Table
from exchange.timeline import SERVED

from .scope import Placement, Scope, placements, resolve, schools_of, with_schools

NO_PARTNERSHIP = Phrase("no partnership")
MEASURES = {
    "activities": count(),
    "lessons": total("lessons"),
    "attendees": total("attendees"),
    "students": total("students"),
}
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
    as_of: dt.date | None = None,
) -> Report:
    """Pairings signed, teachers sent and received, teacher-days, activities,
    lessons, person-times and students, per partnership and year."""
    scope = resolve(
        tracker,
        year=year,
        since=since,
        until=until,
        region=region,
        partnership=partnership,
        school=school,
    )
    pairings = {p.id: p for p in tracker.find(Pairing, include_archived=True)}
    names = {p.id: p.name for p in tracker.find(Partnership, include_archived=True)}
    activities = _activities(tracker, scope, pairings)
    exchanges = _secondments(tracker, scope, as_of or dt.date.today())
    signed = _pairings(tracker, scope)
    keys = sorted(
        {*signed, *(k[:2] for k in activities), *(k[:2] for k in exchanges)},
        key=lambda k: (k[0] is None, names.get(k[0], ""), k[0] or 0, k[1]),
    )

    def name(partnership_id: int | None) -> str:
        return names[partnership_id] if partnership_id is not None else NO_PARTNERSHIP

    overview = []
    for key in keys:
        kinds = {k[2]: v for k, v in activities.items() if k[:2] == key}
        moves = [v for k, v in exchanges.items() if k[:2] == key]
        overview.append(
            [
                name(key[0]),
                key[1],
                signed.get(key, 0),
                sum(m["sent"] for m in moves),
                sum(m["received"] for m in moves),
                sum(m["days"] for m in moves),
                sum(v["activities"] for v in kinds.values()),
                _of(kinds, ActivityKind.DEMONSTRATION_LESSON, "lessons"),
                _of(kinds, ActivityKind.LIVE_LESSON, "lessons"),
                _of(kinds, ActivityKind.TRAINING, "activities"),
                sum(v["attendees"] for v in kinds.values()),
                _of(kinds, ActivityKind.STUDY_TRIP, "students"),
            ]
        )
    tables = [
        Table(
            name="overview",
            columns=[
                Column(key="partnership", label="partnership"),
                Column(key="year", label="year", type="int"),
                Column(key="pairings", label="pairings signed", type="int"),
                Column(key="sent", label="teachers sent", type="int"),
                Column(key="received", label="teachers received", type="int"),
                Column(key="teacher_days", label="teacher-days served", type="int"),
                Column(key="activities", label="activities", type="int"),
                Column(key="demonstration_lessons", label="demonstration lessons", type="int"),
                Column(key="live_lessons", label="live-streamed lessons", type="int"),
                Column(key="trainings", label="trainings", type="int"),
                Column(key="attendees", label="attendees (person-times)", type="int"),
                Column(key="study_trip_students", label="study-trip students", type="int"),
            ],
            rows=overview,
            totals=_totals(overview, skip=2) if overview else None,
        ),
        _by_kind(
            "secondments",
            "secondments by kind",
            [
                Column(key="sent", label="teachers sent", type="int"),
                Column(key="received", label="teachers received", type="int"),
                Column(key="teacher_days", label="teacher-days served", type="int"),
            ],
            {k: [v["sent"], v["received"], v["days"]] for k, v in exchanges.items()},
            name,
        ),
        _by_kind(
            "activities",
            "activities by kind",
            [
                Column(key="activities", label="activities", type="int"),
                Column(key="lessons", label="lessons", type="int"),
                Column(key="attendees", label="attendees (person-times)", type="int"),
                Column(key="students", label="students", type="int"),
            ],
            {k: [v[m] for m in MEASURES] for k, v in activities.items()},
            name,
        ),
        _kinds_by_year(activities),
    ]
    chart = Chart(
        title="activities by kind and year",
        kind="bar",
        table="activity_kinds",
        x="year",
        y=("activities",),
        series="kind",
    )
    return Report(title="summary", parameters=scope.parameters, tables=tables, charts=[chart])


def _of(kinds: dict[Any, dict[str, int]], kind: ActivityKind, measure: str) -> int:
    return kinds.get(kind, {}).get(measure, 0)


def _totals(rows: list[list[Any]], *, skip: int) -> list[Any]:
    """Blank for the first ``skip`` columns, then the sum of each column."""
    return [*[""] * skip, *(sum(row[i] for row in rows) for i in range(skip, len(rows[0])))]


def _by_kind(
    name: str,
    title: str,
    measures: list[Column],
    values: dict[tuple[int | None, int, Any], list[int]],
    partnership_name: Any,
) -> Table:
    order = sorted(values, key=lambda k: (k[0] is None, partnership_name(k[0]), k[1], k[2]))
    rows = [[partnership_name(k[0]), k[1], k[2], *values[k]] for k in order]
    return Table(
        name=name,
        title=title,
        columns=[
            Column(key="partnership", label="partnership"),
            Column(key="year", label="year", type="int"),
            Column(key="kind", label="kind"),
            *measures,
        ],
        rows=rows,
        totals=_totals(rows, skip=3) if rows else None,
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


def _secondments(
    tracker: Tracker, scope: Scope, as_of: dt.date
) -> dict[tuple[int | None, int, SecondmentKind], dict[str, int]]:
    """Sent, received and teacher-days per (partnership, year, kind)."""
    out: dict[tuple[int | None, int, SecondmentKind], dict[str, int]] = {}

    def add(key: tuple[int | None, int, SecondmentKind], measure: str, amount: int) -> None:
        found = out.setdefault(key, {"sent": 0, "received": 0, "days": 0})
        found[measure] += amount

    received = _receiving(tracker)
    for chunk, schools in with_schools(tracker, placements(tracker, scope, statuses=SERVED)):
        for placement in chunk:
            secondment, partnership_id = placement.secondment, placement.partnership_id
            if scope.in_period(secondment.starts_on):
                key = (partnership_id, secondment.starts_on.year, secondment.kind)
                host = schools[secondment.host_school_id]
                add(key, "received" if received(placement, host) else "sent", 1)
            first, last = scope.clip(secondment.starts_on, min(last_day(secondment), as_of))
            for year in range(first.year, last.year + 1):
                start, end = max(first, dt.date(year, 1, 1)), min(last, dt.date(year, 12, 31))
                if start <= end:
                    add((partnership_id, year, secondment.kind), "days", (end - start).days + 1)
    return out


def _receiving(tracker: Tracker) -> Callable[[Placement, School], bool]:
    """Whether a placement was *received*: its host is the supporting school of its
    pairing or, with no pairing, lies in its partnership's supporting region."""
    supporting = {
        p.id: p.supporting_region for p in tracker.find(Partnership, include_archived=True)
    }
    places: Gazetteer | None = None

    def received(placement: Placement, host: School) -> bool:
        nonlocal places
        if placement.pairing is not None:
            return host.id == placement.pairing.supporting_school_id
        if placement.partnership_id is None:
            return False
        if places is None:
            places = of_store(tracker)[0]
        return places.contains(supporting[placement.partnership_id], host.region)

    return received
