"""The SQL where-builders on the inputs where SQL and Python part ways.

``backends.postgresql.where`` and ``backends.sqlite.where`` must keep exactly the
records ``memory:`` keeps. The
cases below are the values its special paths exist for: a flag compared with a
number, text holding a NUL, numbers beyond 64 bits or between two whole numbers,
NaN and the infinities, ``in`` lists of fractions, ``has`` on a list of whole
numbers, times with and without a zone. Each case names the ids it must find,
worked out by hand from the small store below; each runs on ``memory:`` too, so the
table is checked against the reference as well as against SQLite and PostgreSQL. The filters
go to the backend as the tracker would hand them on (normalised ``Op`` s), so
values the tracker refuses still reach the builder.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from exchange import School, Teacher, Tracker
from exchange.changelog import Change
from exchange.enums import OrganisationKind, Stage
from exchange.models import Programme, Stored
from exchange.query import Op
from exchange.testing.examples import ADMINISTRATOR

TEACHERS = [  # id: name, school, subjects, ref, archived
    ("李老师", 1, ("数学",), "T-1", False),
    ("王老师", 2, ("语文", "心理健康"), None, True),
    ("张老师", 2, (), "T-3", False),
    ("赵老师", 1, ("数学", "物理"), "T-4", True),
]
ALL = [1, 2, 3, 4]
HUGE = 2**70
NAN = float("nan")
INF = float("inf")


def _eq(value: Any) -> Op:
    return Op("eq", value)


def _in(*values: Any) -> Op:
    return Op("in", values)


# (case, record type, field, filter, ids); the ids of teachers unless the type says
CASES: list[tuple[str, type[Stored], str, Op, list[int]]] = [
    # a flag compares with numbers as Python's False and True do: as 0 and 1
    ("flag eq True", Teacher, "archived", _eq(True), [2, 4]),
    ("flag eq False", Teacher, "archived", _eq(False), [1, 3]),
    ("flag eq 1", Teacher, "archived", _eq(1), [2, 4]),
    ("flag eq 0", Teacher, "archived", _eq(0), [1, 3]),
    ("flag eq 1.0", Teacher, "archived", _eq(1.0), [2, 4]),
    ("flag eq Decimal 1", Teacher, "archived", _eq(Decimal(1)), [2, 4]),
    ("flag eq 2", Teacher, "archived", _eq(2), []),
    ("flag eq -1", Teacher, "archived", _eq(-1), []),
    ("flag eq 0.5", Teacher, "archived", _eq(0.5), []),
    ("flag eq text", Teacher, "archived", _eq("1"), []),
    ("flag ne 2", Teacher, "archived", Op("ne", 2), ALL),
    ("flag ne True", Teacher, "archived", Op("ne", True), [1, 3]),
    ("flag lt 1", Teacher, "archived", Op("lt", 1), [1, 3]),
    ("flag le 0", Teacher, "archived", Op("le", 0), [1, 3]),
    ("flag gt 0", Teacher, "archived", Op("gt", 0), [2, 4]),
    ("flag ge True", Teacher, "archived", Op("ge", True), [2, 4]),
    ("flag gt 0.5", Teacher, "archived", Op("gt", 0.5), [2, 4]),
    ("flag lt 2", Teacher, "archived", Op("lt", 2), ALL),
    ("flag gt -1", Teacher, "archived", Op("gt", -1), ALL),
    ("flag ge 2", Teacher, "archived", Op("ge", 2), []),
    ("flag between 0 and 0", Teacher, "archived", Op("between", (0, 0)), [1, 3]),
    ("flag between False and True", Teacher, "archived", Op("between", (False, True)), ALL),
    ("flag in 1 and 7", Teacher, "archived", _in(1, 7), [2, 4]),
    ("rural flag eq True", School, "rural", _eq(True), [2]),  # school ids
    ("rural flag lt 1", School, "rural", Op("lt", 1), [1, 3]),
    # stored text never holds NUL: "T-3\0" sorts just after "T-3", before "T-30"
    ("text eq with NUL", Teacher, "name", _eq("李老师\x00"), []),
    ("text ne with NUL", Teacher, "name", Op("ne", "李老师\x00"), ALL),
    ("text in with NUL", Teacher, "name", _in("李老师\x00", "王老师"), [2]),
    ("text lt with NUL", Teacher, "ref", Op("lt", "T-3\x00"), [1, 3]),
    ("text le with NUL", Teacher, "ref", Op("le", "T-3\x00"), [1, 3]),
    ("text gt with NUL", Teacher, "ref", Op("gt", "T-3\x00"), [4]),
    ("text ge with NUL", Teacher, "ref", Op("ge", "T-3\x00"), [4]),
    ("text lt with two NULs", Teacher, "ref", Op("lt", "T-3\x00\x00"), [1, 3]),
    ("text le with two NULs", Teacher, "ref", Op("le", "T-3\x00x\x00"), [1, 3]),
    ("text gt with two NULs", Teacher, "ref", Op("gt", "T-3\x00\x00"), [4]),
    ("text ge with two NULs", Teacher, "ref", Op("ge", "T-1\x00x\x00"), [3, 4]),
    ("text lt NUL first", Teacher, "ref", Op("lt", "\x00T"), []),
    ("text ge NUL first", Teacher, "ref", Op("ge", "\x00T"), [1, 3, 4]),
    ("text between with NUL", Teacher, "ref", Op("between", ("T-1\x00", "T-4\x00")), [3, 4]),
    # school ids: 1 senior, 2 junior, 3 a bureau (no stage)
    ("term lt with NUL", School, "stage", Op("lt", "senior\x00"), [1, 2]),
    ("term le with NUL", School, "stage", Op("le", "junior\x00"), [2]),
    ("term gt with NUL", School, "stage", Op("gt", "junior\x00"), [1]),
    ("term ge with NUL", School, "stage", Op("ge", "senior\x00"), []),
    ("term eq with NUL", School, "stage", _eq("senior\x00"), []),
    ("term lt a term", School, "stage", Op("lt", Stage.SENIOR), [2]),
    ("term ne a kind", School, "kind", Op("ne", OrganisationKind.SCHOOL), [3]),
    # whole numbers: teachers 1 and 4 at school 1, 2 and 3 at school 2
    ("lt NaN", Teacher, "school_id", Op("lt", NAN), []),
    ("ge NaN", Teacher, "school_id", Op("ge", NAN), []),
    ("between NaN", Teacher, "school_id", Op("between", (0, NAN)), []),
    ("eq Decimal NaN", Teacher, "school_id", _eq(Decimal("NaN")), []),
    ("ne Decimal NaN", Teacher, "school_id", Op("ne", Decimal("NaN")), ALL),
    # no programme sets a mentor capacity: None != NaN, as every value is
    ("ne NaN on empty numbers", Programme, "mentor_capacity", Op("ne", NAN), [1, 2, 3]),
    ("in Decimal NaN", Teacher, "school_id", _in(Decimal("NaN"), 2), [2, 3]),
    ("lt infinity", Teacher, "school_id", Op("lt", INF), ALL),
    ("gt infinity", Teacher, "school_id", Op("gt", INF), []),
    ("gt minus infinity", Teacher, "school_id", Op("gt", -INF), ALL),
    ("lt minus infinity", Teacher, "school_id", Op("lt", -INF), []),
    ("eq infinity", Teacher, "school_id", _eq(INF), []),
    ("gt minus huge", Teacher, "school_id", Op("gt", -HUGE), ALL),
    ("le minus huge", Teacher, "school_id", Op("le", -HUGE), []),
    ("ge huge", Teacher, "school_id", Op("ge", HUGE), []),
    ("lt Decimal huge", Teacher, "school_id", Op("lt", Decimal(HUGE)), ALL),
    ("gt Decimal huge", Teacher, "school_id", Op("gt", Decimal(HUGE)), []),
    ("gt Decimal minus huge", Teacher, "school_id", Op("gt", Decimal(-HUGE)), ALL),
    ("lt Decimal minus huge", Teacher, "school_id", Op("lt", Decimal(-HUGE)), []),
    ("lt Decimal infinity", Teacher, "school_id", Op("lt", Decimal("Infinity")), ALL),
    ("gt Decimal minus infinity", Teacher, "school_id", Op("gt", Decimal("-Infinity")), ALL),
    ("lt Decimal just past 64 bits", Teacher, "school_id", Op("lt", Decimal(2**63)), ALL),
    ("gt Decimal just below 64 bits", Teacher, "school_id", Op("gt", Decimal(-(2**63) - 1)), ALL),
    ("in Decimal huge", Teacher, "school_id", _in(Decimal(HUGE)), []),
    ("in Decimal just past 64 bits", Teacher, "school_id", _in(Decimal(2**63), 1), [1, 4]),
    ("in Decimal just below 64 bits", Teacher, "school_id", _in(Decimal(-(2**63) - 1)), []),
    ("in Decimal infinity", Teacher, "school_id", _in(Decimal("-Infinity"), 2), [2, 3]),
    ("in huge", Teacher, "school_id", _in(HUGE, -HUGE, 2), [2, 3]),
    # fractions: between two whole numbers, never equal to one
    ("lt 1.5", Teacher, "school_id", Op("lt", 1.5), [1, 4]),
    ("gt 1.5", Teacher, "school_id", Op("gt", 1.5), [2, 3]),
    ("lt Decimal 1.7", Teacher, "school_id", Op("lt", Decimal("1.7")), [1, 4]),
    ("le Decimal 1.3", Teacher, "school_id", Op("le", Decimal("1.3")), [1, 4]),
    ("gt Decimal 1.5", Teacher, "school_id", Op("gt", Decimal("1.5")), [2, 3]),
    ("ge Decimal 1.2", Teacher, "school_id", Op("ge", Decimal("1.2")), [2, 3]),
    ("lt Decimal 2.5", Teacher, "school_id", Op("lt", Decimal("2.5")), ALL),
    ("gt Decimal -0.5", Teacher, "school_id", Op("gt", Decimal("-0.5")), ALL),
    ("lt Decimal 0.9", Teacher, "school_id", Op("lt", Decimal("0.9")), []),
    ("in Decimal 1.5", Teacher, "school_id", _in(Decimal("1.5")), []),
    ("in 1.5", Teacher, "school_id", _in(1.5), []),
    ("in 1 and 1.5", Teacher, "school_id", _in(1, Decimal("1.5")), [1, 4]),
    ("in 1.5 and 2", Teacher, "school_id", _in(Decimal("1.5"), 2), [2, 3]),
    ("in 0.5 and 2.5", Teacher, "school_id", _in(0.5, Decimal("2.5")), []),
    ("in 2.0 and 1.5", Teacher, "school_id", _in(2.0, 1.5, None), [2, 3]),
    # a list field, like any value of another type, equals no number
    ("list eq number", Teacher, "subjects", _eq(5), []),
    ("list ne number", Teacher, "subjects", Op("ne", 5), ALL),
    ("list eq Decimal", Teacher, "subjects", _eq(Decimal("1.5")), []),
    # has on a list of words: a value no list holds
    ("has text with NUL", Teacher, "subjects", Op("has", "数\x00学"), []),
    ("has NUL", Teacher, "subjects", Op("has", "\x00"), []),
    ("has lone surrogate", Teacher, "subjects", Op("has", "\ud800"), []),
    # stored text is valid Unicode; by code point, 老 (U+8001) < U+D800 < 赵 (U+8D75)
    ("eq lone surrogate", Teacher, "name", _eq("王\ud800"), []),
    ("ne lone surrogate", Teacher, "name", Op("ne", "王\ud800"), ALL),
    ("in lone surrogate", Teacher, "name", _in("王\ud800", "李老师"), [1]),
    ("lt lone surrogate", Teacher, "name", Op("lt", "王\ud800"), [1, 2, 3]),
    ("le lone surrogate", Teacher, "name", Op("le", "王\ud800"), [1, 2, 3]),
    ("gt lone surrogate", Teacher, "name", Op("gt", "王\ud800"), [4]),
    ("ge lone surrogate", Teacher, "name", Op("ge", "王\ud800"), [4]),
    ("has bytes", Teacher, "subjects", Op("has", b"x"), []),
    ("has a date", Teacher, "subjects", Op("has", dt.date(2024, 1, 1)), []),
    ("has a number among words", Teacher, "subjects", Op("has", 5), []),
    ("has a word", Teacher, "subjects", Op("has", "物理"), [4]),
    # has on a list of whole numbers (programme ids: 1 (100, 1000), 2 (1, 2), 3 ())
    ("has 2", Programme, "targets", Op("has", 2), [2]),
    ("has 1000", Programme, "targets", Op("has", 1000), [1]),
    ("has True", Programme, "targets", Op("has", True), [2]),
    ("has False", Programme, "targets", Op("has", False), []),
    ("has 2.0", Programme, "targets", Op("has", 2.0), [2]),
    ("has 100.0", Programme, "targets", Op("has", 100.0), [1]),
    ("has 2.5", Programme, "targets", Op("has", 2.5), []),
    ("has infinity", Programme, "targets", Op("has", INF), []),
    ("has minus infinity", Programme, "targets", Op("has", -INF), []),
    ("has NaN", Programme, "targets", Op("has", NAN), []),
    ("has None", Programme, "targets", Op("has", None), []),
    ("has text 2", Programme, "targets", Op("has", "2"), []),
    ("has a pair", Programme, "targets", Op("has", (1, 2)), []),
    # has on a mapping: a pair no programme gives (programme 2 has lesson-coverage 80)
    (
        "has a pair no mapping holds",
        Programme,
        "thresholds",
        Op("has", ("lesson-coverage", 50)),
        [],
    ),
    ("has a key alone", Programme, "thresholds", Op("has", "lesson-coverage"), []),
]


@pytest.fixture(
    scope="module",
    params=["memory", "sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)],
)
def store(request: pytest.FixtureRequest) -> Iterator[Tracker]:
    with Tracker.open(_url(request), actor=ADMINISTRATOR) as tracker:
        _fill(tracker)
        yield tracker


_SCHEMAS = itertools.count()


def _url(request: pytest.FixtureRequest) -> str:
    if request.param == "memory":
        return "memory:"
    if request.param == "sqlite":
        folder = request.getfixturevalue("tmp_path_factory").mktemp("where")
        return f"sqlite:///{folder / 'where.db'}"
    from backends.postgresql.testing import with_options

    server: str = request.getfixturevalue("postgres_server")
    return with_options(server, schema=f"where_{next(_SCHEMAS)}")


def _fill(tracker: Tracker) -> None:
    tracker.add(School(name="长郡中学", region="长沙市", stage=Stage.SENIOR))
    tracker.add(School(name="新晃一中", region="新晃县", stage=Stage.JUNIOR, rural=True))
    tracker.add(School(name="新晃县教育局", region="新晃县", kind=OrganisationKind.BUREAU))
    for name, school, subjects, ref, archived in TEACHERS:
        tracker.add(
            Teacher(name=name, school_id=school, subjects=subjects, ref=ref, archived=archived)
        )
    tracker.add(Programme(name="青蓝工程", targets=(100, 1000)))
    tracker.add(Programme(name="百千万", targets=(1, 2), thresholds={"lesson-coverage": 80}))
    tracker.add(Programme(name="名师", targets=()))


@pytest.mark.parametrize(("case", "cls", "field", "op", "ids"), CASES, ids=[c[0] for c in CASES])
def test_filters(
    store: Tracker, case: str, cls: type[Stored], field: str, op: Op, ids: list[int]
) -> None:
    assert [r.id for r in store.backend.find(cls, {field: op})] == ids
    assert store.backend.count(cls, {field: op}) == len(ids)


@pytest.mark.parametrize(
    ("cls", "field", "op"),
    [
        (Teacher, "ref", Op("lt", None)),
        (Teacher, "school_id", Op("ge", "x")),
        (Teacher, "archived", Op("gt", "1")),
        (School, "stage", Op("le", 3)),
        (Teacher, "school_id", Op("between", (1, "9"))),
    ],
)
def test_what_python_cannot_order_is_refused_naming_the_field(
    store: Tracker, cls: type[Stored], field: str, op: Op
) -> None:
    with pytest.raises(TypeError) as refused:
        list(store.backend.find(cls, {field: op}))
    if store.backend.url != "memory:":  # Python's own message names the types only
        assert field in str(refused.value)
        assert repr(op.value) in str(refused.value)


def test_times_equal_only_aware_times(store: Tracker) -> None:
    changes = list(store.backend.find(Change, {}))
    first = changes[0].at
    same = [c.id for c in changes if c.at == first]  # worked out in Python, not by the store
    assert same and first.utcoffset() is not None
    cases: list[tuple[Any, list[int]]] = [
        (first, same),
        (first.astimezone(dt.timezone(dt.timedelta(hours=8))), same),  # the same instant
        (first.replace(tzinfo=None), []),  # naive: never equal to an aware time
        (first.isoformat(), []),
        (first.date(), []),
        (first.timestamp(), []),
    ]
    for value, ids in cases:
        assert [c.id for c in store.backend.find(Change, {"at": _eq(value)})] == ids, value
        unequal = store.backend.count(Change, {"at": Op("ne", value)})
        assert unequal == len(changes) - len(ids), value
