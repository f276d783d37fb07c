"""Who may write what: the roles the users of a store hold (:class:`~exchange.models.Grant`).

A store without grants is open: every actor writes every record, as before users
existed. The first grant must make a user a coordinator of every programme; from
then on every write is checked against the grants of the actor who makes it:

- a **coordinator** writes every record (of one programme, when the grant names
  one: that programme's own record, its records and records of no programme) and,
  of every programme, manages users;
- a **school administrator** writes the teachers of one organisation, their
  secondments and applications, the needs it states as a host, and the
  organisation's own record;
- a **mentor** logs and edits the meetings and goals of their own mentor pairs,
  never a confirmation;
- a **mentee** confirms the meetings of their own mentor pairs, and nothing else:
  a confirmation is the mentee's alone (or whoever gives the one-time code issued
  for the meeting, :mod:`exchange.confirmation`), never a coordinator's;
- an **auditor** writes nothing.

Reads are not restricted: on SQLite whoever can open the file can read it (and
write it with other tools); on PostgreSQL the database's own privileges and
row-level security back these roles (docs/privacy.md).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import attrs

from .enums import UserRole
from .errors import NotPermitted
from .i18n import Message, joined, message, noun
from .models import (
    Application,
    Goal,
    Grant,
    Meeting,
    Mentorship,
    Need,
    Programme,
    Record,
    School,
    Secondment,
    Teacher,
)
from .query import Op

if TYPE_CHECKING:
    from .backend import Backend
    from .rules import Lookup

_LIVE = {"archived": Op("eq", False)}


@attrs.frozen
class Access:
    """What one actor may write in one store, read once per transaction."""

    actor: str
    grants: tuple[Grant, ...]
    open: bool
    """No grant is stored: every actor writes everything."""
    everything: bool = attrs.field(init=False)
    """The store is open, or the actor coordinates every programme."""

    def __attrs_post_init__(self) -> None:
        every = any(coordinates_every_programme(g) for g in self.grants)
        object.__setattr__(self, "everything", self.open or every)

    @classmethod
    def load(cls, backend: Backend, actor: str) -> Access:
        """The actor's grants that are not archived, and whether the store has any."""
        if next(backend.find(Grant, _LIVE, limit=1), None) is None:
            return cls(actor=actor, grants=(), open=True)  # one read while there are none
        mine = tuple(backend.find(Grant, {**_LIVE, "login": Op("eq", actor)}))
        return cls(actor=actor, grants=mine, open=False)

    def require_all(self, what: str, lookup: Lookup | None = None) -> None:
        """Refuse ``what`` (a purge, a retention run) unless the actor coordinates
        every programme (``lookup`` names the schools in the refusal)."""
        if not self.everything:
            raise NotPermitted(
                message(
                    "only a coordinator of every programme may {what}; {actor} is {roles}",
                    what=what,
                    actor=self.actor,
                    roles=self.roles(lookup),
                )
            )

    def check(self, before: Record | None, after: Record | None, lookup: Lookup) -> None:
        """Refuse replacing ``before`` with ``after`` (either ``None`` for an add or a
        delete) unless one of the actor's grants allows it."""
        if self.open:
            return
        if _confirmation(before, after):  # the mentee's alone, never a coordinator's
            mine = (g for g in self.grants if g.role is UserRole.MENTEE)
            if any(_allows(g, before, after, lookup) for g in mine):
                return
        elif self.everything or any(_allows(g, before, after, lookup) for g in self.grants):
            return
        raise NotPermitted(_refusal(self, before, after, lookup))

    def roles(self, lookup: Lookup | None = None) -> Message:
        """The actor's roles in words, for a refusal."""
        if not self.grants:
            return message("not a user of this store")
        return joined("; ", (_described(g, lookup) for g in self.grants))


def coordinates_every_programme(grant: Grant) -> bool:
    """Whether ``grant`` makes a coordinator of every programme."""
    return grant.role is UserRole.COORDINATOR and not grant.programme


def _refusal(
    access: Access, before: Record | None, after: Record | None, lookup: Lookup
) -> Message:
    record = before if before is not None else after
    assert record is not None
    if before is None:
        return message(
            "{actor} may not add this {kind}: {actor} is {roles}",
            actor=access.actor,
            kind=noun(type(record)),
            roles=access.roles(lookup),
        )
    return message(
        "{actor} may not change {kind} {key}: {actor} is {roles}",
        actor=access.actor,
        kind=noun(type(record)),
        key=record.ref or record.id,
        roles=access.roles(lookup),
    )


def _described(grant: Grant, lookup: Lookup | None) -> Message:
    if grant.school_id is not None:
        school = lookup.get(School, grant.school_id) if lookup is not None else None
        return message(
            "{role} of {school}",
            role=grant.role,
            school=school.name if school is not None else grant.school_id,
        )
    if grant.programme:
        return message("{role} in {programme}", role=grant.role, programme=grant.programme)
    return message("{role}", role=grant.role)


def _allows(grant: Grant, before: Record | None, after: Record | None, lookup: Lookup) -> bool:
    rule = _ROLE_RULES.get(grant.role)
    return (
        rule is not None
        and (before is None or rule(grant, before, lookup))
        and (after is None or rule(grant, after, lookup))
        and (grant.role is not UserRole.MENTEE or _confirms(grant, before, after))
    )


def _coordinator(grant: Grant, record: Record, lookup: Lookup) -> bool:
    if isinstance(record, Grant):
        return False  # users are managed by coordinators of every programme
    programme = _programme_of(record, lookup)
    return programme is None or programme == grant.programme


def _school_admin(grant: Grant, record: Record, lookup: Lookup) -> bool:
    return _school_of(record, lookup) == grant.school_id


def _mentor(grant: Grant, record: Record, lookup: Lookup) -> bool:
    pair = _pair_of(record, lookup)
    return (
        pair is not None
        and pair.mentor_id == grant.teacher_id
        and grant.programme in ("", pair.programme)
        and getattr(record, "confirmed_by", None) is None
    )


def _mentee(grant: Grant, record: Record, lookup: Lookup) -> bool:
    """A record of the mentee's own pair (:func:`_confirms` asks the rest)."""
    pair = _pair_of(record, lookup)
    return (
        pair is not None
        and pair.mentee_id == grant.teacher_id
        and grant.programme in ("", pair.programme)
    )


def _confirmation(before: Record | None, after: Record | None) -> bool:
    """Whether the write confirms a meeting logged before."""
    return (
        isinstance(before, Meeting)
        and isinstance(after, Meeting)
        and before.confirmed_by is None
        and after.confirmed_by is not None
    )


def _confirms(grant: Grant, before: Record | None, after: Record | None) -> bool:
    """A mentee's only write: their own confirmation of a meeting logged before, with
    nothing else changed."""
    return (
        _confirmation(before, after)
        and isinstance(before, Meeting)
        and isinstance(after, Meeting)
        and after.confirmed_by == grant.teacher_id
        and attrs.evolve(before, confirmed_by=after.confirmed_by) == after
    )


_ROLE_RULES: dict[UserRole, Callable[[Grant, Record, Lookup], bool]] = {
    UserRole.COORDINATOR: _coordinator,
    UserRole.SCHOOL_ADMIN: _school_admin,
    UserRole.MENTOR: _mentor,
    UserRole.MENTEE: _mentee,
}


def _programme_of(record: Record, lookup: Lookup) -> str | None:
    """The programme a record belongs to, ``None`` for a record of no programme (a
    programme belongs to itself)."""
    if isinstance(record, Programme):
        return record.name
    pair = _pair_of(record, lookup)
    programme: Any = pair.programme if pair is not None else getattr(record, "programme", "")
    return programme or None


def _pair_of(record: Record, lookup: Lookup) -> Mentorship | None:
    if isinstance(record, Mentorship):
        return record
    if isinstance(record, Meeting | Goal):
        found: Mentorship | None = lookup.get(Mentorship, record.mentorship_id)
        return found
    return None


def _school_of(record: Record, lookup: Lookup) -> int | None:
    """The organisation whose administrator writes ``record``, ``None`` for none."""
    if isinstance(record, Teacher):
        return record.school_id
    if isinstance(record, School):
        return record.id
    if isinstance(record, Need):
        return record.host_school_id
    if isinstance(record, Secondment | Application):
        teacher: Teacher | None = lookup.get(Teacher, record.teacher_id)
        return teacher.school_id if teacher is not None else None
    return None
