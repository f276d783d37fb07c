"""The ``quotas`` report: each policy quota of a region and year (see exchange.quotas)."""

from __future__ import annotations

from exchange import Tracker
from exchange.report import Column, Report, Table


def quotas(tracker: Tracker, *, region: str, year: int) -> Report:
    """The default quotas for ``region`` in ``year``: status, figures and share."""
    results = tracker.quotas(region, year)
    table = Table(
        name="quotas",
        columns=[
            Column(key="quota", label="quota"),
            Column(key="name", label="name"),
            Column(key="numerator", label="counted", type="int"),
            Column(key="denominator", label="of", type="int"),
            Column(key="share", label="share", type="percent"),
            Column(key="at_least", label="at least", type="percent"),
            Column(key="status", label="status"),
        ],
        rows=[
            [
                r.quota.key,
                r.quota.name,
                r.numerator,
                r.denominator,
                r.share,
                r.quota.at_least,
                r.status,
            ]
            for r in results
        ],
    )
    return Report(title="quotas", parameters={"region": region, "year": year}, tables=[table])
