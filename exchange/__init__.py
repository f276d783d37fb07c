"""teacher-exchange: records of regional teacher-exchange and mentoring programmes.

``import exchange`` does no I/O and loads no plugin; open a store with
:meth:`Tracker.open`.
"""

from __future__ import annotations

from .enums import (
    ActivityKind,
    ExpenseCategory,
    Grade,
    MeetingKind,
    MentorshipStatus,
    OrganisationKind,
    PartnershipKind,
    Role,
    SecondmentKind,
    SecondmentStatus,
    Stage,
    Target,
    UserRole,
)
from .errors import ExchangeError
from .hookspecs import hookimpl
from .models import (
    Activity,
    Allocation,
    Application,
    Assessment,
    Criterion,
    Expense,
    Extension,
    Goal,
    GradeBand,
    Grant,
    Meeting,
    Mentorship,
    Milestone,
    Need,
    Pairing,
    Participation,
    Partnership,
    Programme,
    Record,
    Rubric,
    School,
    Secondment,
    Teacher,
)
from .paging import Cursor
from .query import between, ge, gt, has, le, lt, ne, one_of
from .tracker import Tracker

__version__ = "0.1.0"

__all__ = [
    "Activity",
    "ActivityKind",
    "Allocation",
    "Application",
    "Assessment",
    "Criterion",
    "Cursor",
    "ExchangeError",
    "Expense",
    "ExpenseCategory",
    "Extension",
    "Goal",
    "Grade",
    "GradeBand",
    "Grant",
    "Meeting",
    "MeetingKind",
    "Mentorship",
    "MentorshipStatus",
    "Milestone",
    "Need",
    "OrganisationKind",
    "Pairing",
    "Participation",
    "Partnership",
    "PartnershipKind",
    "Programme",
    "Record",
    "Role",
    "Rubric",
    "School",
    "Secondment",
    "SecondmentKind",
    "SecondmentStatus",
    "Stage",
    "Target",
    "Teacher",
    "Tracker",
    "UserRole",
    "__version__",
    "between",
    "ge",
    "gt",
    "has",
    "hookimpl",
    "le",
    "lt",
    "ne",
    "one_of",
]
