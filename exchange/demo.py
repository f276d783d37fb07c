"""The demo programme: four real exchange programmes from the seed articles, as data.

``exchange/data/demo.json`` holds the records (惠阳→贞丰, 长沙→怀化, 成华→丹巴,
广州→清远); their keys are the keyword names of the :class:`~exchange.Tracker`
operations and records name each other by ``ref``. :func:`build_demo` stores
them through the public API in one transaction, so every rule and the change
log apply; :func:`summarise` computes plain per-partnership figures with
``Tracker.count`` and ``Tracker.aggregate``.
"""

from __future__ import annotations

import decimal
import importlib.resources
import inspect
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from .enums import ActivityKind, SecondmentKind
from .errors import DuplicateRef, InvalidRecord
from .i18n import message
from .models import (
    Activity,
    Allocation,
    Application,
    Criterion,
    Expense,
    Mentorship,
    Need,
    Pairing,
    Partnership,
    Record,
    School,
    Secondment,
    Teacher,
)
from .query import Measure, count, one_of, total

if TYPE_CHECKING:
    from .matching.plan import MentorPlan, PlacementPlan
    from .tracker import Key, Tracker

DATA_FILE = "demo.json"
"""The demo data, inside the ``exchange/data`` package folder."""

NOTE = "note"
"""Key of an explanatory comment in the data; never stored."""

_Spec = Mapping[str, Any]
"""One record of the data: keyword → value, plus an optional note."""


def demo_data() -> dict[str, Any]:
    """The demo records as plain data, read from the installed package."""
    resource = importlib.resources.files("exchange") / "data" / DATA_FILE
    data: dict[str, Any] = json.loads(resource.read_text(encoding="utf-8"))
    return data


# -- figures --------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class KindFigures:
    """What the activities of one kind add up to."""

    activities: int = 0
    lessons: int = 0
    """Lessons taught or streamed (节); for lectures, the number of talks (场)."""
    attendees: int = 0
    """Attendee person-times (人次)."""
    students: int = 0


@attrs.frozen(kw_only=True)
class PartnershipFigures:
    """Plain figures for one partnership, as the seed articles quote them.

    Schools are those in the partnership's pairings or hosting its activities;
    teachers, mentor pairs and secondments are counted through those schools;
    money through the pairings.
    """

    ref: str | None
    name: str
    label: str
    """Short ``supporting→supported`` place names, for table headings."""
    kind: str
    schools: int
    pairings: int
    teachers: int
    mentorships: int
    secondments: dict[str, int]
    """Secondment kind value → count, every kind present."""
    activities: dict[str, KindFigures]
    """Activity kind value → figures, every kind present."""
    allocated: decimal.Decimal
    spent: decimal.Decimal

    @property
    def lessons(self) -> int:
        """Lessons over every activity kind."""
        return sum(k.lessons for k in self.activities.values())

    @property
    def attendees(self) -> int:
        """Person-times over every activity kind."""
        return sum(k.attendees for k in self.activities.values())

    @property
    def students(self) -> int:
        """Students over every activity kind."""
        return sum(k.students for k in self.activities.values())

    @property
    def activity_count(self) -> int:
        """Activity records over every kind."""
        return sum(k.activities for k in self.activities.values())

    @property
    def left(self) -> decimal.Decimal:
        """Allocated money not yet spent."""
        return self.allocated - self.spent


@attrs.frozen(kw_only=True)
class DemoSummary:
    """What :func:`build_demo` stored: records per table, and figures per partnership."""

    records: dict[str, int]
    """Table name → records stored."""
    partnerships: tuple[PartnershipFigures, ...]

    def figures(self, key: str) -> PartnershipFigures:
        """The figures of the partnership with this ref or label (``成华→丹巴``);
        :class:`KeyError` if there is none."""
        for found in self.partnerships:
            if key in (found.ref, found.label):
                return found
        raise KeyError(key)


def summarise(
    tracker: Tracker, partnerships: Iterable[Key] | None = None
) -> tuple[PartnershipFigures, ...]:
    """Figures for the named partnerships (by id, ref or record), or for all, by id."""
    if partnerships is None:
        chosen: list[Partnership] = list(tracker.find(Partnership, order_by=["id"]))
    else:
        chosen = [tracker.get(Partnership, key) for key in partnerships]
    return tuple(_figures(tracker, p) for p in chosen)


def _figures(tracker: Tracker, partnership: Partnership) -> PartnershipFigures:
    pairings = _ids(tracker, Pairing, "id", partnership_id=partnership.id)
    schools = _school_ids(tracker, partnership, pairings)
    teachers = _ids(tracker, Teacher, "id", school_id=one_of(*schools))
    allocations = _ids(tracker, Allocation, "id", pairing_id=one_of(*pairings))
    return PartnershipFigures(
        ref=partnership.ref,
        name=partnership.name,
        label=f"{place(partnership.supporting_region)}→{place(partnership.supported_region)}",
        kind=partnership.kind.value,
        schools=len(schools),
        pairings=len(pairings),
        teachers=len(teachers),
        mentorships=tracker.count(Mentorship, mentor_id=one_of(*teachers)),
        secondments=_secondments(tracker, schools),
        activities=_activities(tracker, partnership),
        allocated=_money(tracker, Allocation, id=one_of(*allocations)),
        spent=_money(tracker, Expense, allocation_id=one_of(*allocations)),
    )


def _ids(tracker: Tracker, cls: type[Record], field: str, **filters: Any) -> list[int]:
    """The distinct non-empty values of an id or link field among matching records."""
    rows = tracker.aggregate(cls, group_by=[field], measures={"n": count()}, **filters)
    return [row[field] for row in rows if row[field] is not None]


def _school_ids(tracker: Tracker, partnership: Partnership, pairings: Sequence[int]) -> list[int]:
    """Schools in the partnership's pairings or hosting its activities."""
    found = {
        *_ids(tracker, Pairing, "supporting_school_id", id=one_of(*pairings)),
        *_ids(tracker, Pairing, "supported_school_id", id=one_of(*pairings)),
        *_ids(tracker, Activity, "school_id", partnership_id=partnership.id),
    }
    return sorted(found)


def _secondments(tracker: Tracker, schools: Sequence[int]) -> dict[str, int]:
    """Secondments hosted by the partnership's schools, by kind."""
    rows = tracker.aggregate(
        Secondment, group_by=["kind"], measures={"n": count()}, host_school_id=one_of(*schools)
    )
    found = {row["kind"].value: row["n"] for row in rows}
    return {kind.value: found.get(kind.value, 0) for kind in SecondmentKind}


_ACTIVITY_MEASURES: Mapping[str, Measure] = {
    "activities": count(),
    "lessons": total("lessons"),
    "attendees": total("attendees"),
    "students": total("students"),
}


def _activities(tracker: Tracker, partnership: Partnership) -> dict[str, KindFigures]:
    """The partnership's activities, by kind."""
    rows = tracker.aggregate(
        Activity, group_by=["kind"], measures=_ACTIVITY_MEASURES, partnership_id=partnership.id
    )
    found = {
        row["kind"].value: KindFigures(**{m: row[m] for m in _ACTIVITY_MEASURES}) for row in rows
    }
    return {kind.value: found.get(kind.value, KindFigures()) for kind in ActivityKind}


def _money(tracker: Tracker, cls: type[Record], **filters: Any) -> decimal.Decimal:
    """The sum of ``amount`` over matching allocations or expenses, in yuan."""
    [row] = tracker.aggregate(cls, measures={"amount": total("amount")}, **filters)
    amount: decimal.Decimal = row["amount"]
    return amount


_PROVINCE = re.compile(r"^.+?(?:特别行政区|自治区|省)")
_LEVELS = "市州盟区县旗"


def place(region: str) -> str:
    """The short name of a region's lowest level: ``广东省惠州市惠阳区`` → ``惠阳``."""
    rest = _PROVINCE.sub("", region.strip()) or region.strip()
    if len(rest) <= 2 or rest[-1] not in _LEVELS:
        return rest
    stem = rest[:-1]
    cut = max(stem.rfind(level) for level in _LEVELS)
    return stem[cut + 1 :] or stem


# -- building ---------------------------------------------------------------------

_Step = Callable[["Tracker", Sequence[_Spec]], None]
"""Stores the records of one table."""


def build_demo(tracker: Tracker, data: Mapping[str, Any] | None = None) -> DemoSummary:
    """Store the demo programme in one transaction and return what it holds.

    ``data`` defaults to :func:`demo_data`. A store that already holds the demo
    (or any record with one of its refs) is left unchanged and
    :class:`~exchange.errors.DuplicateRef` is raised.
    """
    data = demo_data() if data is None else data
    records: dict[str, int] = {}
    try:
        with tracker.transaction():
            for table, step in _STEPS:
                specs = data.get(table, [])
                step(tracker, specs)
                records[table] = len(specs)
    except DuplicateRef as error:
        raise DuplicateRef(
            message("the demo programme is already in {url}: {error}", url=tracker.url, error=error)
        ) from None
    refs = [p["ref"] for p in data.get("partnerships", [])]
    return DemoSummary(records=records, partnerships=summarise(tracker, refs))


def _fields(call: Callable[..., Any], what: str, spec: _Spec) -> dict[str, Any]:
    """``spec`` without its note, checked against the signature of ``call``."""
    fields = {key: value for key, value in spec.items() if key != NOTE}
    try:
        inspect.signature(call).bind(**fields)
    except TypeError as error:
        name = fields.get("ref") or fields.get("title") or fields.get("name")
        raise InvalidRecord(
            message("demo data: {what} {name!r}: {error}", what=what, name=name, error=error)
        ) from None
    return fields


def _partnerships(tracker: Tracker, specs: Sequence[_Spec]) -> None:
    for spec in specs:
        tracker.add(Partnership(**_fields(Partnership, "partnership", spec)))


def _schools(tracker: Tracker, specs: Sequence[_Spec]) -> None:
    tracker.bulk_add([School(**_fields(School, "school", spec)) for spec in specs])


def _linked(tracker: Tracker, spec: _Spec, key: str, cls: type[Record], field: str) -> _Spec:
    """``spec`` with the record named by ref under ``key`` replaced by its id under ``field``."""
    if key not in spec:
        raise InvalidRecord(
            message(
                "demo data: {value!r} names no {key}", value=spec.get("ref") or dict(spec), key=key
            )
        )
    fields = {name: value for name, value in spec.items() if name != key}
    return {**fields, field: tracker.get(cls, spec[key]).id}


def _teacher(tracker: Tracker, spec: _Spec) -> Teacher:
    return Teacher(
        **_fields(Teacher, "teacher", _linked(tracker, spec, "school", School, "school_id"))
    )


def _teachers(tracker: Tracker, specs: Sequence[_Spec]) -> None:
    # Built first, then stored: the school look-ups stay out of the bulk insert.
    tracker.bulk_add([_teacher(tracker, spec) for spec in specs])


def _rubrics(tracker: Tracker, specs: Sequence[_Spec]) -> None:
    for spec in specs:
        fields = _fields(tracker.define_rubric, "rubric", spec)
        fields["criteria"] = [
            Criterion(**_fields(Criterion, "criterion", c)) for c in fields["criteria"]
        ]
        tracker.define_rubric(**fields)


def _assessments(tracker: Tracker, specs: Sequence[_Spec]) -> None:
    for spec in specs:
        tracker.assess(**_fields(tracker.assess, "assessment", spec))


_LIFECYCLE = {"approved": ("approve",), "active": ("approve", "start")}
_LIFECYCLE["completed"] = (*_LIFECYCLE["active"], "complete")


def _store_secondments(tracker: Tracker, specs: Sequence[_Spec]) -> None:
    """Proposed, then moved along the lifecycle to the ``status`` the spec gives."""
    for spec in specs:
        fields = {key: value for key, value in spec.items() if key != "status"}
        record = tracker.second(**_fields(tracker.second, "secondment", fields))
        for move in _LIFECYCLE.get(spec.get("status", "proposed"), ()):
            record = getattr(tracker, move)(record)


def _placement_needs(tracker: Tracker, specs: Sequence[_Spec]) -> None:
    for spec in specs:
        fields = _linked(tracker, spec, "host_school", School, "host_school_id")
        tracker.add(Need(**_fields(Need, "placement need", fields)))


def _applications(tracker: Tracker, specs: Sequence[_Spec]) -> None:
    for spec in specs:
        fields = _linked(tracker, spec, "teacher", Teacher, "teacher_id")
        tracker.add(Application(**_fields(Application, "application", fields)))


def _goals(tracker: Tracker, specs: Sequence[_Spec]) -> None:
    for spec in specs:
        tracker.set_goal(**_fields(tracker.set_goal, "goal", spec))


def _meetings(tracker: Tracker, specs: Sequence[_Spec]) -> None:
    """Logged by the mentor; those marked ``confirmed`` are then confirmed by the mentee."""
    for spec in specs:
        fields = {key: value for key, value in spec.items() if key != "confirmed"}
        meeting = tracker.log_meeting(**_fields(tracker.log_meeting, "meeting", fields))
        if spec.get("confirmed"):
            pair: Mentorship = tracker.get(Mentorship, meeting.mentorship_id)
            tracker.confirm_meeting(meeting, by=pair.mentee_id)


def _operation(name: str, what: str) -> _Step:
    """A step that calls the tracker operation ``name`` once per record."""

    def step(tracker: Tracker, specs: Sequence[_Spec]) -> None:
        call = getattr(tracker, name)
        for spec in specs:
            call(**_fields(call, what, spec))

    return step


_STEPS: tuple[tuple[str, _Step], ...] = (
    ("partnerships", _partnerships),
    ("schools", _schools),
    ("pairings", _operation("pair_schools", "pairing")),
    ("teachers", _teachers),
    ("secondments", _store_secondments),
    ("placement_needs", _placement_needs),
    ("applications", _applications),
    ("programmes", _operation("define_programme", "programme")),
    ("mentorships", _operation("pair_mentor", "mentorship")),
    ("goals", _goals),
    ("meetings", _meetings),
    ("activities", _operation("log_activity", "activity")),
    ("participations", _operation("take_part", "participation")),
    ("rubrics", _rubrics),
    ("assessments", _assessments),
    ("allocations", _operation("allocate", "allocation")),
    ("expenses", _operation("spend", "expense")),
)
"""Data key (a table name) and the step that stores its records, in link order."""


# -- the matching step ------------------------------------------------------------

DEMO_MATCH: dict[str, Any] = {
    "programme": "惠贞师徒结对",
    "criteria": {
        "mentors": {"region": "广东省惠州市惠阳区"},
        "mentees": {"region": "贵州省黔西南州贞丰县"},
    },
}
"""The demo's matching step: 惠阳's mentors for 贞丰's teachers who have none yet."""


def demo_plan(tracker: Tracker) -> MentorPlan:
    """The plan of :data:`DEMO_MATCH`, computed on the demo store (nothing is stored)."""
    return tracker.match_mentors(**DEMO_MATCH)


DEMO_PLACEMENTS: dict[str, Any] = {"year": 2026, "criteria": {"must": ["subject"]}}
"""The demo's placement step: 惠阳's and 长沙's applicants for the needs 贞丰's and
怀化's schools stated for 2026, each placed only where it teaches the subject asked."""


def demo_placements(tracker: Tracker) -> PlacementPlan:
    """The plan of :data:`DEMO_PLACEMENTS` on the demo store (nothing is stored)."""
    return tracker.match_placements(**DEMO_PLACEMENTS)
