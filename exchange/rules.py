"""Integrity rules that need other records.

They run inside the write transaction, before the change is stored, and raise
an :class:`~exchange.errors.ExchangeError` subclass whose message names the
records involved. :func:`check` is the one entry point; a :class:`Lookup`
memoises reads so a bulk load checks each linked record once.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Callable
from typing import Any

import attrs

from . import cascade, lifecycle, needs, scoring
from .backend import STORED_TYPES, Backend
from .codec import columns, per_type
from .enums import MentorshipStatus, Target
from .errors import DuplicateRef, NotFound, OverBudget, RuleViolation
from .i18n import Message, message, noun
from .models import (
    Activity,
    Allocation,
    Application,
    Assessment,
    Expense,
    Grant,
    Meeting,
    Mentorship,
    Need,
    Pairing,
    Participation,
    Programme,
    Record,
    Rubric,
    School,
    Secondment,
    Stored,
    Teacher,
)
from .query import Op, count, total

TABLES: dict[str, type[Stored]] = {cls.table: cls for cls in STORED_TYPES}
TARGETS: dict[Target, type[Record]] = {
    Target.SECONDMENT: Secondment,
    Target.MENTORSHIP: Mentorship,
    Target.PAIRING: Pairing,
    Target.SCHOOL: School,
}


def describe(record: Stored | None, cls: type[Stored], id: int | None) -> Message:
    """``school 3 (惠阳区半岛学校)``: how messages name a record (学校 3 in Chinese)."""
    name = getattr(record, "name", None) or getattr(record, "title", None)
    if name:
        return message("{kind} {id} ({name})", kind=noun(cls), id=id, name=name)
    return message("{kind} {id}", kind=noun(cls), id=id)


class Lookup:
    """Reads of one operation, memoised (records do not change under a check)."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self._seen: dict[type[Stored], dict[int, Any]] = {}
        self._ids: dict[type[Stored], dict[int, bool]] = {}
        self.claims: dict[int, list[Secondment]] = {}
        """Approved or active secondments of this bulk load not yet stored, per teacher."""
        self._programmes: dict[str, bool] = {}
        self.needs: dict[int, int] = {}
        """Secondments of this bulk load not yet stored that fill each need."""

    def get(self, cls: type[Stored], id: int) -> Any:
        """The record, or ``None``."""
        seen = self._seen.get(cls)
        if seen is None:
            seen = self._seen[cls] = {}
        if id not in seen:
            seen[id] = self.backend.get(cls, id)
        return seen[id]

    def exists(self, cls: type[Stored], id: int) -> bool:
        """Whether a ``cls`` with ``id`` is stored: a count by id, not a decoded record."""
        known = self._ids.get(cls)
        if known is None:
            known = self._ids[cls] = {}
        if id not in known:
            seen = self._seen.get(cls)
            if seen is not None and id in seen:
                known[id] = seen[id] is not None
            else:
                known[id] = self.backend.count(cls, {"id": Op("eq", id)}) > 0
        return known[id]

    def programme_named(self, name: str) -> bool:
        """Whether a programme of this name is stored."""
        if name not in self._programmes:
            named = {"name": Op("eq", name)}
            self._programmes[name] = self.backend.count(Programme, named) > 0
        return self._programmes[name]

    def need(self, cls: type[Stored], id: int, *, by: Stored, field: str) -> Any:
        """The record, or :class:`NotFound` naming who asked for it."""
        found = self.get(cls, id)
        if found is None:
            raise missing(cls, id, by=by, field=field)
        return found


def missing(cls: type[Stored], id: int, *, by: Stored, field: str) -> NotFound:
    """``by``'s ``field`` names a ``cls`` ``id`` that is not stored."""
    return NotFound(
        message(
            "{kind} {field} names {target_kind} {id}, which does not exist",
            kind=noun(type(by)),
            field=field,
            target_kind=noun(cls),
            id=id,
        )
    )


@per_type
def _links(cls: type[Stored]) -> tuple[tuple[str, type[Stored]], ...]:
    return tuple((c.name, TABLES[c.table or ""]) for c in columns(cls) if c.kind == "link")


def check_links(record: Stored, lookup: Lookup) -> None:
    """Every link field points to an existing record."""
    for name, target_cls in _links(type(record)):
        target = getattr(record, name)
        if target is not None and not lookup.exists(target_cls, target):
            raise missing(target_cls, target, by=record, field=name)


def check_ref(record: Stored, backend: Backend) -> None:
    """No other record of the type carries the same ``ref``."""
    ref = getattr(record, "ref", None)
    if ref is None:
        return
    cls = type(record)
    others = {"ref": Op("eq", ref)}
    if record.id is not None:
        others["id"] = Op("ne", record.id)
    if not backend.count(cls, others):
        return  # a count, so the holder is read only to name it
    for holder in backend.find(cls, others, limit=1):
        if holder.id != record.id:
            raise DuplicateRef(
                message(
                    "{kind} ref {ref!r} is already used by {holder}",
                    kind=noun(cls),
                    ref=ref,
                    holder=describe(holder, cls, holder.id),
                )
            )


def _secondment(record: Secondment, lookup: Lookup, backend: Backend) -> None:
    before = lookup.get(Secondment, record.id) if record.id is not None else None
    lifecycle.check_transition(before, record)
    if lifecycle.holds_place(record):
        _no_overlap(record, lookup, backend)
    attributed(record, lookup)
    needs.fills_need(record, lookup, backend)
    teacher = lookup.need(Teacher, record.teacher_id, by=record, field="teacher_id")
    if teacher.school_id == record.host_school_id:
        host = lookup.get(School, record.host_school_id)
        raise RuleViolation(
            message(
                "{teacher_name} cannot be seconded to {host}: it is the teacher's own school",
                teacher_name=teacher.name,
                host=describe(host, School, host.id),
            )
        )


def _defined_programme(
    record: Secondment | Activity | Expense | Need | Application | Grant, lookup: Lookup
) -> None:
    """A programme a record names is defined (a typo is not a new programme)."""
    if record.programme and not lookup.programme_named(record.programme):
        raise NotFound(
            message(
                "{kind} names programme {programme!r}, which is not defined; define it "
                "with `exchange programme add`",
                kind=noun(type(record)),
                programme=record.programme,
            )
        )


def attributed(record: Secondment | Activity, lookup: Lookup) -> None:
    """Its programme is defined, and a record that names both a pairing and a
    partnership names the pairing's own."""
    _defined_programme(record, lookup)
    if record.pairing_id is None or record.partnership_id is None:
        return
    pairing = lookup.need(Pairing, record.pairing_id, by=record, field="pairing_id")
    if pairing.partnership_id not in (None, record.partnership_id):
        raise RuleViolation(
            message(
                "{kind} names partnership {partnership_id}, but its pairing {pairing_id} "
                "belongs to partnership {pairing_partnership}",
                kind=noun(type(record)),
                partnership_id=record.partnership_id,
                pairing_id=pairing.id,
                pairing_partnership=pairing.partnership_id,
            )
        )


def _activity(record: Activity, lookup: Lookup, backend: Backend) -> None:
    attributed(record, lookup)


def _no_overlap(record: Secondment, lookup: Lookup, backend: Backend) -> None:
    """A teacher holds at most one approved or active secondment on any day."""
    start, end = record.starts_on, lifecycle.last_day(record)
    stored = backend.find(
        Secondment,
        {
            "teacher_id": Op("eq", record.teacher_id),
            "status": Op("in", tuple(lifecycle.HOLDING)),
            "starts_on": Op("le", end),
        },
    )
    claimed = lookup.claims.setdefault(record.teacher_id, [])
    for other in [*stored, *claimed]:
        if other.id is not None and other.id == record.id:
            continue  # the stored version of the record being updated
        if lifecycle.last_day(other) >= start and other.starts_on <= end:
            host = lookup.get(School, other.host_school_id)
            which = (
                message("secondment {id}", id=other.id)
                if other.id
                else message("earlier in this load")
            )
            raise RuleViolation(
                message(
                    "teacher {teacher_id} is already seconded to {host_name} from "
                    "{starts_on} to {last_day} ({which}), which overlaps {start} to "
                    "{end}",
                    teacher_id=record.teacher_id,
                    host_name=host.name,
                    starts_on=other.starts_on,
                    last_day=lifecycle.last_day(other),
                    which=which,
                    start=start,
                    end=end,
                )
            )
    if record.id is None:
        claimed.append(record)


def _assessment(record: Assessment, lookup: Lookup, backend: Backend) -> None:
    rubric: Rubric = lookup.get(Rubric, record.rubric_id)
    target_cls = TARGETS[rubric.target]
    lookup.need(target_cls, record.target_id, by=record, field="target_id")
    scoring.evaluate(rubric, dict(record.scores))
    same = {
        "rubric_id": Op("eq", record.rubric_id),
        "target_id": Op("eq", record.target_id),
        "period": Op("eq", record.period),
        "assessor": Op("eq", record.assessor),
    }
    for other in backend.find(Assessment, same):
        if other.id != record.id:
            raise RuleViolation(
                message(
                    "{assessor} already assessed {kind} {target_id} for {period} under "
                    "rubric {rubric_name!r} (assessment {other_id})",
                    assessor=record.assessor,
                    kind=noun(target_cls),
                    target_id=record.target_id,
                    period=record.period,
                    rubric_name=rubric.name,
                    other_id=other.id,
                )
            )


def spent(
    backend: Backend, allocation_id: int, *, leaving_out: int | None = None
) -> decimal.Decimal:
    """Yuan spent from an allocation, leaving out one expense (the one being updated)."""
    filters = {"allocation_id": Op("eq", allocation_id)}
    if leaving_out is not None:
        filters["id"] = Op("ne", leaving_out)
    [row] = backend.aggregate(Expense, [], {"spent": total("amount")}, filters)
    amount: decimal.Decimal = row["spent"]
    return amount


def _expense(record: Expense, lookup: Lookup, backend: Backend) -> None:
    _defined_programme(record, lookup)
    allocation: Allocation = lookup.get(Allocation, record.allocation_id)
    if record.spent_on.year != allocation.year:
        raise RuleViolation(
            message(
                "expense dated {spent_on} is outside the year of allocation {allocation_id} "
                "({year})",
                spent_on=record.spent_on,
                allocation_id=allocation.id,
                year=allocation.year,
            )
        )
    if record.overspend_approved:
        return
    left = allocation.amount - spent(backend, allocation.id or 0, leaving_out=record.id)
    if record.amount > left:
        raise OverBudget(
            message(
                "expense of ¥{amount:,} exceeds what is left of the {year} "
                "allocation {allocation_id} (¥{left:,} of ¥{allocation_amount:,}); "
                "approve the overspend explicitly to record it",
                amount=record.amount,
                year=allocation.year,
                allocation_id=allocation.id,
                left=left,
                allocation_amount=allocation.amount,
            )
        )


def _mentorship(record: Mentorship, lookup: Lookup, backend: Backend) -> None:
    before = lookup.get(Mentorship, record.id) if record.id is not None else None
    lifecycle.check_mentorship(before, record)
    if record.status in cascade.COUNTING and not record.archived:
        cascade.check_no_cycle(backend, record)
    if record.id is not None:
        _meetings_within(record, backend)
    if record.status is MentorshipStatus.ACTIVE and not record.archived:
        _within_capacity(record, backend)


def _meetings_within(record: Mentorship, backend: Backend) -> None:
    """A pair's dates keep every meeting already logged for it."""
    outside = [Op("lt", record.starts_on)]
    if record.ends_on is not None:
        outside.append(Op("gt", record.ends_on))
    for op in outside:
        filters = {"mentorship_id": Op("eq", record.id), "held_on": op}
        for meeting in backend.find(Meeting, filters, limit=1):
            until = record.ends_on or message("now")
            raise RuleViolation(
                message(
                    "mentorship {record_id} cannot run from {starts_on} to {until}: "
                    "meeting {meeting_id} was held on {held_on}",
                    record_id=record.id,
                    starts_on=record.starts_on,
                    until=until,
                    meeting_id=meeting.id,
                    held_on=meeting.held_on,
                )
            )


def _active_pairs(backend: Backend, mentor_id: int) -> list[Mentorship]:
    found = backend.find(
        Mentorship,
        {
            "mentor_id": Op("eq", mentor_id),
            "status": Op("eq", MentorshipStatus.ACTIVE),
            "archived": Op("eq", False),
        },
    )
    return list(found)


def _programme(backend: Backend, name: str) -> Programme | None:
    found = list(backend.find(Programme, {"name": Op("eq", name)}, limit=1))
    return found[0] if found else None


def _within_capacity(record: Mentorship, backend: Backend) -> None:
    """A mentor's active mentees, across all programmes, stay within the smallest capacity
    of the programmes the mentor mentors in."""
    pairs = [p for p in _active_pairs(backend, record.mentor_id) if p.id != record.id]
    pairs.append(record)
    for name in sorted({p.programme for p in pairs}):
        programme = _programme(backend, name)
        limit = programme.mentor_capacity if programme is not None else None
        if limit is not None and len(pairs) > limit:
            raise RuleViolation(
                message(
                    "teacher {mentor_id} would mentor {pairs_count} teachers across "
                    "all programmes; programme {name!r} allows a mentor at most {limit}",
                    mentor_id=record.mentor_id,
                    pairs_count=len(pairs),
                    name=name,
                    limit=limit,
                )
            )


def _programme_rule(record: Programme, lookup: Lookup, backend: Backend) -> None:
    for other in backend.find(Programme, {"name": Op("eq", record.name)}):
        if other.id != record.id:
            raise RuleViolation(
                message(
                    "programme {record_name!r} already exists (programme {other_id})",
                    record_name=record.name,
                    other_id=other.id,
                )
            )
    if record.mentor_capacity is None:
        return
    mentors = backend.aggregate(
        Mentorship,
        ["mentor_id"],
        {"n": count()},
        {
            "programme": Op("eq", record.name),
            "status": Op("eq", MentorshipStatus.ACTIVE),
            "archived": Op("eq", False),
        },
    )
    for row in mentors:
        load = len(_active_pairs(backend, row["mentor_id"]))
        if load > record.mentor_capacity:
            raise RuleViolation(
                message(
                    "programme {record_name!r} cannot allow a mentor only "
                    "{mentor_capacity} mentees: teacher {mentor_id} already mentors "
                    "{load}",
                    record_name=record.name,
                    mentor_capacity=record.mentor_capacity,
                    mentor_id=row["mentor_id"],
                    load=load,
                )
            )


def _meeting(record: Meeting, lookup: Lookup, backend: Backend) -> None:
    pair: Mentorship = lookup.need(
        Mentorship, record.mentorship_id, by=record, field="mentorship_id"
    )
    _binding(record, pair, lookup)
    if record.corrects is not None:
        _correction(record, lookup, backend)
    if record.confirmed_by is not None and record.confirmed_by != pair.mentee_id:
        raise RuleViolation(
            message(
                "meeting of mentorship {pair_id} can only be confirmed by its "
                "mentee, teacher {mentee_id}, not teacher {confirmed_by}",
                pair_id=pair.id,
                mentee_id=pair.mentee_id,
                confirmed_by=record.confirmed_by,
            )
        )
    if record.held_on < pair.starts_on or (
        pair.ends_on is not None and record.held_on > pair.ends_on
    ):
        until = pair.ends_on or message("now")
        raise RuleViolation(
            message(
                "meeting on {held_on} is outside mentorship {pair_id}, which runs "
                "from {starts_on} to {until}",
                held_on=record.held_on,
                pair_id=pair.id,
                starts_on=pair.starts_on,
                until=until,
            )
        )


def _logged_unconfirmed(record: Meeting, lookup: Lookup) -> None:
    """One meeting added is logged unconfirmed: its mentee confirms it afterwards. (A
    bulk load, an import or a copy of past meetings, keeps their confirmations.)"""
    if record.id is None and record.confirmed_by is not None:
        pair = lookup.need(Mentorship, record.mentorship_id, by=record, field="mentorship_id")
        raise RuleViolation(
            message(
                "a meeting of mentorship {pair_id} is logged unconfirmed; its mentee, "
                "teacher {mentee_id}, confirms it afterwards",
                pair_id=pair.id,
                mentee_id=pair.mentee_id,
            )
        )


def _binding(record: Meeting, pair: Mentorship, lookup: Lookup) -> None:
    """Once its mentee confirms a meeting, it is frozen (it may still be archived or given
    a ref): a correction is a new meeting."""
    before: Meeting | None = None if record.id is None else lookup.get(Meeting, record.id)
    if before is not None and before.confirmed_by is not None:
        kept = attrs.evolve(
            record, archived=before.archived, revision=before.revision, ref=before.ref
        )
        if kept != before:
            raise RuleViolation(
                message(
                    "meeting {meeting_id} was confirmed by teacher {confirmed_by} and cannot "
                    "change; log a new meeting to correct it",
                    meeting_id=before.id,
                    confirmed_by=before.confirmed_by,
                )
            )


def _correction(record: Meeting, lookup: Lookup, backend: Backend) -> None:
    """A correction names a confirmed meeting of its own pair that no other meeting
    corrects already."""
    corrected: Meeting = lookup.need(Meeting, record.corrects or 0, by=record, field="corrects")
    if corrected.mentorship_id != record.mentorship_id or corrected.confirmed_by is None:
        raise RuleViolation(
            message(
                "meeting {meeting_id} cannot be corrected by a meeting of mentorship "
                "{pair_id}: only a confirmed meeting of the same pair is corrected",
                meeting_id=corrected.id,
                pair_id=record.mentorship_id,
            )
        )
    _unique(record, backend, ("corrects",), f"a correction of meeting {corrected.id} is")


def _unique(record: Stored, backend: Backend, names: tuple[str, ...], what: str) -> None:
    same = {name: Op("eq", getattr(record, name)) for name in names}
    for other in backend.find(type(record), same, limit=2):
        if other.id != record.id:
            raise RuleViolation(
                message(
                    "{what} already recorded ({kind} {other_id})",
                    what=what,
                    kind=noun(type(record)),
                    other_id=other.id,
                )
            )


def _participation(record: Participation, lookup: Lookup, backend: Backend) -> None:
    _unique(
        record,
        backend,
        ("activity_id", "teacher_id"),
        f"teacher {record.teacher_id} taking part in activity {record.activity_id} is",
    )


def _allocation(record: Allocation, lookup: Lookup, backend: Backend) -> None:
    if record.pairing_id is None:
        holder = f"organisation {record.school_id}"
        _unique(
            record,
            backend,
            ("school_id", "year"),
            f"an allocation to {holder} for {record.year} is",
        )
        return
    _unique(
        record,
        backend,
        ("pairing_id", "year"),
        f"an allocation to pairing {record.pairing_id} for {record.year} is",
    )


def _pairing(record: Pairing, lookup: Lookup, backend: Backend) -> None:
    """The same two schools are paired once at a time, whichever side supports."""
    schools = (record.supporting_school_id, record.supported_school_id)
    last = record.ended_on or dt.date.max
    for other in backend.find(
        Pairing,
        {
            "supporting_school_id": Op("in", schools),
            "supported_school_id": Op("in", schools),
            "signed_on": Op("le", last),
        },
    ):
        if other.id != record.id and (other.ended_on or dt.date.max) >= record.signed_on:
            first, second = (lookup.get(School, i) for i in schools)
            raise RuleViolation(
                message(
                    "{first} and {second} are already paired from {signed_on} (pairing "
                    "{other_id}); the same two schools cannot be paired twice at once",
                    first=describe(first, School, first.id),
                    second=describe(second, School, second.id),
                    signed_on=other.signed_on,
                    other_id=other.id,
                )
            )


def _placement_need(record: Need, lookup: Lookup, backend: Backend) -> None:
    _defined_programme(record, lookup)


def _application(record: Application, lookup: Lookup, backend: Backend) -> None:
    """Its programme is defined, and a teacher applies once per year and programme."""
    _defined_programme(record, lookup)
    programme = f" to {record.programme}" if record.programme else ""
    _unique(
        record,
        backend,
        ("teacher_id", "year", "programme"),
        f"an application of teacher {record.teacher_id}{programme} for {record.year} is",
    )


def _grant(record: Grant, lookup: Lookup, backend: Backend) -> None:
    """Its programme is defined, and a login holds a role in one scope once."""
    _defined_programme(record, lookup)
    _unique(
        record,
        backend,
        ("login", "role", "programme", "school_id", "archived"),
        f"the {record.role} role of user {record.login} is",
    )


def _rubric(record: Rubric, lookup: Lookup, backend: Backend) -> None:
    scoring.check_bands(record)


_RULES: dict[type[Stored], Callable[[Any, Lookup, Backend], None]] = {
    Rubric: _rubric,
    Programme: _programme_rule,
    Mentorship: _mentorship,
    Meeting: _meeting,
    Participation: _participation,
    Allocation: _allocation,
    Pairing: _pairing,
    Activity: _activity,
    Secondment: _secondment,
    Assessment: _assessment,
    Expense: _expense,
    Need: _placement_need,
    Application: _application,
    Grant: _grant,
}

READS_OWN_TYPE = frozenset(
    {
        Assessment,
        Expense,
        Mentorship,
        Programme,
        Participation,
        Allocation,
        Pairing,
        Application,
        Grant,
    }
)
"""Types whose rules read other records of the same type, so a bulk load of them must
store each row before checking the next."""


def check(record: Stored, lookup: Lookup, backend: Backend, *, bulk: bool = False) -> None:
    """Every rule for ``record`` (about to be added or to replace its stored version).

    In a bulk load the link and ``ref`` checks are left to the backend, which
    refuses a missing link or a repeated ref with the same errors.
    """
    if not bulk:
        check_links(record, lookup)
        check_ref(record, backend)
        if isinstance(record, Meeting):
            _logged_unconfirmed(record, lookup)
    rule = _RULES.get(type(record))
    if rule is not None:
        rule(record, lookup, backend)
