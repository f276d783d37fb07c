"""Secondments over time: days served and "as of" questions.

A secondment *counts* on a day when it was approved, active, completed or
withdrawn (not merely proposed, nor cancelled) and the day lies between its
start and its actual last day (:func:`exchange.lifecycle.last_day`). Queries
narrow by the planned dates in the backend, then apply the early-return date,
which can only shorten a period.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import attrs

from .enums import SecondmentStatus as S
from .errors import InvalidRecord
from .i18n import message
from .lifecycle import last_day
from .models import School, Secondment, Teacher
from .query import Op

if TYPE_CHECKING:
    from .tracker import Key, Tracker

COUNTED = (S.APPROVED, S.ACTIVE, S.COMPLETED, S.WITHDRAWN)
"""Statuses whose periods count as (planned or actual) time at the host."""
SERVED = (S.ACTIVE, S.COMPLETED, S.WITHDRAWN)
"""Statuses in which the teacher actually went."""
BATCH = 500
"""Teacher ids per query when a school's staff are looked up."""


def days_served(secondment: Secondment, *, as_of: dt.date | None = None) -> int:
    """Days at the host, first and last included, up to ``as_of`` (default: the whole period).

    Only a secondment that started (active, completed or withdrawn) has days served.
    """
    if secondment.status not in SERVED:
        return 0
    end = last_day(secondment) if as_of is None else min(last_day(secondment), as_of)
    return max((end - secondment.starts_on).days + 1, 0)


def overlapping(
    tracker: Tracker, start: dt.date, end: dt.date, **filters: Any
) -> Iterator[Secondment]:
    """Counted secondments whose period shares a day with ``start..end``, by start date."""
    if end < start:
        raise InvalidRecord(
            message("the period ends ({end}) before it starts ({start})", end=end, start=start)
        )
    found = tracker.find(
        Secondment,
        order_by=["starts_on"],
        status=Op("in", COUNTED),
        starts_on=Op("le", end),
        ends_on=Op("ge", start),
        **filters,
    )
    return (s for s in found if last_day(s) >= start)


def at_host(tracker: Tracker, school: Key, on: dt.date | str) -> list[Secondment]:
    """The secondments that had a teacher at host ``school`` on day ``on``."""
    day = as_date(on)
    host = tracker.get(School, school)
    return list(overlapping(tracker, day, day, host_school_id=host.id))


@attrs.frozen
class Presence:
    """A teacher at a school on a day: one of its own staff (``secondment`` is
    ``None``), or a teacher seconded to it."""

    teacher: Teacher
    secondment: Secondment | None = None


def present(tracker: Tracker, school: Key, on: dt.date | str) -> list[Presence]:
    """Who was at ``school`` on day ``on``: its own teachers who were not seconded
    elsewhere that day, by name, then the teachers seconded to it, by start date."""
    day = as_date(on)
    place = tracker.get(School, school)
    staff = sorted(tracker.find(Teacher, school_id=place.id), key=lambda t: (t.name, t.id or 0))
    away: set[int] = set()
    for start in range(0, len(staff), BATCH):
        ids = tuple(t.id for t in staff[start : start + BATCH])
        away.update(s.teacher_id for s in overlapping(tracker, day, day, teacher_id=Op("in", ids)))
    hosted = [
        Presence(tracker.get(Teacher, s.teacher_id), s)
        for s in overlapping(tracker, day, day, host_school_id=place.id)
    ]
    return [Presence(t) for t in staff if t.id not in away] + hosted


def whereabouts(tracker: Tracker, teacher: Key, on: dt.date | str) -> Secondment | None:
    """Where ``teacher`` was seconded on day ``on``, or ``None`` (at the home school)."""
    day = as_date(on)
    person = tracker.get(Teacher, teacher)
    return next(overlapping(tracker, day, day, teacher_id=person.id), None)


def as_date(value: dt.date | str) -> dt.date:
    """``value`` as a date: a date, or ISO text such as ``2025-09-01``."""
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise InvalidRecord(
            message("{value!r} is not a date such as 2025-09-01", value=value)
        ) from None
