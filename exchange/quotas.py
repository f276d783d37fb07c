"""Policy quotas (政策指标): shares the programme documents set, computed from the records.

A :class:`Quota` names a measure and the share, in percent, it must reach;
:func:`evaluate` computes quotas for one region and calendar year Y, each giving a
:class:`QuotaResult` — met (达标), not met (未达标) or no data (无数据) — with the
figures behind it. The measures, for a region R:

- *Schools of R*: schools whose ``region`` is R or lies below it (:mod:`exchange.regions`:
  贞丰县 lies in 贵州省黔西南州), its bureaus, centres and offices left out. Archived
  records of every type are left out throughout; roles are the teachers' roles as
  recorded now.
- *Eligible teachers*: teachers whose home school (``Teacher.school_id``) is in R.
- *Exchanged in Y*: eligible teachers with at least one secondment, to any host, that
  is approved, active, completed or withdrawn (:data:`exchange.timeline.COUNTED`) and
  whose period, ``starts_on`` to its actual last day (:func:`exchange.lifecycle.last_day`),
  shares a day with Y.
- ``exchange-share``: exchanged / eligible.
- ``backbone-share``: exchanged teachers holding ``Role.BACKBONE`` / exchanged.
- ``trained-coverage`` (两个全覆盖 · 心理教师培训全覆盖): of the eligible teachers
  holding the quota's role (``Role.PSYCHOLOGY`` by default) whose home school is, on
  either side, in a pairing in force during Y (signed on or before 31 December, not
  ended before 1 January), those with a :class:`~exchange.models.Participation` in an
  activity of kind ``ActivityKind.TRAINING`` held in Y.
- ``lesson-coverage`` (两个全覆盖 · 心理示范课全覆盖): of the schools of R in a
  pairing in force during Y, those where a demonstration lesson (示范课) held in Y
  was given by a teacher holding the quota's role (``Role.PSYCHOLOGY`` by default).

A quota with denominator 0 has no data. Otherwise it is met when
numerator × 100 / denominator ≥ ``at_least``, compared exactly; the share shown is
rounded half up to 2 places and plays no part in the verdict.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from functools import cached_property
from typing import TYPE_CHECKING, Any, cast

import attrs

from . import fields
from .enums import ActivityKind, Role, Term
from .errors import InvalidRecord, NotFound
from .i18n import message
from .models import Activity, Pairing, Participation, School, Teacher
from .query import between, ge, le, one_of
from .timeline import overlapping

if TYPE_CHECKING:
    from .tracker import Tracker

MEASURES = ("exchange-share", "backbone-share", "trained-coverage", "lesson-coverage")
ROLE_MEASURES = frozenset({"trained-coverage", "lesson-coverage"})
"""The measures that take a ``role``."""
"""The measures a quota may name (see the module docstring)."""


class QuotaStatus(Term):
    """The verdict on a quota for a region and year."""

    MET = "met", "达标"
    NOT_MET = "not met", "未达标"
    NO_DATA = "no data", "无数据"


def _percent(value: Any) -> Any:
    """``10``, ``"10"``, ``"10 %"``, ``Decimal("12.5")`` → a Decimal; anything else is kept
    for the validator to refuse (floats included: 10.1 is not exactly 10.1)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    if isinstance(value, str):
        try:
            return Decimal(value.strip().rstrip("%％").strip())
        except InvalidOperation:
            return value
    return value


def _check_percent(quota: Quota, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not (isinstance(value, Decimal) and value.is_finite() and 0 < value <= 100):
        hint = "; write a float such as 10.5 as text, '10.5'" if isinstance(value, float) else ""
        raise InvalidRecord(
            message(
                "quota {key}: at_least must be a percent above 0 and at most 100, "
                "such as 10 or '12.5%', not {value!r}{hint}",
                key=quota.key,
                value=value,
                hint=hint,
            )
        )


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _role(value: Any) -> Role | None:
    return None if value is None else cast(Role, Role.parse(value))


def _check_measure(quota: Quota, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value not in MEASURES:
        raise InvalidRecord(
            message(
                "quota {key}: unknown measure {value!r}; known measures: {names}",
                key=quota.key,
                value=value,
                names=", ".join(MEASURES),
            )
        )


@attrs.frozen(kw_only=True)
class Quota:
    """A rule: ``measure`` must reach ``at_least`` percent (e.g. ``Decimal("10")``)."""

    key: str = fields.name()
    """Short identifier, e.g. ``exchange-share``."""
    name: str = fields.name()
    """For reports, e.g. 交流教师占比."""
    measure: str = attrs.field(converter=_strip, validator=_check_measure)
    """One of :data:`MEASURES`."""
    at_least: Decimal = attrs.field(converter=_percent, validator=_check_percent)
    """Percent, 0 < at_least ≤ 100; an int, a Decimal or text (``"10"``, ``"10%"``)."""
    role: Role | None = attrs.field(default=None, converter=_role)
    """For ``trained-coverage`` and ``lesson-coverage``: whose training or lesson counts
    (``None``: ``Role.PSYCHOLOGY``)."""

    def __attrs_post_init__(self) -> None:
        if self.role is not None and self.measure not in ROLE_MEASURES:
            raise InvalidRecord(
                message(
                    "quota {key}: role applies to trained-coverage and lesson-coverage only",
                    key=self.key,
                )
            )


DEFAULT_QUOTAS: tuple[Quota, ...] = (
    Quota(key="exchange-share", name="交流教师占比", measure="exchange-share", at_least=10),
    Quota(
        key="backbone-share", name="骨干教师占交流教师比例", measure="backbone-share", at_least=20
    ),
    Quota(
        key="trained-coverage",
        name="心理教师培训全覆盖",
        measure="trained-coverage",
        at_least=100,
        role=Role.PSYCHOLOGY,
    ),
    Quota(
        key="lesson-coverage",
        name="心理示范课全覆盖",
        measure="lesson-coverage",
        at_least=100,
        role=Role.PSYCHOLOGY,
    ),
)
"""交流 ≥ 10 % of eligible teachers, 骨干 ≥ 20 % of those exchanged, and 两个全覆盖:
心理教师培训全覆盖 and a 心理 demonstration lesson at every paired school."""


@attrs.frozen
class QuotaResult:
    """One quota computed for one region and year, with the figures behind the verdict."""

    quota: Quota
    region: str
    year: int
    status: QuotaStatus
    numerator: int
    denominator: int
    share: Decimal | None
    """Percent, 2 places, rounded half up; ``None`` when the denominator is 0."""

    def describe(self) -> str:
        """One line: ``exchange-share 惠阳区 2025: 12 of 100 teachers (12.00 %) ≥ 10 %: met``."""
        shown = "no data" if self.share is None else f"{self.share} %"
        if self.quota.measure == "trained-coverage":
            unit = f"{(self.quota.role or Role.PSYCHOLOGY).value} teachers at paired schools"
        elif self.quota.measure == "lesson-coverage":
            unit = f"paired schools with a {(self.quota.role or Role.PSYCHOLOGY).value} lesson"
        else:
            unit = "exchanged teachers" if self.quota.measure == "backbone-share" else "teachers"
        return (
            f"{self.quota.key} {self.region} {self.year}: {self.numerator} of "
            f"{self.denominator} {unit} ({shown}) ≥ {self.quota.at_least.normalize():f} %: "
            f"{self.status.value}"
        )


class _Facts:
    """The records one region and year's measures read, each read once and only if needed."""

    def __init__(self, tracker: Tracker, school_ids: tuple[int, ...], year: int) -> None:
        self.tracker, self.school_ids = tracker, school_ids
        self.first, self.last = dt.date(year, 1, 1), dt.date(year, 12, 31)

    @cached_property
    def teachers(self) -> dict[int, Teacher]:
        """Eligible teachers by id."""
        found = self.tracker.find(Teacher, school_id=one_of(*self.school_ids))
        return {t.id: t for t in found if t.id is not None}

    @cached_property
    def exchanged(self) -> list[Teacher]:
        """Eligible teachers with a counted secondment sharing a day with the year."""
        if not self.teachers:
            return []
        period = overlapping(self.tracker, self.first, self.last, teacher_id=one_of(*self.teachers))
        ids = {s.teacher_id for s in period}
        return [t for i, t in self.teachers.items() if i in ids]

    @cached_property
    def paired(self) -> set[int]:
        """Schools of the region in a pairing in force during the year, on either side."""
        found: set[int] = set()
        for side in ("supporting_school_id", "supported_school_id"):
            filters: dict[str, Any] = {side: one_of(*self.school_ids), "signed_on": le(self.last)}
            for pairing in self.tracker.find(Pairing, **filters):
                if pairing.ended_on is None or pairing.ended_on >= self.first:
                    found.add(getattr(pairing, side))
        return found

    def trained(self, role: Role) -> tuple[int, int]:
        """(trained, population) for ``trained-coverage`` of ``role``."""
        population = {
            i for i, t in self.teachers.items() if role in t.roles and t.school_id in self.paired
        }
        if not population:
            return 0, 0
        attended: dict[int, set[int]] = defaultdict(set)
        for p in self.tracker.find(Participation, teacher_id=one_of(*population)):
            attended[p.activity_id].add(p.teacher_id)
        trained: set[int] = set()
        if attended:
            kind, since = ActivityKind.TRAINING, ge(self.first)
            for a in self.tracker.find(Activity, id=one_of(*attended), kind=kind, held_on=since):
                if a.held_on <= self.last and a.id is not None:
                    trained |= attended[a.id]
        return len(trained), len(population)

    def lessons(self, role: Role) -> tuple[int, int]:
        """(schools reached, paired schools) for ``lesson-coverage`` of ``role``."""
        if not self.paired:
            return 0, 0
        held = self.tracker.find(
            Activity,
            kind=ActivityKind.DEMONSTRATION_LESSON,
            school_id=one_of(*self.paired),
            held_on=between(self.first, self.last),
        )
        given = [(a.school_id, a.teacher_id) for a in held if a.teacher_id is not None]
        givers = {t for _, t in given}
        holders = (
            {t.id for t in self.tracker.find(Teacher, id=one_of(*givers)) if role in t.roles}
            if givers
            else set()
        )
        return len({school for school, teacher in given if teacher in holders}), len(self.paired)


_COUNTS: dict[str, Callable[[_Facts, Quota], tuple[int, int]]] = {
    "exchange-share": lambda f, q: (len(f.exchanged), len(f.teachers)),
    "backbone-share": lambda f, q: (
        sum(Role.BACKBONE in t.roles for t in f.exchanged),
        len(f.exchanged),
    ),
    "trained-coverage": lambda f, q: f.trained(q.role or Role.PSYCHOLOGY),
    "lesson-coverage": lambda f, q: f.lessons(q.role or Role.PSYCHOLOGY),
}
"""Measure → (numerator, denominator)."""


def evaluate(
    tracker: Tracker, region: str, year: int, quotas: Iterable[Quota] = DEFAULT_QUOTAS
) -> list[QuotaResult]:
    """Each quota for ``region`` and calendar ``year``, in the order given.

    Raises :class:`~exchange.errors.NotFound` for a region no school has ever been
    in, and :class:`~exchange.errors.InvalidRecord` for a year outside 1900–2999.
    """
    if isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 2999:
        raise InvalidRecord(
            message("year must be a whole number from 1900 to 2999, not {year!r}", year=year)
        )
    if not isinstance(region, str):
        raise InvalidRecord(message("region must be text, not {region!r}", region=region))
    where = region.strip()
    facts = _Facts(tracker, region_schools(tracker, where, schools_only=True), year)
    return [_judge(q, where, year, *_COUNTS[q.measure](facts, q)) for q in quotas]


def region_schools(tracker: Tracker, region: str, *, schools_only: bool = False) -> tuple[int, ...]:
    """Ids of the schools (and other organisations, unless ``schools_only``) in
    ``region`` or in the regions below it (see :mod:`exchange.regions`); NotFound,
    naming the closest known regions, if the store has none there."""
    from .regions import of_store  # here, off every command's start-up

    places, used = of_store(tracker)
    inside = [name for name in used if places.contains(region, name)]
    if inside:
        found = tracker.find(School, region=one_of(*inside))
        return tuple(s.id for s in found if s.id is not None and (s.is_school or not schools_only))
    import difflib

    known = places.known()
    closest = difflib.get_close_matches(region, known, n=10, cutoff=0)
    more = f" and {len(known) - len(closest)} more" if len(known) > len(closest) else ""
    listed = ", ".join(closest) + more if known else "none yet"
    raise NotFound(
        message(
            "no school is in region {region!r}; known regions, closest first: {listed}",
            region=region,
            listed=listed,
        )
    )


def _judge(quota: Quota, region: str, year: int, numerator: int, denominator: int) -> QuotaResult:
    if denominator == 0:
        status, share = QuotaStatus.NO_DATA, None
    else:
        met = Fraction(100 * numerator, denominator) >= Fraction(quota.at_least)
        status = QuotaStatus.MET if met else QuotaStatus.NOT_MET
        hundredths = (20_000 * numerator + denominator) // (2 * denominator)  # half up
        share = Decimal(hundredths).scaleb(-2)
    return QuotaResult(quota, region, year, status, numerator, denominator, share)
