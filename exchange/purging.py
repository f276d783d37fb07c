"""Erasing a person's personal data everywhere, the change log included (``exchange purge``).

A purge, in one transaction:

1. blanks every personal field of every live record about the teacher
   (:func:`exchange.personal.about`), each change logged as a ``purge`` entry
   whose ``before`` is sealed like every other;
2. destroys the teacher's key (:class:`~exchange.sealing.PersonalKey`), so every
   personal value the log ever sealed for them is unreadable for good, while
   every hash of the chain still verifies.

Then the backend is asked to scrub what it freed (``scrub``, where it has one):
SQLite overwrites deleted content (``secure_delete``) and folds its write-ahead
log back into the file and empties it, so the erased bytes are gone from the files.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from .errors import NotFound, RuleViolation
from .fields import personal_names
from .i18n import message
from .models import Record, Teacher
from .personal import about, holds_personal
from .query import Op
from .rules import Lookup
from .sealing import PersonalKey

if TYPE_CHECKING:
    from .tracker import Key, Tracker


@attrs.frozen
class Purged:
    """What a purge erased."""

    teacher_id: int
    records: int
    """How many records had personal values blanked."""
    key: bool
    """Whether a key was destroyed (the log held sealed values of the teacher)."""
    scrubbed: bool
    """Whether the backend confirmed the freed bytes are gone from its files."""


class NothingToPurge(RuleViolation):
    """The teacher holds no personal data (purged already, or never had any)."""


def purge(tracker: Tracker, teacher: Key) -> Purged:
    """Erase the personal data of ``teacher`` (a record, id or ref; a deleted
    teacher's id too, while the log holds sealed values of theirs)."""
    with tracker.transaction():
        tracker.access.require_all(message("purge personal data"), Lookup(tracker.backend))
        teacher_id = _teacher_id(tracker, teacher)
        records, destroyed = erase(tracker, teacher_id)
        if not records and not destroyed:
            raise NothingToPurge(
                message(
                    "teacher {teacher} has no personal data to erase (purged already?)",
                    teacher=teacher_id,
                )
            )
    return Purged(teacher_id=teacher_id, records=records, key=destroyed, scrubbed=scrub(tracker))


def erase(tracker: Tracker, teacher_id: int) -> tuple[int, bool]:
    """Blank the personal fields about the teacher and destroy their key, inside the
    caller's transaction; return how many records were blanked and whether a key was
    destroyed."""
    blanked = [_blank(tracker, r) for r in list(about(tracker.backend, teacher_id))]
    return sum(blanked), tracker._sealer.destroy(teacher_id)


def _teacher_id(tracker: Tracker, teacher: Key) -> int:
    """The id of the teacher named; an id no teacher has is taken while a key of it is
    kept (the teacher was deleted, the log still seals their values)."""
    try:
        return tracker.get(Teacher, teacher).id or 0
    except NotFound:
        number = str(teacher).strip()
        if not isinstance(teacher, Record) and number.isdigit():
            kept = {"person_id": Op("eq", int(number))}
            if tracker.backend.count(PersonalKey, kept):
                return int(number)
        raise


def _blank(tracker: Tracker, record: Record) -> bool:
    """Blank ``record``'s personal fields and log it; ``False`` if they were blank."""
    if not holds_personal(record):
        return False
    names = personal_names(type(record))
    cleared = {f.name: f.default for f in attrs.fields(type(record)) if f.name in names}
    stored = tracker.backend.update(attrs.evolve(record, **cleared))
    tracker._log(
        "purge", type(record), record.id, tracker._snapshot(record), tracker._snapshot(stored)
    )
    return True


def scrub(tracker: Tracker) -> bool:
    """Ask the backend to remove freed bytes from its files; ``True`` when it did (or
    keeps none it could remove)."""
    scrubber = getattr(tracker.backend, "scrub", None)
    return True if scrubber is None else bool(scrubber())
