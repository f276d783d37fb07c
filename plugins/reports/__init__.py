"""Built-in reports (see docs/reports.md; plugins add theirs the same way,
through ``register_reports``).

Each report is a function ``build(tracker, **filters) -> Report`` that reads
through the tracker's queries — grouped counts and sums computed by the
backend, records streamed in batches — and returns data; a format renders it.
Filters are keyword-only parameters, and the command line offers exactly
those (``--year``, ``--since``, ``--region`` …).
"""

from __future__ import annotations

from exchange import hookimpl
from exchange.registry import Registry, ReportSpec

from .assessments import assessments
from .budget import budget
from .coverage import coverage
from .mentoring import mentoring
from .quotas import quotas
from .roster import secondments
from .rural import rural_service
from .summary import summary

BUILTIN_REPORTS = (
    ReportSpec(
        name="summary",
        build=summary,
        description="pairings, teachers sent and received, activities and person-times, "
        "per partnership and year",
    ),
    ReportSpec(
        name="coverage",
        build=coverage,
        description="schools of a region by stage, with and without a pairing",
    ),
    ReportSpec(
        name="secondments",
        build=secondments,
        description="the roster: teacher, schools, kind, dates, days served, status",
    ),
    ReportSpec(
        name="rural-service",
        build=rural_service,
        description="days each teacher served at rural schools, against a threshold",
    ),
    ReportSpec(
        name="mentoring",
        build=mentoring,
        description="cascade levels against targets, mentor loads and reach, pairs",
    ),
    ReportSpec(
        name="assessments",
        build=assessments,
        description="scores per criterion, totals, grades and their distribution",
    ),
    ReportSpec(name="budget", build=budget, description="allocated, spent and left, per year"),
    ReportSpec(
        name="quotas",
        build=quotas,
        description="each policy quota of a region and year: met, not met or no data",
    ),
)


@hookimpl(trylast=True)
def register_reports(registry: Registry[ReportSpec]) -> None:
    """The built-in reports, in the order ``exchange reports`` lists them."""
    for spec in BUILTIN_REPORTS:
        registry.add(spec)
