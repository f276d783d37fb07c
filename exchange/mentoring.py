"""Mentoring operations of the :class:`~exchange.Tracker`: programmes, mentor pairs and
their lifecycle, goals and milestones, the meeting log, and the 百千万 cascade.

The rules these rely on (no cycle, a mentor's capacity across programmes, only
the mentee confirms a meeting) live in :mod:`exchange.rules` and run on every
write, whichever way the record arrives.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from . import cascade as cascade_
from .enums import MeetingKind, MentorshipStatus
from .errors import InvalidRecord, NotFound, RuleViolation
from .i18n import message
from .lifecycle import HOLDING, require_move
from .models import Goal, Meeting, Mentorship, Milestone, Programme, Secondment, Teacher
from .operations import Store, build, evolve
from .query import Op, one_of, total
from .rules import Lookup

if TYPE_CHECKING:
    from .tracker import Key


class Mentoring(Store):
    """Mixed into :class:`~exchange.Tracker`."""

    def define_programme(
        self,
        name: str,
        *,
        targets: Iterable[int] | str = (),
        mentor_capacity: int | None = None,
        notes: str = "",
        thresholds: Mapping[str, Any] | None = None,
        ref: str | None = None,
    ) -> Programme:
        """Store a programme: its per-level targets (100 → 1,000 → 10,000), the most
        mentees one of its mentors may have across all programmes, and the quota
        thresholds it sets (``{"lesson-coverage": 100}``)."""
        return self.add(
            build(
                Programme,
                name=name,
                targets=targets if isinstance(targets, str) else tuple(targets),
                mentor_capacity=mentor_capacity,
                notes=notes,
                thresholds=thresholds or {},
                ref=ref,
            )
        )

    def pair_mentor(
        self,
        mentor: Key,
        mentee: Key,
        *,
        programme: str,
        starts_on: dt.date | str,
        ref: str | None = None,
    ) -> Mentorship:
        """Pair a mentor with a mentee in a programme (师徒结对)."""
        return self.add(
            build(
                Mentorship,
                mentor_id=self._need_id(Teacher, mentor),
                mentee_id=self._need_id(Teacher, mentee),
                programme=programme,
                starts_on=starts_on,
                ref=ref,
            )
        )

    def complete_mentorship(self, mentorship: Key, *, on: dt.date | str) -> Mentorship:
        """active → completed (结业) on day ``on``."""

        def completed(current: Mentorship) -> Mentorship:
            require_move(current, MentorshipStatus.COMPLETED)
            return evolve(current, status=MentorshipStatus.COMPLETED, ends_on=on)

        return self._revise(Mentorship, mentorship, completed)

    def end_mentorship(self, mentorship: Key, *, reason: str, on: dt.date | str) -> Mentorship:
        """active → ended early (提前结束) on day ``on``, with the reason."""

        def ended(current: Mentorship) -> Mentorship:
            require_move(current, MentorshipStatus.ENDED)
            return evolve(current, status=MentorshipStatus.ENDED, ends_on=on, reason=reason)

        return self._revise(Mentorship, mentorship, ended)

    # -- goals and milestones ---------------------------------------------------

    def set_goal(
        self,
        mentorship: Key,
        title: str,
        *,
        milestones: Iterable[str | Milestone | Mapping[str, Any]] = (),
        notes: str = "",
        ref: str | None = None,
    ) -> Goal:
        """Give a mentor pair a goal; milestones may be titles, dicts or :class:`Milestone`."""
        steps = [Milestone(title=m) if isinstance(m, str) else m for m in milestones]
        return self.add(
            build(
                Goal,
                mentorship_id=self._need_id(Mentorship, mentorship),
                title=title,
                milestones=steps,
                notes=notes,
                ref=ref,
            )
        )

    def reach_milestone(self, goal: Key, milestone: str, *, on: dt.date | str) -> Goal:
        """Mark the goal's milestone titled ``milestone`` as reached on day ``on``."""

        def reached(current: Goal) -> Goal:
            titles = [m.title for m in current.milestones]
            if milestone.strip() not in titles:
                raise NotFound(
                    message(
                        "goal {current_id} ({current_title}) has no milestone "
                        "{milestone!r}; its milestones: {value}",
                        current_id=current.id,
                        current_title=current.title,
                        milestone=milestone,
                        value=", ".join(titles) or "none",
                    )
                )
            steps = tuple(
                evolve(m, done_on=on) if m.title == milestone.strip() else m
                for m in current.milestones
            )
            return evolve(current, milestones=steps)

        return self._revise(Goal, goal, reached)

    def achieve_goal(self, goal: Key, *, on: dt.date | str) -> Goal:
        """Mark a goal achieved on day ``on`` (its progress is then 100)."""
        return self._revise(Goal, goal, lambda current: evolve(current, achieved_on=on))

    # -- the meeting log --------------------------------------------------------

    def log_meeting(
        self,
        mentorship: Key,
        *,
        held_on: dt.date | str,
        minutes: int,
        kind: MeetingKind | str,
        notes: str = "",
        ref: str | None = None,
    ) -> Meeting:
        """The mentor logs a meeting (听课, 评课, 集体备课, 线上交流 or 其他); it counts once
        the mentee confirms it (:meth:`confirm_meeting`)."""
        return self.add(
            build(
                Meeting,
                mentorship_id=self._need_id(Mentorship, mentorship),
                held_on=held_on,
                minutes=minutes,
                kind=kind,
                notes=notes,
                ref=ref,
            )
        )

    def confirm_meeting(
        self, meeting: Key, *, by: Key | None = None, code: str | None = None
    ) -> Meeting:
        """The mentee confirms a logged meeting took place: ``by`` names the mentee (by
        default the pair's own), and anyone else is refused. Once a store has users
        (:mod:`exchange.access`) the actor must be that mentee, or give the ``code``
        issued for the meeting (:meth:`issue_code`). Confirming a correction archives
        the meeting it corrects, in the same transaction."""
        with self.transaction():
            current = self._unconfirmed(meeting)
            if code is not None:
                from . import confirmation  # hashlib loads only for a code

                confirmation.check(self.backend, current, code)
                self._vouched.add(current.id)
            mentee = (
                self.get(Mentorship, current.mentorship_id).mentee_id
                if by is None
                else self._need_id(Teacher, by)
            )
            confirmed: Meeting = self._revise(
                Meeting, current, lambda now: evolve(now, confirmed_by=mentee)
            )
            if confirmed.corrects is not None:
                self._vouched.add(confirmed.corrects)  # the confirmation archives it
                self.archive(Meeting, confirmed.corrects)
        return confirmed

    def issue_code(self, meeting: Key) -> str:
        """A new one-time code that confirms ``meeting`` as its mentee
        (:mod:`exchange.confirmation`), for a mentee without a login: only the pair's
        mentor or a coordinator issues one, and it replaces any issued before. The
        change log keeps its salted digest, never the code."""
        with self.transaction():
            current = self._unconfirmed(meeting)
            self._permit(current, current, Lookup(self.backend))
            from . import confirmation

            code = confirmation.new_code()
            self._note(
                "code", confirmation.RECORD_TYPE, current.id, None, confirmation.sealed(code)
            )
        return code

    def _unconfirmed(self, meeting: Key) -> Meeting:
        """The meeting, unless its mentee has confirmed it already."""
        current: Meeting = self.current(Meeting, meeting)
        if current.confirmed_by is not None:
            raise RuleViolation(message("meeting {id} is confirmed already", id=current.id))
        return current

    def correct_meeting(
        self,
        meeting: Key,
        *,
        held_on: dt.date | str | None = None,
        minutes: int | None = None,
        kind: MeetingKind | str | None = None,
        notes: str | None = None,
        ref: str | None = None,
    ) -> Meeting:
        """Log a correction of a confirmed (frozen) meeting: a new, unconfirmed meeting of
        the same pair that names it in ``corrects``, with the fields given changed; it
        counts instead of the original once the mentee confirms it."""
        original: Meeting = self.get(Meeting, meeting)
        changed = {"held_on": held_on, "minutes": minutes, "kind": kind, "notes": notes}
        return self.add(
            build(
                Meeting,
                mentorship_id=original.mentorship_id,
                **{k: getattr(original, k) if v is None else v for k, v in changed.items()},
                corrects=original.id,
                ref=ref,
            )
        )

    def confirmed_minutes(self, mentorship: Key) -> int:
        """Minutes of the pair's meetings the mentee has confirmed: what reports count."""
        pair: Mentorship = self.get(Mentorship, mentorship)
        confirmed = {
            "mentorship_id": Op("eq", pair.id),
            "confirmed_by": Op("eq", pair.mentee_id),
            "archived": Op("eq", False),
        }
        [row] = self.backend.aggregate(Meeting, [], {"minutes": total("minutes")}, confirmed)
        return int(row["minutes"])

    # -- the cascade (see exchange.cascade) --------------------------------------

    def cascade(self, *, programme: str | None = None) -> cascade_.Cascade:
        """Levels and reach of the mentor pairs, of one programme or of all."""
        return cascade_.build(cascade_.edges(self.backend, programme=programme))

    def cascade_targets(self, programme: str) -> list[dict[str, Any]]:
        """Per level of a programme's cascade: its target, the teachers there, and whether
        the target is met."""
        name = programme.strip()
        found = list(self.find(Programme, name=name, include_archived=True))
        if not found:
            raise NotFound(
                message("no programme named {name!r}; define it with its targets first", name=name)
            )
        if not found[0].targets:
            raise InvalidRecord(message("programme {name!r} has no level targets", name=name))
        return cascade_.targets_report(self.cascade(programme=name), found[0].targets)

    def load(self, teacher: Key) -> dict[str, int]:
        """What a teacher carries across all programmes: mentees, mentors, held secondments."""
        person: Teacher = self.get(Teacher, teacher)
        counting = one_of(*cascade_.COUNTING)
        return {
            "mentoring": self.count(Mentorship, mentor_id=person.id, status=counting),
            "mentored": self.count(Mentorship, mentee_id=person.id, status=counting),
            "seconded": self.count(Secondment, teacher_id=person.id, status=one_of(*HOLDING)),
        }
