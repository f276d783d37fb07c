"""Mentor pairs (师徒结对)."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

import attrs

from .. import fields
from ..enums import MentorshipStatus
from ..errors import InvalidRecord
from .base import Record, ordered


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
        ordered(self, "starts_on", "ends_on")
        if self.mentor_id == self.mentee_id:
            raise InvalidRecord(f"teacher {self.mentor_id} cannot mentor themselves")
