"""Domain operations of the :class:`~exchange.Tracker`, in the programme office's words.

Each builds the record from what a coordinator knows (schools and teachers by
id, ref or record) and stores it through :meth:`Tracker.add`, so the same
rules, policy plugins and change log apply.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from . import rules
from .enums import ActivityKind, ExpenseCategory, SecondmentKind, Target
from .models import (
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
    Record,
    Rubric,
    School,
    Secondment,
    Teacher,
)
from .query import largest

if TYPE_CHECKING:
    from .tracker import Key, Tracker

R = TypeVar("R", bound=Record)


class Operations:
    """Mixed into :class:`~exchange.Tracker`."""

    def _id(self: Tracker, cls: type[Record], key: Key | None) -> int | None:
        return None if key is None else self.get(cls, key).id

    def _need_id(self: Tracker, cls: type[Record], key: Key) -> int:
        return self.get(cls, key).id or 0  # stored records always have an id

    def pair_schools(
        self: Tracker,
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
            Pairing(
                supporting_school_id=self._need_id(School, supporting),
                supported_school_id=self._need_id(School, supported),
                partnership_id=self._id(Partnership, partnership),
                signed_on=signed_on,
                annual_budget=annual_budget,
                ref=ref,
            )
        )

    def second(
        self: Tracker,
        teacher: Key,
        host_school: Key,
        *,
        kind: SecondmentKind | str,
        starts_on: dt.date | str,
        ends_on: dt.date | str,
        pairing: Key | None = None,
        post: str = "",
        ref: str | None = None,
    ) -> Secondment:
        """Propose a secondment of ``teacher`` to ``host_school`` (支教, 跟岗, 挂职 or 送教)."""
        return self.add(
            Secondment(
                teacher_id=self._need_id(Teacher, teacher),
                host_school_id=self._need_id(School, host_school),
                kind=kind,
                starts_on=starts_on,
                ends_on=ends_on,
                pairing_id=self._id(Pairing, pairing),
                post=post,
                ref=ref,
            )
        )

    def pair_mentor(
        self: Tracker,
        mentor: Key,
        mentee: Key,
        *,
        programme: str,
        starts_on: dt.date | str,
        ref: str | None = None,
    ) -> Mentorship:
        """Pair a mentor with a mentee in a programme (师徒结对)."""
        return self.add(
            Mentorship(
                mentor_id=self._need_id(Teacher, mentor),
                mentee_id=self._need_id(Teacher, mentee),
                programme=programme,
                starts_on=starts_on,
                ref=ref,
            )
        )

    def log_activity(
        self: Tracker,
        kind: ActivityKind | str,
        title: str,
        *,
        held_on: dt.date | str,
        school: Key | None = None,
        teacher: Key | None = None,
        pairing: Key | None = None,
        partnership: Key | None = None,
        **counts: Any,
    ) -> Activity:
        """Record an activity; ``counts`` are ``lessons``, ``attendees``, ``students``, ``notes``."""
        return self.add(
            Activity(
                kind=kind,
                title=title,
                held_on=held_on,
                school_id=self._id(School, school),
                teacher_id=self._id(Teacher, teacher),
                pairing_id=self._id(Pairing, pairing),
                partnership_id=self._id(Partnership, partnership),
                **counts,
            )
        )

    def define_rubric(
        self: Tracker,
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
        [row] = self.aggregate(
            Rubric, measures={"latest": largest("version")}, name=name, include_archived=True
        )
        return self.add(
            Rubric(
                name=name,
                version=(row["latest"] or 0) + 1,
                target=target,
                criteria=tuple(criteria),
                bands=tuple(bands),
                ref=ref,
            )
        )

    def assess(
        self: Tracker,
        rubric: Key,
        target_id: int,
        *,
        period: str,
        assessor: str,
        scores: Mapping[str, float],
        assessed_on: dt.date | str,
        notes: str = "",
    ) -> Assessment:
        """Record one assessor's scores for a target and period (考核)."""
        return self.add(
            Assessment(
                rubric_id=self._need_id(Rubric, rubric),
                target_id=target_id,
                period=period,
                assessor=assessor,
                scores=scores,
                assessed_on=assessed_on,
                notes=notes,
            )
        )

    def allocate(
        self: Tracker,
        pairing: Key,
        *,
        year: int,
        amount: decimal.Decimal | int | str,
        source: str = "",
        ref: str | None = None,
    ) -> Allocation:
        """Grant money to a pairing for a year (e.g. ¥100,000 per school per year)."""
        return self.add(
            Allocation(
                pairing_id=self._need_id(Pairing, pairing), year=year, amount=amount,
                source=source, ref=ref,
            )
        )

    def spend(
        self: Tracker,
        allocation: Key,
        amount: decimal.Decimal | int | str,
        *,
        category: ExpenseCategory | str,
        spent_on: dt.date | str,
        description: str = "",
        allow_overspend: bool = False,
        ref: str | None = None,
    ) -> Expense:
        """Record an expense; one that would overspend the allocation is refused unless
        ``allow_overspend`` (it is then flagged)."""
        return self.add(
            Expense(
                allocation_id=self._need_id(Allocation, allocation),
                amount=amount,
                category=category,
                spent_on=spent_on,
                description=description,
                overspend_approved=allow_overspend,
                ref=ref,
            )
        )

    def balance(self: Tracker, allocation: Key) -> decimal.Decimal:
        """What is left of an allocation, in yuan (negative after an approved overspend)."""
        found: Allocation = self.get(Allocation, allocation)
        return found.amount - rules.spent(self.backend, found.id or 0)

