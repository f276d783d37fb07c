"""Lifecycles of secondments and mentor pairs.

A secondment goes proposed → approved → active → completed, or is cancelled
(before it starts) or withdrawn (an early return, with a reason). Its planned
end may move later while it is proposed, approved or active (an extension),
and every extension is kept. A mentor pair goes active → completed, or ends
early with a reason.

:func:`check_transition` and :func:`check_mentorship` are called by the rules
whenever a record is stored; :func:`holds_place` and :func:`last_day` say which
secondments occupy a teacher and until when.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .enums import MentorshipStatus as M
from .enums import SecondmentStatus as S
from .errors import InvalidRecord, RuleViolation
from .i18n import joined, message, noun
from .models import Mentorship, Secondment

TRANSITIONS: dict[S, frozenset[S]] = {
    S.PROPOSED: frozenset({S.APPROVED, S.CANCELLED}),
    S.APPROVED: frozenset({S.ACTIVE, S.CANCELLED}),
    S.ACTIVE: frozenset({S.COMPLETED, S.WITHDRAWN}),
    S.COMPLETED: frozenset(),
    S.CANCELLED: frozenset(),
    S.WITHDRAWN: frozenset(),
}
"""Which status each status may move to."""

EXTENDABLE = frozenset({S.PROPOSED, S.APPROVED, S.ACTIVE})
"""Statuses in which a secondment's planned end may still move later."""

MENTORSHIP_TRANSITIONS: dict[M, frozenset[M]] = {
    M.ACTIVE: frozenset({M.COMPLETED, M.ENDED}),
    M.COMPLETED: frozenset(),
    M.ENDED: frozenset(),
}
"""Which status each mentor pair status may move to."""

HOLDING = frozenset({S.APPROVED, S.ACTIVE})
"""Statuses in which a secondment occupies the teacher for its period."""


def holds_place(secondment: Secondment) -> bool:
    """Whether the secondment occupies its teacher (approved or active)."""
    return secondment.status in HOLDING


def last_day(secondment: Secondment) -> dt.date:
    """The actual last day: the early return date if there is one, else the planned end.

    A record cannot return after its planned end (a later return is an extension); a
    stored row edited by hand to do so is read as ending on the planned end, the day
    every date query narrows by.
    """
    returned, planned = secondment.returned_on, secondment.ends_on
    return planned if returned is None else min(returned, planned)


def _transitions(record: Secondment | Mentorship) -> dict[Any, frozenset[Any]]:
    return TRANSITIONS if isinstance(record, Secondment) else MENTORSHIP_TRANSITIONS


def require_move(
    record: Secondment | Mentorship, status: S | M, *, repeat_ok: bool = False
) -> None:
    """Refuse moving ``record`` to ``status`` unless its lifecycle allows that move from
    where it stands. Operations refuse repeating a move; a plain update that keeps
    the status (``repeat_ok``) is an edit, and allowed."""
    allowed = _transitions(record)[record.status]
    if status in allowed or (repeat_ok and status == record.status):
        return
    ordered = [member for member in type(record.status) if member in allowed]
    names = joined(", ", ordered) if ordered else message("nothing")
    where = {
        "kind": noun(type(record)),
        "record_id": record.id,
        "status": record.status,
        "status_zh": record.status.zh,
        "names": names,
    }
    if status == record.status:  # most often a second writer repeating a move just made
        raise RuleViolation(
            message(
                "{kind} {record_id} is already {status} ({status_zh}); allowed: {names}", **where
            )
        )
    raise RuleViolation(
        message(
            "{kind} {record_id} is {status} ({status_zh}) and cannot "
            "become {target} ({target_zh}); allowed: {names}",
            target=status,
            target_zh=status.zh,
            **where,
        )
    )


def _check_extensions(before: Secondment, after: Secondment) -> None:
    kept = after.extensions[: len(before.extensions)]
    if kept != before.extensions:
        raise RuleViolation(
            message(
                "secondment {before_id}: its extensions are history and cannot change",
                before_id=before.id,
            )
        )
    added = after.extensions[len(before.extensions) :]
    if not added:
        return
    if before.status not in EXTENDABLE:
        raise RuleViolation(
            message(
                "secondment {before_id} is {status} ({status_zh}) and can no longer be extended",
                before_id=before.id,
                status=before.status,
                status_zh=before.status.zh,
            )
        )
    if added[0].previous_end != before.ends_on:
        raise RuleViolation(
            message(
                "secondment {before_id} ends {ends_on}; an extension must start "
                "from that day, not {value}",
                before_id=before.id,
                ends_on=before.ends_on,
                value=added[0].previous_end,
            )
        )


def check_transition(before: Secondment | None, after: Secondment) -> None:
    """Refuse a status change the lifecycle forbids, a status missing what it needs, or
    an extension that rewrites history or comes too late.

    ``before`` is ``None`` for a new secondment (any status may be recorded, so a
    past programme can be entered as it happened).
    """
    if before is not None:
        require_move(before, after.status, repeat_ok=True)
        _check_extensions(before, after)
    label = f"secondment {after.id}" if after.id else "secondment"
    if after.status in (S.CANCELLED, S.WITHDRAWN) and not after.reason:
        raise InvalidRecord(
            message(
                "{label}: give a reason when it is {status}",
                label=label,
                status=after.status,
            )
        )
    if after.status is S.WITHDRAWN and (
        after.returned_on is None or after.returned_on >= after.ends_on
    ):
        raise InvalidRecord(
            message(
                "{label}: a withdrawal needs the actual return date, before the "
                "planned end {ends_on}",
                label=label,
                ends_on=after.ends_on,
            )
        )


def check_mentorship(before: Mentorship | None, after: Mentorship) -> None:
    """Refuse a mentor pair status change the lifecycle forbids; an early end needs a
    reason and an end day, a completion an end day."""
    if before is not None:
        require_move(before, after.status, repeat_ok=True)
    label = f"mentorship {after.id}" if after.id else "mentorship"
    if after.status is M.ENDED and not after.reason:
        raise InvalidRecord(message("{label}: give a reason when it ends early", label=label))
    if after.status is not M.ACTIVE and after.ends_on is None:
        raise InvalidRecord(
            message(
                "{label}: give the day it was {status}",
                label=label,
                status=after.status,
            )
        )
