"""What a host school's need (:class:`~exchange.models.Need`) allows: the
secondments that fill it go to its host school, and no more of them than its places."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .enums import SecondmentStatus as S
from .errors import RuleViolation
from .i18n import message
from .models import Need, Secondment
from .query import Op

if TYPE_CHECKING:
    from .backend import Backend
    from .rules import Lookup

FILLING = frozenset({S.PROPOSED, S.APPROVED, S.ACTIVE, S.COMPLETED})
"""Secondments that take one of a need's places (a cancelled or withdrawn one gives it back)."""


def filled(backend: Backend, need_id: int) -> list[Secondment]:
    """The stored secondments that take a place of need ``need_id``."""
    found = {"need_id": Op("eq", need_id), "status": Op("in", tuple(FILLING))}
    return list(backend.find(Secondment, found))


def fills_need(record: Secondment, lookup: Lookup, backend: Backend) -> None:
    """A secondment that names a need goes to its host school and finds a place left."""
    if record.need_id is None or record.status not in FILLING:
        return
    need: Need = lookup.need(Need, record.need_id, by=record, field="need_id")
    if need.host_school_id != record.host_school_id:
        raise RuleViolation(
            message(
                "need {need_id} is school {need_host}'s, not school {host}'s",
                need_id=need.id,
                need_host=need.host_school_id,
                host=record.host_school_id,
            )
        )
    others = [s for s in filled(backend, need.id or 0) if s.id != record.id]
    claims = lookup.needs.setdefault(need.id or 0, 0)
    if len(others) + claims >= need.places:
        raise RuleViolation(
            message(
                "need {need_id} has {places} places, all taken", need_id=need.id, places=need.places
            )
        )
    if record.id is None:
        lookup.needs[need.id or 0] = claims + 1
