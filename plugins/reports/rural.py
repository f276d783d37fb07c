"""The ``rural-service`` report: days each teacher served at rural hosts.

Title evaluation (职称评定) asks for a period of service at rural schools, one
year for example. Days are counted from the secondments in which the teacher
went (active, completed, withdrawn) to a host school marked rural, first and
last day included, cut to the report's period and to ``as_of`` (today), and
overlapping days counted once.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from exchange import Tracker
from exchange.errors import InvalidRecord
from exchange.i18n import message
from exchange.lifecycle import last_day
from exchange.report import Column, Report, Table
from exchange.timeline import SERVED

from .scope import placements, resolve, with_schools

DEFAULT_THRESHOLD = 365
"""Days of rural service asked for by default: one year."""


def rural_service(
    tracker: Tracker,
    *,
    threshold: int = DEFAULT_THRESHOLD,
    year: int | None = None,
    since: dt.date | str | None = None,
    until: dt.date | str | None = None,
    region: str | None = None,
    partnership: int | str | None = None,
    school: int | str | None = None,
    as_of: dt.date | None = None,
) -> Report:
    """Per teacher who served at a rural host: days served there and whether
    ``threshold`` days are reached, most days first."""
    if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 1:
        raise InvalidRecord(
            message(
                "the threshold is a number of days, at least 1, not {threshold!r}",
                threshold=threshold,
            )
        )
    scope = resolve(
        tracker,
        year=year,
        since=since,
        until=until,
        region=region,
        partnership=partnership,
        school=school,
    )
    today = as_of or dt.date.today()
    spans: dict[int, list[tuple[dt.date, dt.date]]] = defaultdict(list)
    teachers: dict[int, tuple[str, str]] = {}
    found = placements(tracker, scope, statuses=SERVED)
    for chunk, schools in with_schools(tracker, found):
        for placement in chunk:
            secondment, teacher = placement.secondment, placement.teacher
            if not schools[secondment.host_school_id].rural:
                continue
            first, last = scope.clip(secondment.starts_on, min(last_day(secondment), today))
            if first <= last:
                spans[secondment.teacher_id].append((first, last))
                teachers[secondment.teacher_id] = (teacher.name, schools[teacher.school_id].name)
    rows: list[list[Any]] = []
    for teacher_id, periods in spans.items():
        days = _days(periods)
        rows.append([*teachers[teacher_id], days, days >= threshold])
    rows.sort(key=lambda row: (-row[2], row[0]))
    table = Table(
        name="rural_service",
        title="rural service",
        columns=[
            Column(key="teacher", label="teacher"),
            Column(key="school", label="home school"),
            Column(key="days", label="days at rural schools", type="int"),
            Column(key="met", label="threshold met"),
        ],
        rows=rows,
    )
    parameters = {**scope.parameters, "threshold": threshold}
    return Report(title="rural service", parameters=parameters, tables=[table])


def _days(periods: list[tuple[dt.date, dt.date]]) -> int:
    """Days covered by the periods (both ends included), overlaps counted once."""
    total = 0
    reached: dt.date | None = None
    for first, last in sorted(periods):
        if reached is not None and first <= reached:
            first = reached + dt.timedelta(days=1)
        if first <= last:
            total += (last - first).days + 1
            reached = last
    return total
