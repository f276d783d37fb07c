"""The secondment lifecycle: proposed → approved → active → completed,
or cancelled (before it starts) / withdrawn (an early return, with a reason).

:func:`check_transition` is called by the rules whenever an update changes a
secondment's status; :func:`holds_place` and :func:`last_day` say which
secondments occupy a teacher and until when.
"""

from __future__ import annotations

import datetime as dt

from .enums import SecondmentStatus as S
from .errors import InvalidRecord, RuleViolation
from .models import Secondment

TRANSITIONS: dict[S, frozenset[S]] = {
    S.PROPOSED: frozenset({S.APPROVED, S.CANCELLED}),
    S.APPROVED: frozenset({S.ACTIVE, S.CANCELLED}),
    S.ACTIVE: frozenset({S.COMPLETED, S.WITHDRAWN}),
    S.COMPLETED: frozenset(),
    S.CANCELLED: frozenset(),
    S.WITHDRAWN: frozenset(),
}
"""Which status each status may move to."""

HOLDING = frozenset({S.APPROVED, S.ACTIVE})
"""Statuses in which a secondment occupies the teacher for its period."""


def holds_place(secondment: Secondment) -> bool:
    """Whether the secondment occupies its teacher (approved or active)."""
    return secondment.status in HOLDING


def last_day(secondment: Secondment) -> dt.date:
    """The actual last day: the early return date if there is one, else the planned end."""
    return secondment.returned_on or secondment.ends_on


def check_transition(before: Secondment | None, after: Secondment) -> None:
    """Refuse a status change the lifecycle forbids, or a status missing what it needs.

    ``before`` is ``None`` for a new secondment (any status may be recorded, so a
    past programme can be entered as it happened).
    """
    if before is not None and after.status not in {before.status, *TRANSITIONS[before.status]}:
        allowed = ", ".join(s.value for s in TRANSITIONS[before.status])
        raise RuleViolation(
            f"secondment {before.id} is {before.status.value} ({before.status.zh}) and cannot "
            f"become {after.status.value} ({after.status.zh}); allowed: {allowed or 'nothing'}"
        )
    label = f"secondment {after.id}" if after.id else "secondment"
    if after.status in (S.CANCELLED, S.WITHDRAWN) and not after.reason:
        raise InvalidRecord(f"{label}: give a reason when it is {after.status.value}")
    if after.status is S.WITHDRAWN and (
        after.returned_on is None or after.returned_on >= after.ends_on
    ):
        raise InvalidRecord(
            f"{label}: a withdrawal needs the actual return date, before the planned end "
            f"{after.ends_on}"
        )
