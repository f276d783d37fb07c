"""Domain operations of the :class:`~exchange.Tracker`, in the programme office's words.

Each builds the record from what a coordinator knows (schools and teachers by
id, ref or record) and stores it through :meth:`Tracker.add`, so the same
rules, policy plugins and change log apply.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

import attrs

from . import rules, scoring, timeline
from .enums import ActivityKind, ExpenseCategory, SecondmentKind, SecondmentStatus, Target
from .errors import InvalidRecord, NotFound
from .i18n import message
from .lifecycle import require_move
from .models import (
    STANDARD_BANDS,
    Activity,
    Allocation,
    Assessment,
    Criterion,
    Expense,
    Extension,
    GradeBand,
    Need,
    Pairing,
    Participation,
    Partnership,
    Programme,
    Record,
    Rubric,
    School,
    Secondment,
    Teacher,
)

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from .backend import Backend
    from .plugins import Plugins
    from .quotas import Quota, QuotaResult
    from .tracker import Key

R = TypeVar("R", bound=Record)
T = TypeVar("T", bound=attrs.AttrsInstance)


def build(cls: type[T], **values: Any) -> T:
    # Fields accept text for dates, money and vocabularies; their converters normalise it.
    return cls(**values)


def evolve(record: T, **changes: Any) -> T:
    # As _build: the changed fields may be text their converters normalise.
    evolved: T = attrs.evolve(cast(Any, record), **changes)
    return evolved


class Store:
    """What the operation mixins need of :class:`~exchange.Tracker`."""

    if TYPE_CHECKING:
        backend: Backend
        plugins: Plugins

        def add(self, record: R) -> R: ...

        def update(self, record: R) -> R: ...

        def archive(self, cls: Any, key: Key) -> Any: ...

        def get(self, cls: Any, key: Key) -> Any: ...

        def find(self, cls: Any, **options: Any) -> Iterator[Any]: ...

        def count(self, cls: Any, **options: Any) -> int: ...

        def transaction(self) -> AbstractContextManager[Any]: ...

        def current(self, cls: Any, key: Key) -> Any: ...

        _vouched: set[int | None]

        def _permit(self, before: Any, after: Any, lookup: Any) -> None: ...

        def _note(
            self, action: str, record_type: str, record_id: int | None, before: Any, after: Any
        ) -> None: ...

    def _revise(self, cls: type[R], key: Key, change: Callable[[R], R]) -> R:
        """Read the record named by ``key``, let ``change`` check it and make the changed
        copy, and store that, in one transaction. The outermost transaction takes the
        write lock before the read (SQLite ``BEGIN IMMEDIATE``, PostgreSQL's advisory
        lock, memory's lock), so no other writer can move the record in between: a
        move repeated by a second writer sees the first one's result and is refused.

        A record given as ``key`` only names the record: the operation reads the stored
        revision itself and checks its move against that, so an older copy cannot undo
        a change made since (unlike :meth:`update`, which stores the copy it is given)."""
        with self.transaction():
            current: R = self.get(cls, key)
            return self.update(change(current))

    def _id(self, cls: type[Record], key: Key | None) -> int | None:
        return None if key is None else self.get(cls, key).id

    def _need_id(self, cls: type[Record], key: Key) -> int:
        return self.get(cls, key).id or 0  # stored records always have an id


class Operations(Store):
    """Schools, secondments, activities, rubrics and money; mixed into the Tracker."""

    def pair_schools(
        self,
        supporting: Key,
        supported: Key,
        *,
        signed_on: dt.date | str,
        partnership: Key | None = None,
        annual_budget: decimal.Decimal | int | str | None = None,
        ref: str | None = None,
    ) -> Pairing:
        """Sign two schools into a pairing (校校结对)."""
        return self.add(
            build(
                Pairing,
                supporting_school_id=self._need_id(School, supporting),
                supported_school_id=self._need_id(School, supported),
                partnership_id=self._id(Partnership, partnership),
                signed_on=signed_on,
                annual_budget=annual_budget,
                ref=ref,
            )
        )

    def second(
        self,
        teacher: Key,
        host_school: Key,
        *,
        kind: SecondmentKind | str,
        starts_on: dt.date | str,
        ends_on: dt.date | str,
        pairing: Key | None = None,
        partnership: Key | None = None,
        programme: str = "",
        post: str = "",
        ref: str | None = None,
        need: Key | None = None,
    ) -> Secondment:
        """Propose a secondment of ``teacher`` to ``host_school`` (支教, 跟岗, 挂职 or 送教),
        counted under ``partnership``, or the partnership of ``pairing``; ``need`` is the
        host school's :class:`~exchange.models.Need` it fills, if any."""
        return self.add(
            build(
                Secondment,
                teacher_id=self._need_id(Teacher, teacher),
                host_school_id=self._need_id(School, host_school),
                kind=kind,
                starts_on=starts_on,
                ends_on=ends_on,
                pairing_id=self._id(Pairing, pairing),
                partnership_id=self._id(Partnership, partnership),
                programme=programme,
                post=post,
                ref=ref,
                need_id=self._id(Need, need),
            )
        )

    def log_activity(
        self,
        kind: ActivityKind | str,
        title: str,
        *,
        held_on: dt.date | str,
        school: Key | None = None,
        teacher: Key | None = None,
        pairing: Key | None = None,
        partnership: Key | None = None,
        lessons: int = 0,
        attendees: int = 0,
        students: int = 0,
        notes: str = "",
        programme: str = "",
        ref: str | None = None,
    ) -> Activity:
        """Record an activity with its lessons (节), attendee person-times (人次) and students."""
        return self.add(
            build(
                Activity,
                kind=kind,
                title=title,
                held_on=held_on,
                school_id=self._id(School, school),
                teacher_id=self._id(Teacher, teacher),
                pairing_id=self._id(Pairing, pairing),
                partnership_id=self._id(Partnership, partnership),
                lessons=lessons,
                attendees=attendees,
                students=students,
                notes=notes,
                programme=programme,
                ref=ref,
            )
        )

    def define_rubric(
        self,
        name: str,
        *,
        target: Target | str,
        criteria: Iterable[Criterion],
        bands: Iterable[GradeBand] = STANDARD_BANDS,
        ref: str | None = None,
    ) -> Rubric:
        """Store a rubric; a rubric of the same name gets the next version number, so
        assessments made under an earlier version keep it."""
        name = name.strip()
        latest = max(
            (r.version for r in self.find(Rubric, name=name, include_archived=True)), default=0
        )
        return self.add(
            build(
                Rubric,
                name=name,
                version=latest + 1,
                target=target,
                criteria=tuple(criteria),
                bands=tuple(bands),
                ref=ref,
            )
        )

    def assess(
        self,
        rubric: Key,
        target: Key,
        *,
        period: str,
        assessor: str,
        scores: Mapping[str, float | str],
        assessed_on: dt.date | str,
        notes: str = "",
        ref: str | None = None,
    ) -> Assessment:
        """Record one assessor's scores for a target and period (考核); the target is
        named by id, or by ref as a record of the type the rubric assesses."""
        found: Rubric = self.get(Rubric, rubric)
        if not isinstance(target, int):
            target = self._need_id(rules.TARGETS[found.target], target)
        return self.add(
            build(
                Assessment,
                rubric_id=found.id,
                target_id=target,
                period=period,
                assessor=assessor,
                scores=scores,
                assessed_on=assessed_on,
                notes=notes,
                ref=ref,
            )
        )

    def result(self, assessment: Key) -> scoring.Result:
        """The total and grade of an assessment, under the rubric version it was made with."""
        found: Assessment = self.get(Assessment, assessment)
        rubric: Rubric = self.get(Rubric, found.rubric_id)
        return scoring.evaluate(rubric, dict(found.scores))

    def combined_result(
        self, rubric: Key, target_id: int, *, period: str, how: str = "mean"
    ) -> scoring.Result:
        """All assessors' results for one target and period, combined by mean or median."""
        found: Rubric = self.get(Rubric, rubric)
        results = [
            scoring.evaluate(found, dict(a.scores))
            for a in self.find(Assessment, rubric_id=found.id, target_id=target_id, period=period)
        ]
        return scoring.combined(results, found, how=how)

    def allocate(
        self,
        pairing: Key | None = None,
        *,
        year: int,
        amount: decimal.Decimal | int | str,
        source: str = "",
        organisation: Key | None = None,
        ref: str | None = None,
    ) -> Allocation:
        """Grant money for a year to a pairing (e.g. ¥100,000 per school per year), or to
        one ``organisation`` (a school, a bureau, a centre)."""
        return self.add(
            build(
                Allocation,
                pairing_id=self._id(Pairing, pairing),
                school_id=self._id(School, organisation),
                year=year,
                amount=amount,
                source=source,
                ref=ref,
            )
        )

    def spend(
        self,
        allocation: Key,
        amount: decimal.Decimal | int | str,
        *,
        category: ExpenseCategory | str,
        spent_on: dt.date | str,
        description: str = "",
        secondment: Key | None = None,
        activity: Key | None = None,
        allow_overspend: bool = False,
        programme: str = "",
        ref: str | None = None,
    ) -> Expense:
        """Record an expense; one that would overspend the allocation is refused unless
        ``allow_overspend`` (it is then flagged)."""
        return self.add(
            build(
                Expense,
                allocation_id=self._need_id(Allocation, allocation),
                amount=amount,
                category=category,
                spent_on=spent_on,
                description=description,
                secondment_id=self._id(Secondment, secondment),
                activity_id=self._id(Activity, activity),
                overspend_approved=allow_overspend,
                programme=programme,
                ref=ref,
            )
        )

    def balance(self, allocation: Key) -> decimal.Decimal:
        """What is left of an allocation, in yuan (negative after an approved overspend)."""
        found: Allocation = self.get(Allocation, allocation)
        return found.amount - rules.spent(self.backend, found.id or 0)

    # -- the secondment lifecycle ----------------------------------------------

    def _move(self, key: Key, status: SecondmentStatus, **changes: Any) -> Secondment:
        def moved(current: Secondment) -> Secondment:
            require_move(current, status)
            return evolve(current, status=status, **changes)

        return self._revise(Secondment, key, moved)

    def approve(self, secondment: Key) -> Secondment:
        """proposed → approved; the teacher's period is now taken (no overlap allowed)."""
        return self._move(secondment, SecondmentStatus.APPROVED)

    def start(self, secondment: Key) -> Secondment:
        """approved → active: the teacher has arrived at the host school."""
        return self._move(secondment, SecondmentStatus.ACTIVE)

    def complete(self, secondment: Key) -> Secondment:
        """active → completed: served to the planned end."""
        return self._move(secondment, SecondmentStatus.COMPLETED)

    def cancel(self, secondment: Key, *, reason: str) -> Secondment:
        """proposed or approved → cancelled, before it starts."""
        return self._move(secondment, SecondmentStatus.CANCELLED, reason=reason)

    def withdraw(self, secondment: Key, *, reason: str, returned_on: dt.date | str) -> Secondment:
        """active → withdrawn: an early return, with its reason and the actual last day."""
        return self._move(
            secondment, SecondmentStatus.WITHDRAWN, reason=reason, returned_on=returned_on
        )

    def extend(
        self,
        secondment: Key,
        *,
        to: dt.date | str,
        reason: str,
        decided_on: dt.date | str | None = None,
    ) -> Secondment:
        """Move the planned end later (延期), keeping the earlier end in ``extensions``.

        Allowed while proposed, approved or active; the new end must be after the
        current one, and the longer period must not overlap another secondment.
        """

        def extended(current: Secondment) -> Secondment:
            if not reason.strip():
                raise InvalidRecord(
                    message(
                        "secondment {current_id}: give a reason for the extension",
                        current_id=current.id,
                    )
                )
            try:
                step = build(
                    Extension,
                    previous_end=current.ends_on,
                    new_end=to,
                    decided_on=decided_on,
                    reason=reason,
                )
            except InvalidRecord as error:
                raise InvalidRecord(
                    message("secondment {current_id}: {error}", current_id=current.id, error=error)
                ) from None
            return evolve(current, ends_on=step.new_end, extensions=(*current.extensions, step))

        return self._revise(Secondment, secondment, extended)

    def take_part(self, activity: Key, teacher: Key, *, ref: str | None = None) -> Participation:
        """Record that ``teacher`` took part in ``activity`` (参训), as coverage quotas count."""
        return self.add(
            Participation(
                activity_id=self._need_id(Activity, activity),
                teacher_id=self._need_id(Teacher, teacher),
                ref=ref,
            )
        )

    def quotas(
        self,
        region: str,
        year: int,
        rules: Iterable[Quota] | None = None,
        *,
        programme: Key | None = None,
    ) -> list[QuotaResult]:
        """Each policy quota for a region and year: met, not met or no data, with its figures
        (see :mod:`exchange.quotas`); ``rules`` are ``DEFAULT_QUOTAS`` unless given, at the
        thresholds ``programme`` (a name, id or ref) sets."""
        from .quotas import DEFAULT_QUOTAS, evaluate, of_programme  # off every start-up

        if programme is not None:
            if rules is not None:
                raise InvalidRecord(message("give quotas or a programme, not both"))
            rules = of_programme(self.programme(programme))
        chosen = DEFAULT_QUOTAS if rules is None else rules
        return evaluate(self, region, year, chosen)  # type: ignore[arg-type]

    def programme(self, key: Key) -> Programme:
        """The programme named ``key`` (its name, else its id or ref)."""
        if isinstance(key, str):
            named = next(iter(self.find(Programme, name=key.strip())), None)
            if named is None and not self.count(Programme, ref=key.strip()):
                raise NotFound(message("no programme named {programme!r}", programme=key.strip()))
            if named is not None:
                return named  # type: ignore[no-any-return]
        found: Programme = self.get(Programme, key)
        return found

    def cost(self, secondment: Key, *, tariff: str, planned: bool = False) -> decimal.Decimal:
        """What a secondment costs under a registered tariff (``register_tariffs``): its
        days priced under the version in force on each day, at the host's region class."""
        found: Secondment = self.get(Secondment, secondment)
        host: School = self.get(School, found.host_school_id)
        from . import tariffs  # loaded here, off every start-up

        return tariffs.cost(self.plugins.tariffs.get(tariff), found, host, planned=planned)

    # -- secondments over time (see exchange.timeline) ---------------------------

    def days_served(self, secondment: Key, *, as_of: dt.date | None = None) -> int:
        """Days the teacher spent at the host, first and last included, up to ``as_of``."""
        return timeline.days_served(self.get(Secondment, secondment), as_of=as_of)

    def at_host(self, school: Key, on: dt.date | str) -> list[Secondment]:
        """Who was at host ``school`` on day ``on`` (their secondments)."""
        return timeline.at_host(self, school, on)  # type: ignore[arg-type]

    def present(self, school: Key, on: dt.date | str) -> list[timeline.Presence]:
        """Who was at ``school`` on day ``on``: its own staff not seconded elsewhere,
        then the teachers seconded to it."""
        return timeline.present(self, school, on)  # type: ignore[arg-type]

    def whereabouts(self, teacher: Key, on: dt.date | str) -> Secondment | None:
        """The secondment ``teacher`` was on on day ``on``, or ``None``."""
        return timeline.whereabouts(self, teacher, on)  # type: ignore[arg-type]

    def overlapping(self, start: dt.date, end: dt.date, **filters: Any) -> list[Secondment]:
        """Approved, active, completed or withdrawn secondments sharing a day with the period."""
        return list(timeline.overlapping(self, start, end, **filters))  # type: ignore[arg-type]
