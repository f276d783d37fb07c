"""The ``rural-service`` report: days each teacher served at rural hosts.

Title evaluation (职称评定) asks for a period of service at rural schools, one
year for example. Days are counted from the secondments in which the teacher
went (active, completed, withdrawn) to a host school marked rural, first and
last day included, cut to the report's period and to ``as_of`` (today), and
overlapping days counted once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import attrs

from exchange import Tracker
from exchange.errors import InvalidRecord
from exchange.i18n import message
from exchange.lifecycle import last_day
from exchange.report import Column, Report, Table
from exchange.timeline import SERVED

from .scope import Scope, placements, resolve, with_schools

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
    programme: str | None = None,
    as_of: dt.date | None = None,
) -> Report:
    """Per teacher who served at a rural host: days served there and whether
    ``threshold`` days are reached, most days first."""
    _check_threshold(threshold)
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
    served = _served(tracker, scope, as_of or dt.date.today())
    ranked = sorted(served, key=lambda s: (-s.days, s.teacher))
    rows = [[s.teacher, s.school, s.days, s.days >= threshold] for s in ranked]
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


def _check_threshold(threshold: int) -> None:
    """Refuse a threshold that is not a whole number of days, at least 1."""
    if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 1:
        raise InvalidRecord(
            message(
                "the threshold is a number of days, at least 1, not {threshold!r}",
                threshold=threshold,
            )
        )


def _served(tracker: Tracker, scope: Scope, today: dt.date) -> Iterable[Served]:
    """Each teacher's days at rural hosts, from the secondments in scope in which they
    went, cut to the period and to ``today``."""
    served: dict[int, Served] = {}
    found = placements(tracker, scope, statuses=SERVED)
    for chunk, schools in with_schools(tracker, found):
        for placement in chunk:
            secondment, teacher = placement.secondment, placement.teacher
            if not schools[secondment.host_school_id].rural:
                continue
            first, last = scope.clip(secondment.starts_on, min(last_day(secondment), today))
            if first <= last:
                if secondment.teacher_id not in served:
                    home = schools[teacher.school_id].name
                    served[secondment.teacher_id] = Served(teacher.name, home)
                served[secondment.teacher_id].add(first, last)
    return served.values()


@attrs.define
class Served:
    """One teacher's days at rural hosts, counted as their periods come by first day:
    a period is cut to start after the last day already counted, so overlapping days
    count once, and only the running total and that last day are kept."""

    teacher: str
    school: str
    days: int = 0
    reached: dt.date | None = None

    def add(self, first: dt.date, last: dt.date) -> None:
        """Count ``first..last`` (both included); periods arrive by ``first``."""
        if self.reached is not None and first <= self.reached:
            first = self.reached + dt.timedelta(days=1)
        if first <= last:
            self.days += (last - first).days + 1
            self.reached = last
