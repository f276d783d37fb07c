"""Secondments of teachers to host schools, and the activities of the programmes."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

import attrs

from .. import fields
from ..enums import ActivityKind, SecondmentKind, SecondmentStatus
from ..errors import InvalidRecord
from ..i18n import message
from .base import Record, ordered


@attrs.frozen(kw_only=True)
class Extension:
    """A secondment's planned end moved later (延期), kept as history."""

    previous_end: dt.date = fields.day()
    new_end: dt.date = fields.day()
    decided_on: dt.date | None = fields.day(required=False)
    reason: str = fields.text()

    def __attrs_post_init__(self) -> None:
        if self.new_end <= self.previous_end:
            raise InvalidRecord(
                message(
                    "an extension must end after {previous_end}, not on {new_end}",
                    previous_end=self.previous_end,
                    new_end=self.new_end,
                )
            )


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
    partnership_id: int | None = fields.link("partnerships", required=False)
    """The partnership it counts under; a pairing's partnership when it names a pairing
    (广清's 跟岗 teachers came from schools with no pairing)."""
    programme: str = fields.text(limit=fields.MAX_NAME)
    """The programme it belongs to, by name (两个全覆盖, 优课解码); empty for none."""
    returned_on: dt.date | None = fields.day(required=False)
    """The actual last day, when it differs from the plan: an early return, on or before
    ``ends_on`` (a later return is an extension, :meth:`~exchange.Tracker.extend`)."""
    post: str = fields.text(limit=fields.MAX_NAME)
    """The post held at the host, for 挂职 (e.g. 副校长)."""
    reason: str = fields.text(personal=True)
    """Why it was cancelled or withdrawn (personal: a health or family reason)."""
    extensions: tuple[Extension, ...] = fields.parts(Extension)
    """Each time the planned end was moved later, oldest first."""
    need_id: int | None = fields.link("placement_needs", required=False)
    """The host school's need it fills (:class:`~exchange.models.Need`), if any."""

    def __attrs_post_init__(self) -> None:
        ordered(self, "starts_on", "ends_on")
        ordered(self, "starts_on", "returned_on")
        if self.returned_on is not None and self.returned_on > self.ends_on:
            raise InvalidRecord(
                message(
                    "secondment: the return {returned_on} is after the planned end "
                    "{ends_on}; extend the secondment to it instead",
                    returned_on=self.returned_on,
                    ends_on=self.ends_on,
                )
            )
        if self.extensions:
            self._check_extensions()

    def _check_extensions(self) -> None:
        """The extensions follow on from each other, from within the secondment to its end."""
        for earlier, later in zip(self.extensions, self.extensions[1:], strict=False):
            if later.previous_end != earlier.new_end:
                raise InvalidRecord(
                    message(
                        "secondment extensions do not follow on: one ends {new_end}, the "
                        "next starts from {previous_end}",
                        new_end=earlier.new_end,
                        previous_end=later.previous_end,
                    )
                )
        if self.extensions[0].previous_end < self.starts_on:
            raise InvalidRecord(
                message(
                    "secondment starts {starts_on} but its first extension moves an end of {value}",
                    starts_on=self.starts_on,
                    value=self.extensions[0].previous_end,
                )
            )
        if self.extensions[-1].new_end != self.ends_on:
            raise InvalidRecord(
                message(
                    "secondment ends {ends_on} but its last extension ends {value}",
                    ends_on=self.ends_on,
                    value=self.extensions[-1].new_end,
                )
            )

    @property
    def planned_end(self) -> dt.date:
        """The last day first planned, before any extension."""
        return self.extensions[0].previous_end if self.extensions else self.ends_on


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
    programme: str = fields.text(limit=fields.MAX_NAME)
    """The programme it belongs to, by name (优课解码); empty for none."""


@attrs.frozen(kw_only=True)
class Participation(Record):
    """A teacher took part in an activity (参训, 听课): what coverage quotas count."""

    table: ClassVar[str] = "participations"

    activity_id: int = fields.link("activities")
    teacher_id: int = fields.link("teachers")
