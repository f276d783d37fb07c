"""Retention: the personal data of people with no secondment or pair for N years
(``exchange retention``).

A teacher is *due* when their last involvement lies more than ``years`` before
the day asked about (today by default). The last involvement is the latest of:
the end of any of their secondments, the end of any mentor pair they were in
(as mentor or mentee; a pair with no end is still going, so its teacher is not
due), and the day the change log first recorded the teacher (their ``add``, or
the bulk load that holds their id). Only teachers who still hold personal data
(:func:`exchange.personal.about`, or a key of sealed values) are listed.
Applying purges each due teacher (:mod:`exchange.purging`), all in one transaction.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING

import attrs

from .changelog import Change
from .errors import InvalidRecord
from .i18n import message
from .models import Mentorship, Secondment, Teacher
from .personal import about, holds_personal
from .purging import erase, scrub
from .query import Op
from .rules import Lookup
from .sealing import PersonalKey

if TYPE_CHECKING:
    from .backend import Backend
    from .tracker import Tracker


@attrs.frozen
class Due:
    """A teacher whose personal data the retention rule says to erase."""

    teacher_id: int
    name: str
    ref: str | None
    last: dt.date
    """Their last involvement: a secondment's or pair's end, or when they were recorded."""


def due(tracker: Tracker, years: object, *, as_of: dt.date | None = None) -> list[Due]:
    """The teachers with no secondment or pair (nor record) for ``years`` years before
    ``as_of`` (today) who still hold personal data, in id order."""
    cutoff = _cutoff(years, as_of or dt.date.today())
    backend = tracker.backend
    last, loads = _involvement(backend), _bulk_loads(backend)
    found = []
    for teacher in backend.find(Teacher, {}):
        teacher_id = teacher.id or 0
        recorded = _recorded(backend, teacher_id, loads)
        when = max(last.get(teacher_id, dt.date.min), recorded or dt.date.min)
        if dt.date.min < when < cutoff and _holds(backend, teacher_id):
            found.append(Due(teacher_id, teacher.name, teacher.ref, when))
    return found


def apply(tracker: Tracker, years: object, *, as_of: dt.date | None = None) -> list[Due]:
    """Purge every teacher :func:`due` lists, in one transaction; return them."""
    with tracker.transaction():
        tracker.access.require_all(message("purge personal data"), Lookup(tracker.backend))
        listed = due(tracker, years, as_of=as_of)
        for teacher in listed:
            erase(tracker, teacher.teacher_id)
    if listed:
        scrub(tracker)
    return listed


def _cutoff(years: object, today: dt.date) -> dt.date:
    if isinstance(years, bool) or not isinstance(years, int) or not 1 <= years <= 200:
        raise InvalidRecord(
            message("years must be a whole number from 1 to 200, not {years!r}", years=years)
        )
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February, in a year without one
        return today.replace(year=today.year - years, day=28)


def _involvement(backend: Backend) -> dict[int, dt.date]:
    """Each teacher's latest secondment or pair end (a pair still going: the far future)."""
    last: dict[int, dt.date] = {}

    def seen(teacher_id: int, when: dt.date) -> None:
        if when > last.get(teacher_id, dt.date.min):
            last[teacher_id] = when

    for secondment in backend.find(Secondment, {}):
        seen(secondment.teacher_id, secondment.ends_on)
    for pair in backend.find(Mentorship, {}):
        for teacher_id in (pair.mentor_id, pair.mentee_id):
            seen(teacher_id, pair.ends_on or dt.date.max)
    return last


def _recorded(
    backend: Backend, teacher_id: int, loads: list[tuple[int, int, dt.date]]
) -> dt.date | None:
    """The day the change log first recorded the teacher, or ``None``."""
    entry = next(
        backend.find(
            Change,
            {"record_type": Op("eq", "teachers"), "record_id": Op("eq", teacher_id)},
            limit=1,
        ),
        None,
    )
    if entry is not None:
        return entry.at.date()
    return next((day for first, last, day in loads if first <= teacher_id <= last), None)


def _bulk_loads(backend: Backend) -> list[tuple[int, int, dt.date]]:
    """The id range and day of each bulk load of teachers."""
    filters = {"record_type": Op("eq", "teachers"), "action": Op("eq", "bulk")}
    loads = []
    for entry in backend.find(Change, filters):
        after = json.loads(entry.after or "{}")
        if after.get("first_id") is not None:
            loads.append((after["first_id"], after["last_id"], entry.at.date()))
    return loads


def _holds(backend: Backend, teacher_id: int) -> bool:
    if backend.count(PersonalKey, {"person_id": Op("eq", teacher_id)}):
        return True
    return any(holds_personal(record) for record in about(backend, teacher_id))
