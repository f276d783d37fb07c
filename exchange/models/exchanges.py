"""Secondments of teachers to host schools, and the activities of the programmes."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

import attrs

from .. import fields
from ..enums import ActivityKind, SecondmentKind, SecondmentStatus
from .base import Record, ordered


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
        ordered(self, "starts_on", "ends_on")
        ordered(self, "starts_on", "returned_on")


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
