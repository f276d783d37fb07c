"""Built-in reports (see docs/reports.md; plugins add theirs the same way,
through ``register_reports``).

Each report is a function ``build(tracker, **filters) -> Report``, in a module of its
own imported when the report is first built (or its options listed), that reads
through the tracker's queries — grouped counts and sums computed by the
backend, records streamed in batches — and returns data; a format renders it.
Filters are keyword-only parameters, and the command line offers exactly
those (``--year``, ``--since``, ``--region`` …).
"""

from __future__ import annotations

from exchange import hookimpl
from exchange.deferred import deferred
from exchange.registry import Registry, ReportSpec

BUILTIN_REPORTS = (
    ReportSpec(
        name="summary",
        build=deferred("plugins.reports.summary:summary"),
        description="pairings, teachers sent and received, activities and person-times, "
        "per partnership and year",
    ),
    ReportSpec(
        name="coverage",
        build=deferred("plugins.reports.coverage:coverage"),
        description="schools of a region by stage, with and without a pairing",
    ),
    ReportSpec(
        name="secondments",
        build=deferred("plugins.reports.roster:secondments"),
        description="the roster: teacher, schools, kind, dates, days served, status",
    ),
    ReportSpec(
        name="rural-service",
        build=deferred("plugins.reports.rural:rural_service"),
        description="days each teacher served at rural schools, against a threshold",
    ),
    ReportSpec(
        name="mentoring",
        build=deferred("plugins.reports.mentoring:mentoring"),
        description="cascade levels against targets, mentor loads and reach, pairs",
    ),
    ReportSpec(
        name="assessments",
        build=deferred("plugins.reports.assessments:assessments"),
        description="scores per criterion, totals, grades and their distribution",
    ),
    ReportSpec(
        name="budget",
        build=deferred("plugins.reports.budget:budget"),
        description="allocated, spent and left, per year",
    ),
    ReportSpec(
        name="quotas",
        build=deferred("plugins.reports.quotas:quotas"),
        description="each policy quota of a region and year: met, not met or no data",
    ),
)


@hookimpl(trylast=True)
def register_reports(registry: Registry[ReportSpec]) -> None:
    """The built-in reports, in the order ``exchange reports`` lists them."""
    for spec in BUILTIN_REPORTS:
        registry.add(spec)
