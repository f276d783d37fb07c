"""Whose personal data a record holds, and every record that holds a person's.

The personal fields themselves are declared once, on the models
(:func:`exchange.fields.is_personal`). This module says whom each record's
personal values are about — its *subject*, always a teacher:

============  =============================================================
teachers      the teacher
secondments   the seconded teacher
applications  the applying teacher
mentorships   the mentee (the reason a pair ended is about the mentee's path)
goals         the mentee of the goal's pair
meetings      the mentee of the meeting's pair
assessments   the teacher of the assessed secondment, or the mentee of the
              assessed pair; an assessment of a pairing or a school has none
============  =============================================================

A record type with personal fields but no rule here is refused by
:func:`subject` (a test checks that every one has a rule).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from .enums import Target
from .fields import personal_names
from .models import (
    Application,
    Assessment,
    Goal,
    Meeting,
    Mentorship,
    Record,
    Rubric,
    Secondment,
    Stored,
    Teacher,
)
from .query import Op

if TYPE_CHECKING:
    from .backend import Backend


def subject(record: Stored, backend: Backend) -> int | None:
    """The id of the teacher ``record``'s personal values are about, or ``None``."""
    if isinstance(record, Teacher):
        return record.id
    if isinstance(record, Secondment | Application):
        return record.teacher_id
    if isinstance(record, Mentorship):
        return record.mentee_id
    if isinstance(record, Goal | Meeting):
        return _mentee(backend, record.mentorship_id)
    if isinstance(record, Assessment):
        return _assessed(backend, record)
    if personal_names(type(record)):
        raise TypeError(f"{type(record).__name__} has personal fields but no subject rule")
    return None


def _mentee(backend: Backend, mentorship_id: int) -> int | None:
    pair = backend.get(Mentorship, mentorship_id)
    return None if pair is None else pair.mentee_id


def _assessed(backend: Backend, assessment: Assessment) -> int | None:
    rubric = backend.get(Rubric, assessment.rubric_id)
    if rubric is None:
        return None
    if rubric.target is Target.SECONDMENT:
        secondment = backend.get(Secondment, assessment.target_id)
        return None if secondment is None else secondment.teacher_id
    if rubric.target is Target.MENTORSHIP:
        return _mentee(backend, assessment.target_id)
    return None


def about(backend: Backend, teacher_id: int) -> Iterator[Record]:
    """Every live record whose personal values are about the teacher, archived ones
    included: the teacher, then the records that hang from them."""
    teacher = backend.get(Teacher, teacher_id)
    if teacher is not None:
        yield teacher
    secondments = list(backend.find(Secondment, {"teacher_id": Op("eq", teacher_id)}))
    pairs = list(backend.find(Mentorship, {"mentee_id": Op("eq", teacher_id)}))
    yield from secondments
    yield from backend.find(Application, {"teacher_id": Op("eq", teacher_id)})
    yield from pairs
    pair_ids = tuple(pair.id for pair in pairs)
    if pair_ids:
        yield from backend.find(Goal, {"mentorship_id": Op("in", pair_ids)})
        yield from backend.find(Meeting, {"mentorship_id": Op("in", pair_ids)})
    yield from _assessments(backend, Target.SECONDMENT, [s.id or 0 for s in secondments])
    yield from _assessments(backend, Target.MENTORSHIP, [p.id or 0 for p in pairs])


def _assessments(backend: Backend, target: Target, ids: list[int]) -> Iterator[Assessment]:
    if not ids:
        return
    rubrics = tuple(r.id for r in backend.find(Rubric, {"target": Op("eq", target)}))
    if rubrics:
        yield from backend.find(
            Assessment,
            {"rubric_id": Op("in", rubrics), "target_id": Op("in", tuple(ids))},
        )


def holds_personal(record: Stored) -> bool:
    """Whether any personal field of ``record`` holds something."""
    return any(getattr(record, name) for name in personal_names(type(record)))
