"""The users of a store: what each login may do (:mod:`exchange.access`)."""

from __future__ import annotations

from typing import ClassVar

import attrs

from .. import fields
from ..enums import UserRole
from ..errors import InvalidRecord
from ..i18n import message
from .base import Record

_NEEDS_SCHOOL = frozenset({UserRole.SCHOOL_ADMIN})
_NEEDS_TEACHER = frozenset({UserRole.MENTOR, UserRole.MENTEE})


@attrs.frozen(kw_only=True)
class Grant(Record):
    """One role a user holds (用户权限): the login 王芳 is the mentee teacher T003 in
    百千万; the login hy-bd is the school administrator of 半岛学校. A user is a login
    with at least one grant that is not archived; while a store has none, it is open
    to every actor."""

    table: ClassVar[str] = "grants"

    login: str = fields.name()
    """The actor the change log records: the operating-system user or ``--actor`` on
    SQLite, the database login on PostgreSQL."""
    role: UserRole = fields.choice(UserRole)
    programme: str = fields.text(limit=fields.MAX_NAME)
    """The programme the role holds in, by name; empty for every programme."""
    school_id: int | None = fields.link("schools", required=False)
    """The organisation a school administrator administers."""
    teacher_id: int | None = fields.link("teachers", required=False)
    """The teacher a mentor or a mentee is."""
    notes: str = fields.text()

    def __attrs_post_init__(self) -> None:
        if (self.role in _NEEDS_SCHOOL) != (self.school_id is not None):
            raise InvalidRecord(
                message("a {role} grant names the organisation it administers", role=self.role)
                if self.school_id is None
                else message("a {role} grant names no organisation", role=self.role)
            )
        if (self.role in _NEEDS_TEACHER) != (self.teacher_id is not None):
            raise InvalidRecord(
                message("a {role} grant names the teacher the user is", role=self.role)
                if self.teacher_id is None
                else message("a {role} grant names no teacher", role=self.role)
            )
