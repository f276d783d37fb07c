"""Strategies for valid records: one per stored type, :func:`records` and :func:`populations`.

Every record strategy builds *valid* records; the ids its links point to come
from strategies you pass in, so the same strategy serves a fresh store
(``st.sampled_from([1, 2])``) and a stateful test (a ``Bundle`` of stored ids).
Import these from :mod:`exchange.testing.strategies`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

import attrs
from hypothesis import strategies as st

from ..changelog import ACTIONS, Change
from ..enums import (
    ActivityKind,
    ExpenseCategory,
    MeetingKind,
    MentorshipStatus,
    PartnershipKind,
    Role,
    SecondmentKind,
    SecondmentStatus,
    Stage,
    Target,
    UserRole,
)
from ..fields import MAX_COUNT, MAX_NAME, MAX_TEXT
from ..models import (
    RECORD_TYPES,
    Activity,
    Allocation,
    Application,
    Assessment,
    Expense,
    Extension,
    Goal,
    Grant,
    Meeting,
    Mentorship,
    Milestone,
    Need,
    Pairing,
    Participation,
    Partnership,
    Programme,
    Rubric,
    School,
    Secondment,
    Stored,
    Teacher,
)
from ..sealing import PersonalKey
from .values import (
    MAX_ID,
    Ids,
    Refs,
    _finite,
    amounts,
    bands,
    counts,
    criteria,
    days,
    moments,
    names,
    refs,
    texts,
)


def _kind(cls: type[Stored], name: str) -> str:
    return str(attrs.fields_dict(cls)[name].metadata["kind"])


def _ordered_days(draw: st.DrawFn) -> tuple[dt.date, dt.date]:
    first, second = draw(days()), draw(days())
    return min(first, second), max(first, second)


def _maybe(draw: st.DrawFn, value: dt.date) -> dt.date | None:
    return value if draw(st.booleans()) else None


def _optional(ids: Ids | None) -> st.SearchStrategy[int | None]:
    return st.none() if ids is None else st.none() | ids


def _common(ref_values: Refs | None) -> dict[str, Any]:
    return {
        "ref": refs() if ref_values is None else ref_values,
        "archived": st.booleans(),
        "revision": st.integers(0, 2**63 - 1),
    }


def _two(ids: Ids) -> st.SearchStrategy[list[int]]:
    return st.lists(ids, min_size=2, max_size=2, unique=True)


def partnerships(*, refs: Refs | None = None) -> st.SearchStrategy[Partnership]:
    """Partnerships between two different regions, with optional start and end dates."""

    common = st.fixed_dictionaries(_common(refs))
    regions = st.lists(names(), min_size=2, max_size=2, unique=True)

    @st.composite
    def build(draw: st.DrawFn) -> Partnership:
        supporting, supported = draw(regions)
        started, ended = _ordered_days(draw)
        return Partnership(
            **draw(common),
            name=draw(names()),
            supporting_region=supporting,
            supported_region=supported,
            kind=draw(st.sampled_from(PartnershipKind)),
            started_on=_maybe(draw, started),
            ended_on=_maybe(draw, ended),
        )

    return build()


def schools(*, refs: Refs | None = None) -> st.SearchStrategy[School]:
    """Schools of every stage, rural or not."""
    return st.builds(
        School,
        **_common(refs),
        name=names(),
        region=names(),
        stage=st.sampled_from(Stage),
        rural=st.booleans(),
        keep_at_home=st.none() | counts(),
    )


def teachers(school_ids: Ids, *, refs: Refs | None = None) -> st.SearchStrategy[Teacher]:
    """Teachers at one of ``school_ids``, with subjects, roles, an optional phone and notes."""
    return st.builds(
        Teacher,
        **_common(refs),
        name=names(),
        school_id=school_ids,
        subjects=st.lists(names(), max_size=3, unique=True).map(tuple),
        roles=st.lists(st.sampled_from(Role), max_size=3, unique=True).map(tuple),
        phone=st.none() | names(),
        notes=texts(),
    )


def pairings(
    school_ids: Ids, partnership_ids: Ids | None = None, *, refs: Refs | None = None
) -> st.SearchStrategy[Pairing]:
    """Pairings of two different schools from ``school_ids`` (it must offer two)."""

    common = st.fixed_dictionaries(_common(refs))
    schools_, partnerships_ = _two(school_ids), _optional(partnership_ids)
    budgets = st.none() | amounts()

    @st.composite
    def build(draw: st.DrawFn) -> Pairing:
        supporting, supported = draw(schools_)
        signed, ended = _ordered_days(draw)
        return Pairing(
            **draw(common),
            supporting_school_id=supporting,
            supported_school_id=supported,
            partnership_id=draw(partnerships_),
            signed_on=signed,
            ended_on=_maybe(draw, ended),
            annual_budget=draw(budgets),
        )

    return build()


def secondments(
    teacher_ids: Ids,
    school_ids: Ids,
    pairing_ids: Ids | None = None,
    *,
    refs: Refs | None = None,
    need_ids: Ids | None = None,
) -> st.SearchStrategy[Secondment]:
    """Secondments of every kind and status; the return, if any, is after the start;
    the need it fills from ``need_ids``, or none."""

    common = st.fixed_dictionaries(_common(refs))
    pairings_, needs_ = _optional(pairing_ids), _optional(need_ids)

    @st.composite
    def build(draw: st.DrawFn) -> Secondment:
        starts, ends = _ordered_days(draw)
        returned = draw(days())
        return Secondment(
            **draw(common),
            teacher_id=draw(teacher_ids),
            host_school_id=draw(school_ids),
            kind=draw(st.sampled_from(SecondmentKind)),
            starts_on=starts,
            ends_on=ends,
            status=draw(st.sampled_from(SecondmentStatus)),
            pairing_id=draw(pairings_),
            returned_on=_maybe(draw, min(max(returned, starts), ends)),
            post=draw(texts(limit=MAX_NAME)),
            reason=draw(texts()),
            extensions=draw(extension_histories(ends, starts)),
            need_id=draw(needs_),
        )

    return build()


@st.composite
def extension_histories(
    draw: st.DrawFn, ends_on: dt.date, starts_on: dt.date = dt.date.min
) -> tuple[Extension, ...]:
    """Zero to two extensions that follow on, begin on or after ``starts_on`` and finish
    at ``ends_on``."""
    steps = draw(st.lists(st.integers(1, 400), max_size=2))
    out: list[Extension] = []
    new_end = ends_on
    for step in steps:
        if new_end.toordinal() - step < starts_on.toordinal():
            break
        previous = new_end - dt.timedelta(days=step)
        out.append(Extension(previous_end=previous, new_end=new_end, reason=draw(texts())))
        new_end = previous
    return tuple(reversed(out))


def mentorships(teacher_ids: Ids, *, refs: Refs | None = None) -> st.SearchStrategy[Mentorship]:
    """Mentor pairs of two different teachers from ``teacher_ids`` (it must offer two)."""

    common = st.fixed_dictionaries(_common(refs))
    teachers_ = _two(teacher_ids)

    @st.composite
    def build(draw: st.DrawFn) -> Mentorship:
        mentor, mentee = draw(teachers_)
        starts, ends = _ordered_days(draw)
        return Mentorship(
            **draw(common),
            mentor_id=mentor,
            mentee_id=mentee,
            programme=draw(names()),
            starts_on=starts,
            ends_on=_maybe(draw, ends),
            status=draw(st.sampled_from(MentorshipStatus)),
            reason=draw(texts()),
        )

    return build()


def programmes(*, refs: Refs | None = None) -> st.SearchStrategy[Programme]:
    """Mentoring programmes with up to four level targets and an optional mentor capacity."""
    return st.builds(
        Programme,
        **_common(refs),
        name=names(),
        targets=st.lists(st.integers(1, 100_000), max_size=4).map(tuple),
        mentor_capacity=st.none() | st.integers(1, 10_000),
        notes=texts(),
    )


def goals(mentorship_ids: Ids, *, refs: Refs | None = None) -> st.SearchStrategy[Goal]:
    """Goals of one of ``mentorship_ids`` with distinct milestones, some reached."""
    milestone = st.builds(
        Milestone,
        title=names(limit=40),
        due_on=st.none() | days(),
        done_on=st.none() | days(),
    )
    return st.builds(
        Goal,
        **_common(refs),
        mentorship_id=mentorship_ids,
        title=names(),
        milestones=st.lists(milestone, max_size=3, unique_by=lambda m: m.title).map(tuple),
        achieved_on=st.none() | days(),
        notes=texts(),
    )


def meetings(
    mentorship_ids: Ids, teacher_ids: Ids | None = None, *, refs: Refs | None = None
) -> st.SearchStrategy[Meeting]:
    """Meetings of one of ``mentorship_ids``; ``confirmed_by`` from ``teacher_ids`` or None."""
    return st.builds(
        Meeting,
        **_common(refs),
        mentorship_id=mentorship_ids,
        held_on=days(),
        minutes=st.integers(1, 24 * 60),
        kind=st.sampled_from(MeetingKind),
        notes=texts(),
        confirmed_by=_optional(teacher_ids),
    )


def participations(
    activity_ids: Ids, teacher_ids: Ids, *, refs: Refs | None = None
) -> st.SearchStrategy[Participation]:
    """One of ``teacher_ids`` taking part in one of ``activity_ids``."""
    return st.builds(
        Participation, **_common(refs), activity_id=activity_ids, teacher_id=teacher_ids
    )


def activities(
    *,
    partnership_ids: Ids | None = None,
    pairing_ids: Ids | None = None,
    school_ids: Ids | None = None,
    teacher_ids: Ids | None = None,
    refs: Refs | None = None,
) -> st.SearchStrategy[Activity]:
    """Activities of every kind; each link is ``None`` or drawn from its ids, if given."""
    return st.builds(
        Activity,
        **_common(refs),
        kind=st.sampled_from(ActivityKind),
        title=names(),
        held_on=days(),
        partnership_id=_optional(partnership_ids),
        pairing_id=_optional(pairing_ids),
        school_id=_optional(school_ids),
        teacher_id=_optional(teacher_ids),
        lessons=counts(),
        attendees=counts(),
        students=counts(),
        notes=texts(),
    )


def rubrics(*, refs: Refs | None = None) -> st.SearchStrategy[Rubric]:
    """Rubrics with nested, weighted criteria and grade bands."""
    return st.builds(
        Rubric,
        **_common(refs),
        name=names(),
        version=st.integers(1, 10_000),
        target=st.sampled_from(Target),
        criteria=criteria(),
        bands=bands(),
    )


def assessments(rubric_ids: Ids, *, refs: Refs | None = None) -> st.SearchStrategy[Assessment]:
    """Assessments against one of ``rubric_ids``, with scores keyed by text."""
    return st.builds(
        Assessment,
        **_common(refs),
        rubric_id=rubric_ids,
        target_id=st.sampled_from([1, MAX_ID]) | st.integers(1, MAX_ID),
        period=names(limit=20),
        assessor=names(),
        assessed_on=days(),
        scores=st.dictionaries(names(limit=20), _finite(), max_size=4),
        notes=texts(),
    )


def allocations(pairing_ids: Ids, *, refs: Refs | None = None) -> st.SearchStrategy[Allocation]:
    """Money granted to one of ``pairing_ids`` for a year from 1900 to 2999."""
    return st.builds(
        Allocation,
        **_common(refs),
        pairing_id=pairing_ids,
        year=st.integers(1900, 2999),
        amount=amounts(),
        source=texts(limit=MAX_NAME),
    )


def expenses(
    allocation_ids: Ids,
    secondment_ids: Ids | None = None,
    activity_ids: Ids | None = None,
    *,
    refs: Refs | None = None,
) -> st.SearchStrategy[Expense]:
    """Expenses from one of ``allocation_ids``, optionally tied to a secondment or activity."""
    return st.builds(
        Expense,
        **_common(refs),
        allocation_id=allocation_ids,
        spent_on=days(),
        amount=amounts(),
        category=st.sampled_from(ExpenseCategory),
        description=texts(),
        secondment_id=_optional(secondment_ids),
        activity_id=_optional(activity_ids),
        overspend_approved=st.booleans(),
    )


def placement_needs(school_ids: Ids, *, refs: Refs | None = None) -> st.SearchStrategy[Need]:
    """Needs of one of ``school_ids``: a subject or none, a stage or none, 1 place or more."""

    common = st.fixed_dictionaries(_common(refs))

    @st.composite
    def build(draw: st.DrawFn) -> Need:
        starts, ends = _ordered_days(draw)
        return Need(
            **draw(common),
            host_school_id=draw(school_ids),
            subject=draw(texts(limit=MAX_NAME)),
            stage=draw(st.none() | st.sampled_from(Stage)),
            places=draw(st.integers(1, MAX_COUNT)),
            starts_on=starts,
            ends_on=ends,
            kind=draw(st.sampled_from(SecondmentKind)),
            programme=draw(texts(limit=MAX_NAME)),
            notes=draw(texts()),
        )

    return build()


def applications(teacher_ids: Ids, *, refs: Refs | None = None) -> st.SearchStrategy[Application]:
    """Applications of one of ``teacher_ids`` for a year, perhaps between two days."""

    common = st.fixed_dictionaries(_common(refs))

    @st.composite
    def build(draw: st.DrawFn) -> Application:
        first, last = _ordered_days(draw)
        return Application(
            **draw(common),
            teacher_id=draw(teacher_ids),
            year=draw(st.integers(1900, 2999)),
            programme=draw(texts(limit=MAX_NAME)),
            subject=draw(texts(limit=MAX_NAME)),
            available_from=_maybe(draw, first),
            available_until=_maybe(draw, last),
            notes=draw(texts()),
        )

    return build()


def grants(
    school_ids: Ids, teacher_ids: Ids, *, refs: Refs | None = None
) -> st.SearchStrategy[Grant]:
    """Grants of every role: a school administrator's names one of ``school_ids``, a
    mentor's or a mentee's one of ``teacher_ids``."""

    common = st.fixed_dictionaries(_common(refs))

    @st.composite
    def build(draw: st.DrawFn) -> Grant:
        role = draw(st.sampled_from(UserRole))
        return Grant(
            **draw(common),
            login=draw(names()),
            role=role,
            programme=draw(texts(limit=MAX_NAME)),
            school_id=draw(school_ids) if role is UserRole.SCHOOL_ADMIN else None,
            teacher_id=draw(teacher_ids) if role in (UserRole.MENTOR, UserRole.MENTEE) else None,
            notes=draw(texts()),
        )

    return build()


def changes() -> st.SearchStrategy[Change]:
    """Change-log entries as a backend stores them (the hash chain is not checked here)."""
    hexes = st.text("0123456789abcdef", min_size=64, max_size=64)
    return st.builds(
        Change,
        at=moments(),
        actor=names(),
        action=st.sampled_from(ACTIONS),
        record_type=st.sampled_from([cls.table for cls in RECORD_TYPES]),
        record_id=st.none() | st.integers(-MAX_ID - 1, MAX_ID),
        before=st.none() | names(limit=MAX_TEXT),
        after=st.none() | names(limit=MAX_TEXT),
        prev_hash=hexes,
        hash=hexes,
    )


def personal_keys() -> st.SearchStrategy[PersonalKey]:
    """Keys of people's sealed values, as a backend stores them."""
    return st.builds(PersonalKey, person_id=st.integers(1, MAX_ID), key=names())


def _need(ids: Mapping[str, Ids], table: str, what: str) -> Ids:
    if table not in ids:
        raise ValueError(f"records({what}) needs ids for {table!r} to link to")
    return ids[table]


def records(
    cls: type[Stored], ids: Mapping[str, Ids] | None = None, *, refs: Refs | None = None
) -> st.SearchStrategy[Stored]:
    """Valid records of ``cls``; ``ids`` maps a table name (``"schools"``) to the ids links use.

    Required links need their table in ``ids``; optional links whose table is
    missing stay ``None``.
    """
    got = dict(ids or {})
    name = cls.__name__

    def need(table: str) -> Ids:
        return _need(got, table, name)

    builders: dict[type[Stored], Callable[[], st.SearchStrategy[Any]]] = {
        Partnership: lambda: partnerships(refs=refs),
        School: lambda: schools(refs=refs),
        Teacher: lambda: teachers(need("schools"), refs=refs),
        Pairing: lambda: pairings(need("schools"), got.get("partnerships"), refs=refs),
        Secondment: lambda: secondments(
            need("teachers"),
            need("schools"),
            got.get("pairings"),
            refs=refs,
            need_ids=got.get("placement_needs"),
        ),
        Programme: lambda: programmes(refs=refs),
        Mentorship: lambda: mentorships(need("teachers"), refs=refs),
        Goal: lambda: goals(need("mentorships"), refs=refs),
        Meeting: lambda: meetings(need("mentorships"), got.get("teachers"), refs=refs),
        Participation: lambda: participations(need("activities"), need("teachers"), refs=refs),
        Activity: lambda: activities(
            partnership_ids=got.get("partnerships"),
            pairing_ids=got.get("pairings"),
            school_ids=got.get("schools"),
            teacher_ids=got.get("teachers"),
            refs=refs,
        ),
        Rubric: lambda: rubrics(refs=refs),
        Assessment: lambda: assessments(need("rubrics"), refs=refs),
        Allocation: lambda: allocations(need("pairings"), refs=refs),
        Expense: lambda: expenses(
            need("allocations"), got.get("secondments"), got.get("activities"), refs=refs
        ),
        Need: lambda: placement_needs(need("schools"), refs=refs),
        Application: lambda: applications(need("teachers"), refs=refs),
        Grant: lambda: grants(need("schools"), need("teachers"), refs=refs),
        Change: changes,
        PersonalKey: personal_keys,
    }
    return builders[cls]()


_NEEDS: dict[type[Stored], tuple[str, int]] = {Pairing: ("schools", 2), Mentorship: ("teachers", 2)}


def _ref_key(record: Stored) -> object:
    ref = getattr(record, "ref", None)
    return object() if ref is None else ref


@st.composite
def populations(draw: st.DrawFn, *, max_per_type: int = 2) -> list[Stored]:
    """Records of every stored type, in an order a fresh store can take them.

    Links point at the ids the records before them get in a fresh store (1, 2,
    … per type); refs are unique per type. A type whose required links have no
    target is left out.
    """
    stored: dict[str, int] = {}
    out: list[Stored] = []
    types: tuple[type[Stored], ...] = (*RECORD_TYPES, Change)
    for cls in types:
        ids = {table: st.integers(1, n) for table, n in stored.items() if n}
        table, least = _NEEDS.get(cls, ("", 0))
        try:
            strategy = records(cls, ids)
        except ValueError:
            continue
        if least and stored.get(table, 0) < least:
            continue
        batch = draw(st.lists(strategy, max_size=max_per_type, unique_by=_ref_key))
        stored[cls.table] = len(batch)
        out.extend(batch)
    return out
