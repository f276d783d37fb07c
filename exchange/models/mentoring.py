"""Mentoring programmes, mentor pairs (师徒结对) and what the pairs do together."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Mapping
from typing import Any, ClassVar

import attrs

from .. import fields
from ..enums import MeetingKind, MentorshipStatus
from ..errors import InvalidRecord
from ..i18n import message
from .base import Record, ordered

MAX_CAPACITY = 10_000
"""Most mentees a programme may allow one mentor."""


def _check_targets(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, tuple) or not all(
        type(t) is int and 0 < t <= fields.MAX_COUNT for t in value
    ):
        raise InvalidRecord(
            message(
                "programme {instance_name!r}: targets must be positive whole "
                "numbers, one per level, not {value!r}",
                instance_name=instance.name,
                value=value,
            )
        )


def _to_targets(value: Any) -> Any:
    if isinstance(value, str):
        value = [v for v in value.replace("，", ",").replace("→", ",").split(",") if v.strip()]
    try:
        return tuple(int(v) if isinstance(v, str) else v for v in value)
    except (TypeError, ValueError):
        return value  # the validator reports it


def _to_thresholds(value: Any) -> Any:
    if isinstance(value, Mapping):
        value = value.items()
    try:
        return tuple(sorted((str(k).strip(), fields.to_percent(v)) for k, v in value))
    except (TypeError, ValueError):
        return value  # the validator reports it


def _check_thresholds(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    from ..quotas import MEASURES  # quotas read programmes: imported when first checked

    for pair in value if isinstance(value, tuple) else [value]:
        measure, percent = pair if isinstance(pair, tuple) and len(pair) == 2 else (pair, None)
        if measure not in MEASURES or not fields.is_percent(percent):
            raise InvalidRecord(
                message(
                    "programme {instance_name!r}: a threshold is a quota measure ({names}) "
                    "and a percent above 0 and at most 100, not {pair}",
                    instance_name=instance.name,
                    names=", ".join(MEASURES),
                    pair=f"{measure}={percent}" if percent is not None else repr(pair),
                )
            )


@attrs.frozen(kw_only=True)
class Programme(Record):
    """A mentoring programme (百千万, 青蓝工程): its per-level targets and mentor capacity.

    Mentor pairs name their programme by :attr:`name`; a pair whose programme has
    no record here has no targets and no capacity limit.
    """

    table: ClassVar[str] = "programmes"

    name: str = fields.name()
    targets: tuple[int, ...] = attrs.field(
        factory=tuple, converter=_to_targets, validator=_check_targets, metadata={"kind": "json"}
    )
    """Teachers wanted at each level of the cascade, from the first: (100, 1000, 10000)."""
    mentor_capacity: int | None = fields.number(1, MAX_CAPACITY, required=False)
    """Most mentees one mentor of this programme may have, counted across all programmes."""
    notes: str = fields.text()
    thresholds: tuple[tuple[str, decimal.Decimal], ...] = attrs.field(
        factory=tuple,
        converter=_to_thresholds,
        validator=_check_thresholds,
        metadata={
            "kind": "json",
            "encode": lambda pairs: {key: str(value) for key, value in pairs},
            "decode": lambda data: _to_thresholds(data),
        },
    )
    """The percent each quota measure must reach in this programme, where it differs
    from the default (see :mod:`exchange.quotas`): ``{"lesson-coverage": 100}``."""


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
    reason: str = fields.text(personal=True)
    """Why the pair ended early (personal)."""

    def __attrs_post_init__(self) -> None:
        ordered(self, "starts_on", "ends_on")
        if self.mentor_id == self.mentee_id:
            raise InvalidRecord(
                message("teacher {mentor_id} cannot mentor themselves", mentor_id=self.mentor_id)
            )


@attrs.frozen(kw_only=True)
class Milestone:
    """One step towards a goal; reached when it has a ``done_on`` day."""

    title: str = fields.name()
    due_on: dt.date | None = fields.day(required=False)
    done_on: dt.date | None = fields.day(required=False)


@attrs.frozen(kw_only=True)
class Goal(Record):
    """What a mentee means to achieve within a mentor pair, in milestones (成长目标)."""

    table: ClassVar[str] = "goals"

    mentorship_id: int = fields.link("mentorships")
    title: str = fields.name()
    milestones: tuple[Milestone, ...] = fields.parts(Milestone)
    achieved_on: dt.date | None = fields.day(required=False)
    notes: str = fields.text(personal=True)
    """About the mentee's progress (personal)."""

    def __attrs_post_init__(self) -> None:
        titles = [m.title for m in self.milestones]
        doubled = sorted({t for t in titles if titles.count(t) > 1})
        if doubled:
            raise InvalidRecord(
                message(
                    "goal {title!r} repeats milestones: {doubled}",
                    title=self.title,
                    doubled=doubled,
                )
            )

    @property
    def progress(self) -> int:
        """Percent done: 100 once achieved, else the share of milestones reached (floor)."""
        if self.achieved_on is not None:
            return 100
        if not self.milestones:
            return 0
        done = sum(1 for m in self.milestones if m.done_on is not None)
        return 100 * done // len(self.milestones)


MAX_MINUTES = 24 * 60
"""Longest meeting, in minutes."""


@attrs.frozen(kw_only=True)
class Meeting(Record):
    """A mentor's log of time spent with the mentee (听课, 评课, 集体备课 …).

    The mentor logs it; it counts in reports once the mentee confirms it
    (``confirmed_by`` is then the mentee's id).
    """

    table: ClassVar[str] = "meetings"

    mentorship_id: int = fields.link("mentorships")
    held_on: dt.date = fields.day()
    minutes: int = fields.number(1, MAX_MINUTES)
    kind: MeetingKind = fields.choice(MeetingKind)
    notes: str = fields.text(personal=True)
    """What the mentor noted of the mentee (personal)."""
    confirmed_by: int | None = fields.link("teachers", required=False)
    """The mentee who confirmed the meeting took place."""
    corrects: int | None = fields.link("meetings", required=False)
    """The confirmed meeting of the same pair this one corrects: once this one is
    confirmed, the meeting it corrects is archived and this one counts instead."""
