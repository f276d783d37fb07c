"""The ``secondments`` report: the roster of teachers seconded in a period.

One row per secondment whose period meets the report's: the teacher, home and
host school, kind, dates (the last day is the early return when there was
one), days served up to ``as_of`` (today) and status, with a timeline chart.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from exchange import Tracker
from exchange.lifecycle import last_day
from exchange.report import Chart, Column, Report, Table
from exchange.rows import Tally
from exchange.timeline import days_served

from .scope import Scope, placements, resolve, with_schools

COLUMNS = [
    Column(key="teacher", label="teacher"),
    Column(key="home_school", label="home school"),
    Column(key="host_school", label="host school"),
    Column(key="kind", label="kind"),
    Column(key="starts_on", label="starts", type="date"),
    Column(key="ends_on", label="ends", type="date"),
    Column(key="days_served", label="days served", type="int"),
    Column(key="status", label="status"),
]


TOTALS = ("", "", "", "", None, None, 0, "")
"""The totals row, days served summed into its place."""


def roster_rows(tracker: Tracker, scope: Scope, today: dt.date) -> Iterator[list[Any]]:
    """One row per placement, read in batches."""
    for chunk, schools in with_schools(tracker, placements(tracker, scope)):
        for placement in chunk:
            secondment, teacher = placement.secondment, placement.teacher
            yield [
                teacher.name,
                schools[teacher.school_id].name,
                schools[secondment.host_school_id].name,
                secondment.kind,
                secondment.starts_on,
                last_day(secondment),
                days_served(secondment, as_of=today),
                secondment.status,
            ]


def secondments(
    tracker: Tracker,
    *,
    year: int | None = None,
    since: dt.date | str | None = None,
    until: dt.date | str | None = None,
    region: str | None = None,
    partnership: int | str | None = None,
    school: int | str | None = None,
    programme: str | None = None,
    as_of: dt.date | None = None,
) -> Report:
    """Every secondment meeting the period, by start date, with days served; the
    rows stream from the store each time they are read, the days served summed as
    they go (:class:`~exchange.rows.Tally`)."""
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
    tally = Tally(lambda: roster_rows(tracker, scope, as_of or dt.date.today()), [6], TOTALS)
    table = Table(name="secondments", columns=COLUMNS, rows=tally.rows, totals=tally.totals)
    chart = Chart(
        title="secondment timeline",
        kind="timeline",
        table="secondments",
        x="teacher",
        y=("starts_on", "ends_on"),
        series="kind",
    )
    return Report(title="secondments", parameters=scope.parameters, tables=[table], charts=[chart])
