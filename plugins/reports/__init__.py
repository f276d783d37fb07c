"""Built-in reports: ``budget`` and ``quotas`` so far (see docs/plugins.md, register_reports).

Each report is a function ``build(tracker, **parameters) -> Report`` that reads
through the tracker's queries, so it is computed where the data lives on every
backend, and returns data; a format renders it.
"""

from __future__ import annotations

from exchange import hookimpl
from exchange.registry import Registry, ReportSpec

from .budget import budget
from .quotas import quotas


@hookimpl(trylast=True)
def register_reports(registry: Registry[ReportSpec]) -> None:
    """``budget`` and ``quotas``."""
    registry.add(
        ReportSpec(name="budget", build=budget, description="allocated, spent and left, per year")
    )
    registry.add(
        ReportSpec(
            name="quotas",
            build=quotas,
            description="each policy quota of a region and year: met, not met or no data",
        )
    )
