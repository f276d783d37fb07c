"""Partnerships, schools, teachers and the pairings between schools."""

from __future__ import annotations

import datetime as dt
import decimal
from typing import ClassVar

import attrs

from .. import fields
from ..enums import OrganisationKind, PartnershipKind, Role, Stage
from ..errors import InvalidRecord
from ..i18n import message
from .base import Record, ordered


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
        ordered(self, "started_on", "ended_on")
        if self.supporting_region == self.supported_region:
            raise InvalidRecord(
                message(
                    "partnership {name!r} pairs region {supported_region!r} with itself",
                    name=self.name,
                    supported_region=self.supported_region,
                )
            )


@attrs.frozen(kw_only=True)
class School(Record):
    """A school or kindergarten (学校/幼儿园), or another organisation that employs
    staff (``kind``): an education bureau, a teacher-development centre, a research
    office. Each sends and hosts secondments and runs activities as a school does."""

    table: ClassVar[str] = "schools"

    name: str = fields.name()
    region: str = fields.name()
    """The county or district, as written in programme documents."""
    stage: Stage | None = fields.choice(Stage, required=False)
    """The stage a school serves; other organisations have none."""
    rural: bool = fields.flag()
    """A rural school; service there counts as rural teaching experience."""
    kind: OrganisationKind = fields.choice(OrganisationKind, OrganisationKind.SCHOOL)
    keep_at_home: int | None = fields.number(0, fields.MAX_COUNT, required=False)
    """Teachers it keeps at home at any time (留校最少人数): a placement plan sends no more
    than its teachers on record less this many, counting those already away; empty:
    no minimum."""

    def __attrs_post_init__(self) -> None:
        if (self.kind is OrganisationKind.SCHOOL) != (self.stage is not None):
            raise InvalidRecord(
                message("{name}: a school needs a stage (学段)", name=self.name)
                if self.stage is None
                else message(
                    "{name}: a {kind} has no stage; give a stage for schools only",
                    name=self.name,
                    kind=self.kind,
                )
            )

    @property
    def is_school(self) -> bool:
        """Whether this is a school (not a bureau, centre or office)."""
        return self.kind is OrganisationKind.SCHOOL


@attrs.frozen(kw_only=True)
class Teacher(Record):
    """A person who teaches or leads at a school (教师)."""

    table: ClassVar[str] = "teachers"

    name: str = fields.name()
    school_id: int = fields.link("schools")
    """The school that employs the teacher (the home school)."""
    subjects: tuple[str, ...] = fields.words()
    roles: tuple[Role, ...] = fields.terms(Role)
    phone: str | None = fields.optional_text(personal=True)
    """Personal: dropped by redacted exports."""
    notes: str = fields.text(personal=True)
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
        ordered(self, "signed_on", "ended_on")
        if self.supporting_school_id == self.supported_school_id:
            raise InvalidRecord(
                message(
                    "school {supported_school_id} cannot be paired with itself",
                    supported_school_id=self.supported_school_id,
                )
            )
