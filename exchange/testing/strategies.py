"""Hypothesis strategies for records, bad inputs and queries, and fixed example records.

- values: :func:`names`, :func:`texts`, :func:`refs`, :func:`days`, :func:`moments`,
  :func:`amounts`, :func:`counts`, :func:`criteria`, :func:`bands`;
- records: one strategy per stored type (:func:`schools`, :func:`teachers`, …),
  :func:`records` for any type, :func:`populations` for a whole fresh store;
- mistakes: :func:`invalid_inputs` (each one a :class:`BadInput`);
- queries: :func:`filters`, :func:`orderings`, :func:`groupings`, :func:`measures`;
- fixed examples: :func:`programme` and :func:`samples`.

Every record strategy builds *valid* records; the ids its links point to come
from strategies you pass in, so the same strategy serves a fresh store
(``st.sampled_from([1, 2])``) and a stateful test (a ``Bundle`` of stored ids)::

    from hypothesis import given, strategies as st
    from exchange.testing import strategies as xs

    @given(xs.teachers(school_ids=st.sampled_from([1, 2, 3])))
    def test_teacher(teacher): ...

Text mixes Chinese (CJK, full-width punctuation), emoji and any other
character except NUL and surrogates; names are already stripped and non-empty;
every limit is reached (names of exactly ``MAX_NAME`` characters, counts of
``MAX_COUNT``, money at ``MAX_YUAN`` and to the fen, dates from 0001-01-01 to
9999-12-31).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal
import functools
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs
from hypothesis import strategies as st

from ..backend import STORED_TYPES
from ..changelog import ACTIONS, Change, make_change
from ..enums import (
    ActivityKind,
    ExpenseCategory,
    Grade,
    MentorshipStatus,
    PartnershipKind,
    Role,
    SecondmentKind,
    SecondmentStatus,
    Stage,
    Target,
)
from ..errors import InvalidRecord
from ..fields import MAX_COUNT, MAX_NAME, MAX_TEXT
from ..models import (
    RECORD_TYPES,
    STANDARD_BANDS,
    Activity,
    Allocation,
    Assessment,
    Criterion,
    Expense,
    GradeBand,
    Mentorship,
    Pairing,
    Partnership,
    Rubric,
    School,
    Secondment,
    Stored,
    Teacher,
)
from ..money import MAX_YUAN
from ..query import (
    ORDERED_KINDS,
    Measure,
    Op,
    OpName,
    check_measures,
    check_order,
    count,
    largest,
    normalize,
    smallest,
    total,
)

Ids = st.SearchStrategy[int]
"""A strategy of record ids that a link may point to."""
Refs = st.SearchStrategy[str | None]
"""A strategy of ``ref`` values (``None`` for no ref)."""

MAX_ID = 2**63 - 1
"""The largest id a link can hold (a signed 64-bit integer)."""

_FULL_WIDTH = "，。、；：？！“”‘’（）《》【】…—·～￥　"
_SEED_NAMES = (
    "惠阳区半岛学校",
    "贞丰县第五中学",
    "惠陽區半島學校",
    "长沙市长郡中学",
    "怀化市鹤城区迎丰小学",
    "成华区双林小学（丹巴分校）",
    "广州市第六中学·清远班",
    "百千万“名师”工程",
    "贵州省黔西南州贞丰县",
    "广东省惠州市惠阳区",
)

_characters = st.one_of(
    st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),  # CJK
    st.sampled_from(_FULL_WIDTH),
    st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF),  # emoji
    st.characters(min_codepoint=0x20000, max_codepoint=0x2A6DF),  # CJK extension B
    st.characters(codec="utf-8", exclude_characters="\x00"),  # anything but NUL/surrogates
)
_solid = _characters.filter(lambda c: not c.isspace())


@functools.cache
def _exactly(size: int, chars: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Text of exactly ``size`` characters, built by repeating a short random chunk."""
    return st.text(chars, min_size=1, max_size=8).map(lambda s: (s * size)[:size])


@functools.cache
def names(*, limit: int = MAX_NAME) -> st.SearchStrategy[str]:
    """Non-empty, already stripped names, including ones of exactly ``limit`` characters."""
    return st.one_of(
        st.sampled_from(_SEED_NAMES),
        st.text(_characters, min_size=1, max_size=min(limit, 30)).map(str.strip).filter(bool),
        _exactly(limit, _solid),
    )


@functools.cache
def texts(*, limit: int = MAX_TEXT) -> st.SearchStrategy[str]:
    """Free text (notes, reasons): empty, short, with any spacing, or exactly ``limit`` long."""
    return st.one_of(
        st.just(""), st.text(_characters, max_size=min(limit, 40)), _exactly(limit, _characters)
    )


@functools.cache
def refs() -> Refs:
    """Optional external keys: ``None`` or a stripped, non-empty name."""
    return st.none() | names()


@functools.cache
def days() -> st.SearchStrategy[dt.date]:
    """Dates, with the extremes 0001-01-01 and 9999-12-31 and a leap day likely."""
    return st.sampled_from([dt.date.min, dt.date.max, dt.date(2024, 2, 29)]) | st.dates()


@functools.cache
def moments() -> st.SearchStrategy[dt.datetime]:
    """Aware times (the change log's ``at``) at any UTC offset, to the microsecond.

    Records keep them in UTC; the extremes are 0001-01-01 and 9999-12-31 in UTC.
    """
    utc = dt.timezone.utc
    edges = [dt.datetime.min.replace(tzinfo=utc), dt.datetime.max.replace(tzinfo=utc)]
    inner = st.datetimes(dt.datetime(1, 1, 2), dt.datetime(9999, 12, 30), timezones=st.just(utc))
    minutes = st.integers(-23 * 60 - 59, 23 * 60 + 59)
    offsets = minutes.map(lambda m: dt.timezone(dt.timedelta(minutes=m)))
    shifted = st.builds(lambda t, tz: t.astimezone(tz), inner, offsets)
    return st.sampled_from(edges) | shifted


def _ordered_days(draw: st.DrawFn) -> tuple[dt.date, dt.date]:
    first, second = draw(days()), draw(days())
    return min(first, second), max(first, second)


def _maybe(draw: st.DrawFn, value: dt.date) -> dt.date | None:
    return value if draw(st.booleans()) else None


@functools.cache
def amounts() -> st.SearchStrategy[decimal.Decimal]:
    """Money in yuan: zero, one fen, ``MAX_YUAN`` and anything between, to the fen."""
    fen = decimal.Decimal("0.01")
    return st.sampled_from([fen * 0, fen, MAX_YUAN, MAX_YUAN - fen]) | st.decimals(
        min_value=0, max_value=MAX_YUAN, places=2
    ).map(lambda d: d.quantize(fen))


@functools.cache
def counts() -> st.SearchStrategy[int]:
    """Lesson, attendee and student counts, from 0 to ``MAX_COUNT``."""
    return st.sampled_from([0, MAX_COUNT]) | st.integers(0, MAX_COUNT)


@functools.cache
def _positive() -> st.SearchStrategy[float]:
    return st.integers(1, 100).map(float) | st.floats(
        min_value=0.0, exclude_min=True, allow_nan=False, allow_infinity=False
    )


@functools.cache
def _finite() -> st.SearchStrategy[float]:
    return st.floats(allow_nan=False, allow_infinity=False)


@st.composite
def criteria(draw: st.DrawFn) -> tuple[Criterion, ...]:
    """A rubric's criteria: one to five leaves with distinct keys, some grouped under a parent."""
    keys = draw(st.lists(names(limit=20), min_size=1, max_size=5, unique=True))
    out: list[Criterion] = []
    while keys:
        size = draw(st.integers(1, len(keys)))
        group, keys = keys[:size], keys[size:]
        leaves = tuple(
            Criterion(
                key=k, name=draw(names()), weight=draw(_positive()), max_score=draw(_positive())
            )
            for k in group
        )
        if size == 1 and draw(st.booleans()):
            out.append(leaves[0])
        else:
            out.append(Criterion(key=draw(names()), name=draw(names()), children=leaves))
    return tuple(out)


@functools.cache
def bands() -> st.SearchStrategy[tuple[GradeBand, ...]]:
    """Grade bands: the standard ones, none, or a few of any shape."""
    band = st.builds(GradeBand, grade=st.sampled_from(Grade), min_total=_finite())
    return st.just(STANDARD_BANDS) | st.lists(band, max_size=4).map(tuple)


def _optional(ids: Ids | None) -> st.SearchStrategy[int | None]:
    return st.none() if ids is None else st.none() | ids


def _common(ref_values: Refs | None) -> dict[str, Any]:
    return {"ref": refs() if ref_values is None else ref_values, "archived": st.booleans()}


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
    teacher_ids: Ids, school_ids: Ids, pairing_ids: Ids | None = None, *, refs: Refs | None = None
) -> st.SearchStrategy[Secondment]:
    """Secondments of every kind and status; the return, if any, is after the start."""

    common = st.fixed_dictionaries(_common(refs))
    pairings_ = _optional(pairing_ids)

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
            returned_on=_maybe(draw, max(returned, starts)),
            post=draw(texts(limit=MAX_NAME)),
            reason=draw(texts()),
        )

    return build()


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
            need("teachers"), need("schools"), got.get("pairings"), refs=refs
        ),
        Mentorship: lambda: mentorships(need("teachers"), refs=refs),
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
        Change: changes,
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


# -- bad inputs -----------------------------------------------------------------


@attrs.frozen(eq=False)
class BadInput:
    """Arguments that a record class must refuse with :class:`~exchange.errors.InvalidRecord`."""

    cls: type[Stored]
    kwargs: Mapping[str, Any]
    problem: str
    """What is wrong, in words (for failure messages)."""

    def build(self) -> Stored:
        """Construct the record (which should raise)."""
        return self.cls(**self.kwargs)


_LINKS: Mapping[str, Ids] = {cls.table: st.integers(1, 99) for cls in RECORD_TYPES}
_BAD_TEXT = {
    "empty": st.sampled_from(["", " ", "\u3000", "\t\n"]),
    "NUL": st.sampled_from(["\x00", "惠阳\x00学校", "a\x00"]),
    "not Unicode": st.sampled_from(["\ud800", "惠阳\udfff学校"]),
    "too long": _exactly(MAX_TEXT + 1, _solid),
}
_BAD_BY_KIND: dict[str, dict[str, st.SearchStrategy[Any]]] = {
    "date": {"not a date": st.sampled_from(["2024-02-30", "2024-13-01", "昨天", 20240101])},
    "money": {
        "negative": st.sampled_from([decimal.Decimal("-0.01"), -1, "-5", "¥-100"]),
        "over two places": st.sampled_from([decimal.Decimal("0.001"), "1.005", "12.345"]),
        "a float": st.sampled_from([0.1, 100.0]),
        "too large": st.just(MAX_YUAN + decimal.Decimal("0.01")),
        "not money": st.sampled_from(["abc", "NaN", "Infinity", "1e999999"]),
    },
    "int": {"out of range": st.sampled_from([-1, 2**63, True, 1.5, "十"])},
    "link": {"not an id": st.sampled_from([0, -1, True, 2**63, "x"])},
    "bool": {"not a flag": st.sampled_from(["yes", 1, None])},
    "enum": {"not a member": st.sampled_from(["nonsense", "", "支 教"])},
    "datetime": {"naive": st.datetimes(timezones=st.none())},
}
_UNCHECKED = {(Change, "record_id"), (Change, "before"), (Change, "after"), (Assessment, "scores")}


def _field_mistakes(cls: type[Stored]) -> list[tuple[str, str, st.SearchStrategy[Any]]]:
    """``(field, problem, bad values)`` for each field of ``cls`` the converters must refuse."""
    out: list[tuple[str, str, st.SearchStrategy[Any]]] = []
    for field in attrs.fields(cls):
        kind = field.metadata["kind"]
        if kind == "id" or (cls, field.name) in _UNCHECKED:
            continue
        if kind == "text":
            required = field.default is attrs.NOTHING
            for problem, values in _BAD_TEXT.items():
                if problem != "empty" or required:
                    out.append((field.name, f"{problem} text", values))
        elif kind == "json" and "encode" not in field.metadata:
            bad = st.sampled_from([("",), (" ",), ("a\x00",)])
            out.append((field.name, "a bad list item", bad))
        elif kind in _BAD_BY_KIND:
            out.extend((field.name, p, v) for p, v in _BAD_BY_KIND[kind].items())
    return out


_SWAPS = {
    Partnership: [("started_on", "ended_on"), ("supporting_region", "supported_region")],
    Pairing: [("signed_on", "ended_on"), ("supporting_school_id", "supported_school_id")],
    Secondment: [("starts_on", "ends_on"), ("starts_on", "returned_on")],
    Mentorship: [("starts_on", "ends_on"), ("mentor_id", "mentee_id")],
}
"""Pairs of fields where the second must differ from, or come after, the first."""


def _valid_kwargs(record: Stored) -> dict[str, Any]:
    return {f.name: getattr(record, f.name) for f in attrs.fields(type(record)) if f.name != "id"}


@st.composite
def _relational(draw: st.DrawFn, cls: type[Stored]) -> BadInput:
    kwargs = _valid_kwargs(draw(records(cls, _LINKS)))
    first, second = draw(st.sampled_from(_SWAPS[cls]))
    if _kind(cls, first) == "date":
        later = draw(st.dates(min_value=dt.date(1, 1, 2)))
        kwargs[first], kwargs[second] = later, later - dt.timedelta(days=1)
        return BadInput(cls, kwargs, f"{second} before {first}")
    kwargs[second] = kwargs[first]
    return BadInput(cls, kwargs, f"{second} equal to {first}")


@st.composite
def _field_mistake(draw: st.DrawFn, cls: type[Stored]) -> BadInput:
    kwargs = _valid_kwargs(draw(records(cls, _LINKS)))
    name, problem, values = draw(st.sampled_from(_field_mistakes(cls)))
    kwargs[name] = draw(values)
    return BadInput(cls, kwargs, f"{name}: {problem}")


@st.composite
def _bad_rubric(draw: st.DrawFn) -> BadInput:
    kwargs = _valid_kwargs(draw(rubrics()))
    leaf = Criterion(key="教学", name="教学成果")
    kwargs["criteria"] = draw(st.sampled_from([(), (leaf, leaf)]))
    return BadInput(Rubric, kwargs, "no criteria, or a repeated criterion key")


def invalid_inputs(cls: type[Stored] | None = None) -> st.SearchStrategy[BadInput]:
    """Arguments one mistake away from a valid record of ``cls`` (any stored type if ``None``).

    Mistakes: empty or blank names, NUL characters, text over its limit, bad
    dates, an end before its start, a school paired with itself, negative money,
    more than two decimal places, floats for money, counts out of range, bad
    links, flags and vocabulary terms, naive times.
    """
    types: tuple[type[Stored], ...] = (*RECORD_TYPES, Change) if cls is None else (cls,)
    options: list[st.SearchStrategy[BadInput]] = [_field_mistake(t) for t in types]
    options += [_relational(t) for t in types if t in _SWAPS]
    if Rubric in types:
        options.append(_bad_rubric())
    return st.one_of(options)


# -- queries -------------------------------------------------------------------


def _kind(cls: type[Stored], name: str) -> str:
    return str(attrs.fields_dict(cls)[name].metadata["kind"])


def _list_field(cls: type[Stored], name: str) -> bool:
    """Fields ``has()`` works on: lists of terms or words (roles, subjects)."""
    field = attrs.fields_dict(cls)[name]
    return field.metadata["kind"] == "json" and "encode" not in field.metadata


def _generic_values(cls: type[Stored], name: str) -> st.SearchStrategy[Any]:
    field = attrs.fields_dict(cls)[name]
    kind = field.metadata["kind"]
    enum_cls = field.metadata.get("enum")
    if enum_cls is not None:
        return st.sampled_from(enum_cls)
    if kind == "json":
        return st.sampled_from(["数学", "语文"]) | names()
    if kind in ("id", "link", "int"):
        return st.integers(0, 9) | st.sampled_from([MAX_COUNT, MAX_ID, -1])
    if kind == "text":
        return st.sampled_from(["", "A", "惠阳", "😀"]) | st.text(_characters, max_size=3)
    by_kind = {"date": days(), "datetime": moments(), "money": amounts()}
    return by_kind.get(kind, st.booleans())


@attrs.frozen
class _Plan:
    """What the query strategies of one type draw from, built once per type."""

    fields: st.SearchStrategy[list[str]]
    values: Mapping[str, st.SearchStrategy[Any]]
    ordering: st.SearchStrategy[tuple[tuple[str, bool], ...]]
    grouping: st.SearchStrategy[tuple[str, ...]]
    summable: st.SearchStrategy[str] | None
    ordered: st.SearchStrategy[str]
    counted: st.SearchStrategy[str | None]


_PLANS: dict[type[Stored], _Plan] = {}
_PLAIN_OPS: st.SearchStrategy[OpName] = st.sampled_from(["eq", "ne", "in"])
_ALL_OPS: st.SearchStrategy[OpName] = st.sampled_from(["eq", "ne", "in", "lt", "le", "gt", "ge"])
_FUNCS = st.sampled_from(["count", "sum", "min", "max"])


def _plan(cls: type[Stored]) -> _Plan:
    if cls not in _PLANS:
        everything = [f.name for f in attrs.fields(cls)]
        flat = [n for n in everything if _kind(cls, n) != "json"]
        filterable = [n for n in everything if _kind(cls, n) != "json" or _list_field(cls, n)]
        summable = [n for n in everything if _kind(cls, n) in ("int", "money")]
        signed = st.sampled_from(flat).flatmap(lambda k: st.sampled_from([k, "-" + k]))
        _PLANS[cls] = _Plan(
            fields=st.lists(st.sampled_from(filterable), max_size=2, unique=True),
            values={n: _generic_values(cls, n) for n in filterable},
            ordering=st.lists(signed, max_size=3, unique_by=lambda k: k.lstrip("-")).map(
                lambda order: check_order(cls, order)
            ),
            grouping=st.lists(st.sampled_from(flat), max_size=2, unique=True).map(tuple),
            summable=st.sampled_from(summable) if summable else None,
            ordered=st.sampled_from([n for n in everything if _kind(cls, n) in ORDERED_KINDS]),
            counted=st.none() | st.sampled_from(everything),
        )
    return _PLANS[cls]


def _draw_value(draw: st.DrawFn, cls: type[Stored], name: str, samples: Sequence[Any]) -> Any:
    use_sample: bool = bool(samples) and draw(st.booleans())
    if use_sample:
        return samples[draw(st.integers(0, len(samples) - 1))]
    return draw(_plan(cls).values[name])


def filter_values(
    cls: type[Stored], name: str, samples: Sequence[Any] = ()
) -> st.SearchStrategy[Any]:
    """Values to compare field ``name`` of ``cls`` with (list items for list fields).

    ``samples`` (values found in stored records) are mixed in so filters match.
    """
    generic = _plan(cls).values[name]
    return st.sampled_from(samples) | generic if samples else generic


def filters(
    cls: type[Stored], samples: Mapping[str, Sequence[Any]] | None = None
) -> st.SearchStrategy[dict[str, Op]]:
    """Normalised filters on up to two fields of ``cls``, as backends receive them.

    Every operator appears, ``None`` too; ``samples`` maps field names to values
    seen in stored records, so that filters match something.
    """
    return st.composite(draw_filters)(cls, samples)


def draw_filters(
    draw: st.DrawFn, cls: type[Stored], samples: Mapping[str, Sequence[Any]] | None = None
) -> dict[str, Op]:
    """Draw what :func:`filters` gives, inside a composite strategy (no new strategy per draw)."""
    raw: dict[str, Op] = {}
    for name in draw(_plan(cls).fields):
        seen = (samples or {}).get(name, ())
        kind = _kind(cls, name)
        if kind == "json":
            raw[name] = Op("has", _draw_value(draw, cls, name, seen))
            continue
        op = draw(_ALL_OPS if kind in ORDERED_KINDS else _PLAIN_OPS)
        if op == "in":
            size = draw(st.integers(0, 3))
            values = [_draw_value(draw, cls, name, seen) for _ in range(size)]
            raw[name] = Op("in", tuple(None if draw(st.integers(0, 5)) == 0 else v for v in values))
        elif op in ("eq", "ne") and draw(st.integers(0, 4)) == 0:
            raw[name] = Op(op, None)
        else:
            raw[name] = Op(op, _draw_value(draw, cls, name, seen))
    out: dict[str, Op] = {}
    for name, wanted in raw.items():
        # e.g. lt("") on a ref is refused: a blank ref is None, which cannot be compared
        with contextlib.suppress(InvalidRecord):
            out.update(normalize(cls, {name: wanted}))
    return out


def orderings(cls: type[Stored]) -> st.SearchStrategy[tuple[tuple[str, bool], ...]]:
    """``order_by`` arguments: up to three ``(field, descending)`` pairs."""
    return _plan(cls).ordering


def groupings(cls: type[Stored]) -> st.SearchStrategy[tuple[str, ...]]:
    """``group_by`` arguments: up to two fields that are not lists."""
    return _plan(cls).grouping


@st.composite
def measures(
    draw: st.DrawFn, cls: type[Stored], group_by: Sequence[str] = ()
) -> dict[str, Measure]:
    """Up to three measures (count, sum, min, max) labelled ``m0``, ``m1``, …"""
    plan = _plan(cls)
    out: dict[str, Measure] = {}
    for i in range(draw(st.integers(0, 3))):
        func = draw(_FUNCS)
        if func == "sum" and plan.summable is not None:
            out[f"m{i}"] = total(draw(plan.summable))
        elif func == "min":
            out[f"m{i}"] = smallest(draw(plan.ordered))
        elif func == "max":
            out[f"m{i}"] = largest(draw(plan.ordered))
        else:
            out[f"m{i}"] = count(draw(plan.counted))
    check_measures(cls, group_by, out)
    return out


# -- fixed examples ---------------------------------------------------------------

_LONG_NAME = ("惠阳—贞丰，教育协作😀" * MAX_NAME)[:MAX_NAME]
_LONG_TEXT = ("送教下乡：示范课、专题讲座。\n🎓 " * MAX_TEXT)[:MAX_TEXT]


def samples() -> list[Stored]:
    """A minimal and a maximal record of every stored type, in an order a fresh store takes.

    In a fresh store the minimal record of each type gets id 1 and the maximal
    one id 2; links point at those ids. Maximal records reach every limit.
    """
    d0, d9 = dt.date.min, dt.date.max
    big: dict[str, Any] = {"ref": _LONG_NAME, "archived": True}
    out: list[Stored] = []
    for ids, extra in (((1, 2), {}), ((2, 1), big)):
        a, b = ids
        t = _LONG_TEXT if extra else ""
        band_args: dict[str, Any] = {"bands": ()} if extra else {}
        out += [
            Partnership(
                name="惠阳—贞丰", supporting_region="惠阳区", supported_region="贞丰县", **extra
            ),
            School(
                name=_LONG_NAME if extra else "半岛学校",
                region="惠阳区",
                stage=Stage.JUNIOR,
                **extra,
            ),
            Teacher(
                name="李老师",
                school_id=a,
                subjects=(_LONG_NAME, "数学") if extra else (),
                roles=tuple(Role) if extra else (),
                phone=_LONG_NAME if extra else None,
                notes=t,
                **extra,
            ),
            Pairing(
                supporting_school_id=a,
                supported_school_id=b,
                partnership_id=a if extra else None,
                signed_on=d9 if extra else d0,
                ended_on=d9 if extra else None,
                annual_budget=MAX_YUAN if extra else None,
                **extra,
            ),
            Secondment(
                teacher_id=a,
                host_school_id=b,
                kind=SecondmentKind.POST,
                starts_on=d0,
                ends_on=d9,
                pairing_id=a if extra else None,
                returned_on=d9 if extra else None,
                post=t[:MAX_NAME],
                reason=t,
                **extra,
            ),
            Mentorship(
                mentor_id=a, mentee_id=b, programme="百千万", starts_on=d0, reason=t, **extra
            ),
            Activity(
                kind=ActivityKind.LIVE_LESSON,
                title=_LONG_NAME,
                held_on=d9,
                partnership_id=a if extra else None,
                pairing_id=a if extra else None,
                school_id=a if extra else None,
                teacher_id=a if extra else None,
                lessons=MAX_COUNT if extra else 0,
                attendees=MAX_COUNT if extra else 0,
                students=MAX_COUNT if extra else 0,
                notes=t,
                **extra,
            ),
            Rubric(
                name="考核",
                version=10_000 if extra else 1,
                target=Target.MENTORSHIP,
                criteria=(
                    Criterion(key="教学", name="教学成果", weight=0.6, max_score=1e300),
                    Criterion(
                        key="服务",
                        name="服务",
                        children=(Criterion(key="态度", name="态度", weight=5e-324),),
                    ),
                )
                if extra
                else (Criterion(key="k", name="总分"),),
                **band_args,
                **extra,
            ),
            Assessment(
                rubric_id=a,
                target_id=MAX_ID if extra else 1,
                period="2025-春",
                assessor="贞丰县教育局",
                assessed_on=d0,
                scores={"教学": 92.5, "态度": -0.0} if extra else {},
                notes=t,
                **extra,
            ),
            Allocation(
                pairing_id=a,
                year=2999 if extra else 1900,
                amount=MAX_YUAN if extra else decimal.Decimal(0),
                **extra,
            ),
            Expense(
                allocation_id=a,
                spent_on=d9,
                amount=decimal.Decimal("0.01") if extra else decimal.Decimal(0),
                category=ExpenseCategory.OTHER,
                description=t,
                secondment_id=a if extra else None,
                activity_id=a if extra else None,
                overspend_approved=bool(extra),
                **extra,
            ),
            make_change(
                prev_hash="0" * 64,
                actor=_LONG_NAME if extra else "管理员",
                action="update" if extra else "add",
                record_type="schools",
                record_id=MAX_ID if extra else None,
                before=_LONG_TEXT if extra else None,
                after='{"name":"半岛学校"}',
                at=dt.datetime(9999, 12, 31, 23, 59, 59, 999_999, dt.timezone.utc)
                if extra
                else dt.datetime(1, 1, 1, tzinfo=dt.timezone.utc),
            ),
        ]
    return sorted(out, key=lambda r: STORED_TYPES.index(type(r)))


def programme() -> list[Stored]:
    """A small 惠阳→贞丰 programme used by the example tests, in insertion order.

    Ids in a fresh store: schools 1–3, teachers 1–3, activities 1–3, expenses 1–2,
    one of everything else.
    """
    day = dt.date
    return [
        Partnership(
            name="惠阳—贞丰东西部教育协作",
            supporting_region="广东省惠州市惠阳区",
            supported_region="贵州省黔西南州贞丰县",
            kind=PartnershipKind.EAST_WEST,
            started_on=day(2021, 3, 1),
            ref="HY-ZF",
        ),
        School(name="惠阳区半岛学校", region="惠阳区", stage=Stage.JUNIOR, ref="HY-BD"),
        School(name="贞丰县第五中学", region="贞丰县", stage=Stage.JUNIOR, rural=True, ref="ZF-5"),
        School(name="贞丰县龙场中心小学", region="贞丰县", stage=Stage.PRIMARY, rural=True),
        Teacher(
            name="李老师",
            school_id=1,
            subjects=("数学",),
            roles=(Role.BACKBONE, Role.FAMOUS),
            phone="13800000000",
            ref="T-001",
        ),
        Teacher(
            name="王老师", school_id=2, subjects=("语文", "心理健康"), roles=(Role.PSYCHOLOGY,)
        ),
        Teacher(name="张老师😀", school_id=2),
        Pairing(
            supporting_school_id=1,
            supported_school_id=2,
            partnership_id=1,
            signed_on=day(2024, 12, 1),
            annual_budget=decimal.Decimal(100000),
        ),
        Secondment(
            teacher_id=1,
            host_school_id=2,
            kind=SecondmentKind.SUPPORT,
            starts_on=day(2025, 3, 1),
            ends_on=day(2025, 7, 15),
            pairing_id=1,
        ),
        Mentorship(mentor_id=1, mentee_id=2, programme="百千万", starts_on=day(2025, 1, 1)),
        Activity(
            kind=ActivityKind.DEMONSTRATION_LESSON,
            title="示范课：《函数的概念》",
            held_on=day(2025, 4, 2),
            partnership_id=1,
            pairing_id=1,
            school_id=2,
            teacher_id=1,
            lessons=2,
            attendees=120,
        ),
        Activity(
            kind=ActivityKind.LIVE_LESSON,
            title="直播课",
            held_on=day(2025, 5, 9),
            school_id=3,
            lessons=1,
            attendees=300,
            students=45,
        ),
        Activity(
            kind=ActivityKind.TRAINING,
            title="教师素质能力提升培训班",
            held_on=day(2024, 11, 20),
            partnership_id=1,
        ),
        Rubric(
            name="支教教师考核",
            version=1,
            target=Target.SECONDMENT,
            criteria=(
                Criterion(key="teaching", name="教学成果", weight=0.6),
                Criterion(key="service", name="服务态度", weight=0.4),
            ),
        ),
        Assessment(
            rubric_id=1,
            target_id=1,
            period="2025",
            assessor="贞丰县教育局",
            assessed_on=day(2025, 7, 20),
            scores={"teaching": 92, "service": 88.5},
        ),
        Allocation(pairing_id=1, year=2025, amount=decimal.Decimal(100000), source="长沙市教育局"),
        Expense(
            allocation_id=1,
            spent_on=day(2025, 3, 5),
            amount=decimal.Decimal("1234.56"),
            category=ExpenseCategory.TRAVEL,
            secondment_id=1,
        ),
        Expense(
            allocation_id=1,
            spent_on=day(2025, 4, 2),
            amount=decimal.Decimal("0.01"),
            category=ExpenseCategory.TEACHING_RESEARCH,
            activity_id=1,
        ),
    ]
