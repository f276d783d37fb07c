"""The records a programme office keeps, one class per glossary term.

Every record is a frozen, slotted, keyword-only ``attrs`` class validated on
construction; ``attrs.evolve(record, field=value)`` makes a changed, re-validated
copy. ``id`` is ``None`` until a backend stores the record.
"""

from __future__ import annotations

from ..construction import compile_on_first_use
from ..errors import InvalidRecord
from ..i18n import message
from .base import Record, Stored
from .exchanges import Activity, Extension, Participation, Secondment
from .funding import Allocation, Expense
from .mentoring import Goal, Meeting, Mentorship, Milestone, Programme
from .placements import Application, Need
from .rubrics import STANDARD_BANDS, Assessment, Criterion, GradeBand, Rubric
from .schools import Pairing, Partnership, School, Teacher
from .users import Grant

RECORD_TYPES: tuple[type[Record], ...] = (
    Partnership,
    School,
    Teacher,
    Pairing,
    Need,
    Secondment,
    Programme,
    Mentorship,
    Goal,
    Meeting,
    Activity,
    Participation,
    Rubric,
    Assessment,
    Allocation,
    Expense,
    Application,
    Grant,
)
"""Every record type, in an order where each refers only to earlier ones."""

for _cls in (*RECORD_TYPES, Extension, Milestone, Criterion, GradeBand):
    compile_on_first_use(_cls)


def record_type(name: str | type[Record]) -> type[Record]:
    """Return the record class named by its class name or table (``"school"``, ``"schools"``)."""
    if isinstance(name, type) and issubclass(name, Record) and name in RECORD_TYPES:
        return name
    key = str(name).strip().lower()
    for cls in RECORD_TYPES:
        if key in (cls.__name__.lower(), cls.table, cls.table.rstrip("s")):
            return cls
    known = ", ".join(c.__name__.lower() for c in RECORD_TYPES)
    raise InvalidRecord(
        message("unknown record type {name!r}; known types: {known}", name=name, known=known)
    )


__all__ = [
    "RECORD_TYPES",
    "STANDARD_BANDS",
    "Activity",
    "Allocation",
    "Application",
    "Assessment",
    "Criterion",
    "Expense",
    "Extension",
    "Goal",
    "GradeBand",
    "Grant",
    "Meeting",
    "Mentorship",
    "Milestone",
    "Need",
    "Pairing",
    "Participation",
    "Partnership",
    "Programme",
    "Record",
    "Rubric",
    "School",
    "Secondment",
    "Stored",
    "Teacher",
    "record_type",
]
