"""The records a programme office keeps, one class per glossary term.

Every record is a frozen, slotted, keyword-only ``attrs`` class validated on
construction; ``attrs.evolve(record, field=value)`` makes a changed, re-validated
copy. ``id`` is ``None`` until a backend stores the record.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

import attrs

from . import fields
from .enums import (
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
from .errors import InvalidRecord


def _ordered(record: Any, first: str, last: str) -> None:
    start, end = getattr(record, first), getattr(record, last)
    if start is not None and end is not None and end < start:
        raise InvalidRecord(
            f"{type(record).__name__.lower()}: {last} {end} is before {first} {start}"
        )


@attrs.frozen(kw_only=True)
class Stored:
    """Anything a backend stores: it has a table and an integer id."""

    table: ClassVar[str] = ""
    """Storage name of the type (plural, lower case)."""

    id: int | None = fields.identity()
    """Assigned by the backend when the record is stored."""


@attrs.frozen(kw_only=True)
class Record(Stored):
    """Fields every domain record has."""

    ref: str | None = fields.ref()
    """External key (staff number, school code), unique per record type."""
    archived: bool = fields.flag()
    """Archived records are kept for history but left out of lists by default."""


@attrs.frozen(kw_only=True)
class Partnership(Record):
    """A supporting region paired with a supported region (协作/帮扶关系)."""

    table: ClassVar[str] = "partnerships"

    name: str = fields.name()
    """For example 惠阳—贞丰东西部教育协作."""
    supporting_region: str = fields.name()
    """The region that sends help, e.g. 广东省惠州市惠阳区."""
    supported_region: str = fields.name()
    """The region that receives it, e.g. 贵州省黔西南州贞丰县."""
    kind: PartnershipKind = fields.choice(PartnershipKind, PartnershipKind.PAIRED_ASSISTANCE)
    started_on: dt.date | None = fields.day(required=False)
    ended_on: dt.date | None = fields.day(required=False)

    def __attrs_post_init__(self) -> None:
        _ordered(self, "started_on", "ended_on")
        if self.supporting_region == self.supported_region:
            raise InvalidRecord(
                f"partnership {self.name!r} pairs region {self.supported_region!r} with itself"
            )


@attrs.frozen(kw_only=True)
class School(Record):
    """A school or kindergarten (学校/幼儿园)."""

    table: ClassVar[str] = "schools"

    name: str = fields.name()
    region: str = fields.name()
    """The county or district, as written in programme documents."""
    stage: Stage = fields.choice(Stage)
    rural: bool = fields.flag()
    """A rural school; service there counts as rural teaching experience."""


@attrs.frozen(kw_only=True)
class Teacher(Record):
    """A person who teaches or leads at a school (教师)."""

    table: ClassVar[str] = "teachers"

    name: str = fields.name()
    school_id: int = fields.link("schools")
    """The school that employs the teacher (the home school)."""
    subjects: tuple[str, ...] = fields.words()
    roles: tuple[Role, ...] = fields.terms(Role)
    phone: str | None = fields.optional_text()
    """Personal: dropped by redacted exports."""
    notes: str = fields.text()
    """Personal: dropped by redacted exports."""


@attrs.frozen(kw_only=True)
class Pairing(Record):
    """Two schools signed into a partnership (校校结对)."""

    table: ClassVar[str] = "pairings"

    supporting_school_id: int = fields.link("schools")
    supported_school_id: int = fields.link("schools")
    partnership_id: int | None = fields.link("partnerships", required=False)
    signed_on: dt.date = fields.day()
    ended_on: dt.date | None = fields.day(required=False)
    annual_budget: decimal.Decimal | None = fields.money("annual budget", required=False)
    """Yuan per year agreed at signing, e.g. 100000 for 长沙→怀化."""

    def __attrs_post_init__(self) -> None:
        _ordered(self, "signed_on", "ended_on")
        if self.supporting_school_id == self.supported_school_id:
            raise InvalidRecord(f"school {self.supported_school_id} cannot be paired with itself")


@attrs.frozen(kw_only=True)
class Secondment(Record):
    """One teacher at a host school for a period (交流/支教/跟岗/挂职/送教)."""

    table: ClassVar[str] = "secondments"

    teacher_id: int = fields.link("teachers")
    host_school_id: int = fields.link("schools")
    kind: SecondmentKind = fields.choice(SecondmentKind)
    starts_on: dt.date = fields.day()
    ends_on: dt.date = fields.day()
    """The planned last day."""
    status: SecondmentStatus = fields.choice(SecondmentStatus, SecondmentStatus.PROPOSED)
    pairing_id: int | None = fields.link("pairings", required=False)
    returned_on: dt.date | None = fields.day(required=False)
    """The actual last day, when it differs from the plan (an early return)."""
    post: str = fields.text(limit=fields.MAX_NAME)
    """The post held at the host, for 挂职 (e.g. 副校长)."""
    reason: str = fields.text()
    """Why it was cancelled or withdrawn."""

    def __attrs_post_init__(self) -> None:
        _ordered(self, "starts_on", "ends_on")
        _ordered(self, "starts_on", "returned_on")


@attrs.frozen(kw_only=True)
class Mentorship(Record):
    """A mentor and a mentee in a programme (师徒结对)."""

    table: ClassVar[str] = "mentorships"

    mentor_id: int = fields.link("teachers")
    mentee_id: int = fields.link("teachers")
    programme: str = fields.name()
    """For example 百千万 or 青蓝工程; a teacher's mentoring load counts across programmes."""
    starts_on: dt.date = fields.day()
    ends_on: dt.date | None = fields.day(required=False)
    status: MentorshipStatus = fields.choice(MentorshipStatus, MentorshipStatus.ACTIVE)
    reason: str = fields.text()

    def __attrs_post_init__(self) -> None:
        _ordered(self, "starts_on", "ends_on")
        if self.mentor_id == self.mentee_id:
            raise InvalidRecord(f"teacher {self.mentor_id} cannot mentor themselves")


@attrs.frozen(kw_only=True)
class Activity(Record):
    """A dated exchange event (教研/送教活动) and what it produced."""

    table: ClassVar[str] = "activities"

    kind: ActivityKind = fields.choice(ActivityKind)
    title: str = fields.name()
    held_on: dt.date = fields.day()
    partnership_id: int | None = fields.link("partnerships", required=False)
    pairing_id: int | None = fields.link("pairings", required=False)
    school_id: int | None = fields.link("schools", required=False)
    """Where it took place."""
    teacher_id: int | None = fields.link("teachers", required=False)
    """Who gave it, when one teacher did."""
    lessons: int = fields.count()
    """Lessons taught or streamed (节)."""
    attendees: int = fields.count()
    """Attendee person-times (人次)."""
    students: int = fields.count()
    """Students taking part (study trips, donations)."""
    notes: str = fields.text()


def _positive(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise InvalidRecord(f"criterion weight must be a positive number, not {value!r}")


def _as_tuple(values: Iterable[Any]) -> tuple[Any, ...]:
    return tuple(values)


@attrs.frozen(kw_only=True)
class Criterion:
    """One weighted criterion of a rubric (考核评价指标); may have sub-criteria."""

    key: str = fields.name()
    """Short identifier used in scores, e.g. ``teaching``."""
    name: str = fields.name()
    """For example 教学成果."""
    weight: float = attrs.field(default=1.0, validator=_positive)
    max_score: float = attrs.field(default=100.0, validator=_positive)
    """Leaf scores run from 0 to this."""
    children: tuple[Criterion, ...] = attrs.field(default=(), converter=_as_tuple)
    """Sub-criteria; a criterion with children is scored through them."""

    def to_json(self) -> dict[str, Any]:
        """Plain data for storage."""
        return {
            "key": self.key,
            "name": self.name,
            "weight": self.weight,
            "max_score": self.max_score,
            "children": [c.to_json() for c in self.children],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Criterion:
        """The inverse of :meth:`to_json`."""
        return cls(
            key=data["key"],
            name=data["name"],
            weight=data["weight"],
            max_score=data["max_score"],
            children=[cls.from_json(c) for c in data["children"]],
        )

    def leaves(self) -> tuple[Criterion, ...]:
        """The criteria under this one that are scored directly."""
        if not self.children:
            return (self,)
        return tuple(leaf for child in self.children for leaf in child.leaves())


@attrs.frozen(kw_only=True)
class GradeBand:
    """A total at or above ``min_total`` earns ``grade``."""

    grade: Grade = fields.choice(Grade)
    min_total: float = attrs.field()

    def to_json(self) -> dict[str, Any]:
        """Plain data for storage."""
        return {"grade": self.grade.value, "min_total": self.min_total}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> GradeBand:
        """The inverse of :meth:`to_json`."""
        return cls(grade=data["grade"], min_total=data["min_total"])


STANDARD_BANDS = (
    GradeBand(grade=Grade.EXCELLENT, min_total=90),
    GradeBand(grade=Grade.GOOD, min_total=80),
    GradeBand(grade=Grade.PASS, min_total=60),
    GradeBand(grade=Grade.FAIL, min_total=0),
)
"""优秀 ≥ 90, 良好 ≥ 80, 合格 ≥ 60, 不合格 below."""


def _check_criteria(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not value:
        raise InvalidRecord(f"rubric {instance.name!r} has no criteria")
    keys = [leaf.key for criterion in value for leaf in criterion.leaves()]
    doubled = sorted({k for k in keys if keys.count(k) > 1})
    if doubled:
        raise InvalidRecord(f"rubric {instance.name!r} repeats criterion keys: {doubled}")


def _criteria_json(kind: str = "json") -> Any:
    return attrs.field(
        converter=tuple,
        validator=_check_criteria,
        metadata={
            "kind": kind,
            "encode": lambda cs: [c.to_json() for c in cs],
            "decode": lambda data: tuple(Criterion.from_json(c) for c in data),
        },
    )


@attrs.frozen(kw_only=True)
class Rubric(Record):
    """Weighted criteria and grade bands for assessing one kind of target."""

    table: ClassVar[str] = "rubrics"

    name: str = fields.name()
    version: int = fields.number(1, 10_000)
    target: Target = fields.choice(Target)
    criteria: tuple[Criterion, ...] = _criteria_json()
    bands: tuple[GradeBand, ...] = attrs.field(
        default=STANDARD_BANDS,
        converter=tuple,
        metadata={
            "kind": "json",
            "encode": lambda bs: [b.to_json() for b in bs],
            "decode": lambda data: tuple(GradeBand.from_json(b) for b in data),
        },
    )

    def leaves(self) -> tuple[Criterion, ...]:
        """Every criterion that is scored directly, in order."""
        return tuple(leaf for c in self.criteria for leaf in c.leaves())


def _to_scores(value: Any) -> Any:
    if isinstance(value, Mapping):
        value = value.items()
    try:
        return tuple(sorted((str(k), float(v)) for k, v in value))
    except (TypeError, ValueError):
        raise InvalidRecord(f"scores must map criterion keys to numbers, not {value!r}") from None


@attrs.frozen(kw_only=True)
class Assessment(Record):
    """One assessor's scores against a rubric for one target and period (考核)."""

    table: ClassVar[str] = "assessments"

    rubric_id: int = fields.link("rubrics")
    target_id: int = fields.number(1, 2**63 - 1)
    """The id of the secondment, mentorship, pairing or school the rubric targets."""
    period: str = fields.name()
    """For example ``2025`` or ``2025-spring``."""
    assessor: str = fields.name()
    assessed_on: dt.date = fields.day()
    scores: tuple[tuple[str, float], ...] = attrs.field(
        converter=_to_scores,
        metadata={
            "kind": "json",
            "encode": lambda s: dict(s),
            "decode": lambda data: tuple(sorted(data.items())),
        },
    )
    """Leaf criterion key → score; a dict is accepted."""
    notes: str = fields.text()

    def score_of(self, key: str) -> float | None:
        """The score given for criterion ``key``, if any."""
        return dict(self.scores).get(key)


@attrs.frozen(kw_only=True)
class Allocation(Record):
    """Money granted to a pairing for a year (专项经费)."""

    table: ClassVar[str] = "allocations"

    pairing_id: int = fields.link("pairings")
    year: int = fields.number(1900, 2999)
    amount: decimal.Decimal = fields.money("allocation amount")
    source: str = fields.text(limit=fields.MAX_NAME)
    """Who grants it, e.g. 长沙市教育局."""


@attrs.frozen(kw_only=True)
class Expense(Record):
    """Money spent from an allocation."""

    table: ClassVar[str] = "expenses"

    allocation_id: int = fields.link("allocations")
    spent_on: dt.date = fields.day()
    amount: decimal.Decimal = fields.money("expense amount")
    category: ExpenseCategory = fields.choice(ExpenseCategory)
    description: str = fields.text()
    secondment_id: int | None = fields.link("secondments", required=False)
    activity_id: int | None = fields.link("activities", required=False)
    overspend_approved: bool = fields.flag()
    """Set to allow an expense beyond the allocation; it is then flagged in reports."""


RECORD_TYPES: tuple[type[Record], ...] = (
    Partnership,
    School,
    Teacher,
    Pairing,
    Secondment,
    Mentorship,
    Activity,
    Rubric,
    Assessment,
    Allocation,
    Expense,
)
"""Every record type, in an order where each refers only to earlier ones."""


def record_type(name: str | type[Record]) -> type[Record]:
    """Return the record class named by its class name or table (``"school"``, ``"schools"``)."""
    if isinstance(name, type) and issubclass(name, Record) and name in RECORD_TYPES:
        return name
    key = str(name).strip().lower()
    for cls in RECORD_TYPES:
        if key in (cls.__name__.lower(), cls.table, cls.table.rstrip("s")):
            return cls
    known = ", ".join(c.__name__.lower() for c in RECORD_TYPES)
    raise InvalidRecord(f"unknown record type {name!r}; known types: {known}")
