"""What a report covers: a period, a region, a partnership, a programme, a school.

Every built-in report takes the same filters, checked the same way here: a
year or a date range (not both, and not ending before it starts), a region
some school is in, a partnership or school named by id or ref, and a programme
by name (the secondments, activities and expenses that name it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

import attrs

from exchange import Pairing, Partnership, School, Secondment, Teacher, Tracker
from exchange.enums import SecondmentStatus
from exchange.errors import InvalidRecord
from exchange.i18n import message
from exchange.lifecycle import last_day
from exchange.lookups import chunks, lookup
from exchange.query import Op, between, one_of
from exchange.quotas import region_schools
from exchange.timeline import as_date

"""Ids per query when records are looked up by id."""


@attrs.frozen
class Scope:
    """The filters of one report, resolved to records and dates."""

    since: dt.date | None = None
    until: dt.date | None = None
    region: str | None = None
    region_school_ids: frozenset[int] = frozenset()
    partnership: Partnership | None = None
    school: School | None = None
    programme: str | None = None
    """A programme's name: only the records that name it."""
    parameters: dict[str, Any] = attrs.field(factory=dict)
    """The filters as given, for the report's parameters."""

    def of_programme(self) -> dict[str, str]:
        """The filter keeping the records of the chosen programme (none without one)."""
        return {} if self.programme is None else {"programme": self.programme}

    def dates(self, field: str) -> dict[str, Op]:
        """Filters keeping a date ``field`` within the period."""
        if self.since is not None and self.until is not None:
            return {field: between(self.since, self.until)}
        if self.since is not None:
            return {field: Op("ge", self.since)}
        if self.until is not None:
            return {field: Op("le", self.until)}
        return {}

    def in_period(self, day: dt.date | None) -> bool:
        """Whether ``day`` lies within the period (an open end is no limit)."""
        if day is None:
            return self.since is None and self.until is None
        return (self.since is None or day >= self.since) and (
            self.until is None or day <= self.until
        )

    def clip(self, first: dt.date, last: dt.date) -> tuple[dt.date, dt.date]:
        """``first..last`` cut to the period (empty when ``first > last`` afterwards)."""
        if self.since is not None:
            first = max(first, self.since)
        if self.until is not None:
            last = min(last, self.until)
        return first, last

    def touches(self, school_ids: Iterable[int | None]) -> bool:
        """Whether records at these schools are in scope (region and school filters)."""
        ids = {i for i in school_ids if i is not None}
        if self.school is None and self.region is None:
            return True
        if self.school is not None and self.school.id not in ids:
            return False
        return self.region is None or bool(ids & self.region_school_ids)

    def keeps(self, partnership_id: int | None, school_ids: Iterable[int | None]) -> bool:
        """Whether the partnership, region and school filters keep a record of this
        partnership at these schools."""
        if self.partnership is not None and partnership_id != self.partnership.id:
            return False
        return self.touches(school_ids)

    def covers_pairing(self, pairing: Pairing | None) -> bool:
        """Whether the partnership, region and school filters keep ``pairing``."""
        if pairing is None:
            return self.partnership is None and self.region is None and self.school is None
        return self.keeps(pairing.partnership_id, schools_of(pairing))


def schools_of(pairing: Pairing | None) -> list[int]:
    """The two schools of a pairing (none without one)."""
    if pairing is None:
        return []
    return [pairing.supporting_school_id, pairing.supported_school_id]


def resolve(
    tracker: Tracker,
    *,
    year: int | None = None,
    since: dt.date | str | None = None,
    until: dt.date | str | None = None,
    region: str | None = None,
    partnership: int | str | None = None,
    school: int | str | None = None,
    programme: str | None = None,
) -> Scope:
    """Check the filters and look up what they name; one clear error for the first wrong one."""
    given = {
        "year": year,
        "since": since,
        "until": until,
        "region": region,
        "partnership": partnership,
        "school": school,
        "programme": programme,
    }
    parameters: dict[str, Any] = {k: v for k, v in given.items() if v is not None}
    first, last = _period(year, since, until)
    for key, value in (("since", first), ("until", last)):
        if key in parameters:
            parameters[key] = value
    ids = frozenset(region_schools(tracker, region)) if region is not None else frozenset()
    return Scope(
        since=first,
        until=last,
        region=region,
        region_school_ids=ids,
        partnership=None if partnership is None else tracker.get(Partnership, partnership),
        school=None if school is None else tracker.get(School, school),
        programme=None if programme is None else tracker.programme(programme).name,
        parameters=parameters,
    )


def _period(
    year: int | None, since: dt.date | str | None, until: dt.date | str | None
) -> tuple[dt.date | None, dt.date | None]:
    """The first and last day of the period a year or a date range gives (either end
    open), or the error of the first thing wrong with them."""
    first = None if since is None else as_date(since)
    last = None if until is None else as_date(until)
    if year is not None:
        if first is not None or last is not None:
            raise InvalidRecord(message("give a year or a date range (since, until), not both"))
        if not 1900 <= year <= 2999:
            raise InvalidRecord(message("{year} is not a year between 1900 and 2999", year=year))
        first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    if first is not None and last is not None and last < first:
        raise InvalidRecord(
            message("the period ends ({last}) before it starts ({first})", last=last, first=first)
        )
    return first, last


@attrs.frozen
class Placement:
    """A secondment in a report's scope, with its teacher and pairing."""

    secondment: Secondment
    teacher: Teacher
    pairing: Pairing | None

    @property
    def partnership_id(self) -> int | None:
        """The partnership it counts under: its own, else its pairing's."""
        if self.secondment.partnership_id is not None:
            return self.secondment.partnership_id
        return None if self.pairing is None else self.pairing.partnership_id


def placements(
    tracker: Tracker, scope: Scope, *, statuses: Iterable[SecondmentStatus] | None = None
) -> Iterator[Placement]:
    """Secondments whose period meets the report's and that the partnership,
    region and school filters keep, by start date, streamed in batches."""
    filters: dict[str, Any] = {}
    if scope.until is not None:
        filters["starts_on"] = Op("le", scope.until)
    if scope.since is not None:
        filters["ends_on"] = Op("ge", scope.since)
    if statuses is not None:
        filters["status"] = one_of(*statuses)
    filters.update(scope.of_programme())
    found = tracker.find(Secondment, include_archived=True, order_by=["starts_on"], **filters)
    for chunk in chunks(found):
        teachers = lookup(tracker, Teacher, (s.teacher_id for s in chunk))
        pairings = lookup(tracker, Pairing, (s.pairing_id for s in chunk))
        for secondment in chunk:
            placed = Placement(
                secondment,
                teachers[secondment.teacher_id],
                pairings.get(secondment.pairing_id or 0),
            )
            if scope.since is not None and last_day(secondment) < scope.since:
                continue
            if scope.keeps(
                placed.partnership_id, [placed.teacher.school_id, secondment.host_school_id]
            ):
                yield placed


def with_schools(
    tracker: Tracker, found: Iterable[Placement]
) -> Iterator[tuple[list[Placement], dict[int, School]]]:
    """``found`` in chunks (:func:`exchange.lookups.chunks`), each with the schools known
    so far, which include its teachers' and hosts' (each school looked up once)."""
    schools: dict[int, School] = {}
    for chunk in chunks(found):
        wanted = {x for p in chunk for x in (p.teacher.school_id, p.secondment.host_school_id)}
        schools.update(lookup(tracker, School, wanted - schools.keys()))
        yield chunk, schools
