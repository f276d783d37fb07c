"""Placements: what a host school asks for, and the teachers who apply to go.

A :class:`Need` (岗位需求) is a host school's stated need: a subject and
stage, a number of places, the dates and the programme; an :class:`Application`
(申请) is a teacher asking to be seconded in a year's programme. A placement plan
(:mod:`exchange.matching.placements`) proposes secondments from the two.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

import attrs

from .. import fields
from ..enums import SecondmentKind, Stage
from .base import Record, ordered


@attrs.frozen(kw_only=True)
class Need(Record):
    """A host school's stated need for seconded teachers (岗位需求): 贞丰县第五中学
    lacks a 心理健康 teacher for the autumn term."""

    table: ClassVar[str] = "placement_needs"

    host_school_id: int = fields.link("schools")
    subject: str = fields.text(limit=fields.MAX_NAME)
    """The subject to teach (学科); empty when any will do."""
    stage: Stage | None = fields.choice(Stage, required=False)
    """The stage to teach at; empty: the host school's own."""
    places: int = fields.number(1, fields.MAX_COUNT)
    """How many teachers it takes (名额)."""
    starts_on: dt.date = fields.day()
    ends_on: dt.date = fields.day()
    kind: SecondmentKind = fields.choice(SecondmentKind, SecondmentKind.SUPPORT)
    """What the teachers will do there (支教 by default)."""
    programme: str = fields.text(limit=fields.MAX_NAME)
    """The programme it belongs to, by name; empty for none."""
    notes: str = fields.text()

    def __attrs_post_init__(self) -> None:
        ordered(self, "starts_on", "ends_on")


@attrs.frozen(kw_only=True)
class Application(Record):
    """A teacher's application to be seconded (报名/申请) in a year, perhaps for one
    programme and subject, perhaps only between two dates."""

    table: ClassVar[str] = "applications"

    teacher_id: int = fields.link("teachers")
    year: int = fields.number(1900, 2999)
    programme: str = fields.text(limit=fields.MAX_NAME)
    """The programme applied to, by name; empty for any."""
    subject: str = fields.text(limit=fields.MAX_NAME)
    """The subject offered; empty: any of the teacher's."""
    available_from: dt.date | None = fields.day(required=False)
    """The first day the teacher can go; empty: any."""
    available_until: dt.date | None = fields.day(required=False)
    """The last day the teacher can stay; empty: any."""
    notes: str = fields.text(personal=True)
    """Personal: dropped by redacted exports."""

    def __attrs_post_init__(self) -> None:
        ordered(self, "available_from", "available_until")
