"""The ``quotas`` report: each policy quota of a region and year (see exchange.quotas)."""

from __future__ import annotations

from exchange import Tracker
from exchange.report import Column, Report, Table


def quotas(tracker: Tracker, *, region: str, year: int, programme: str | None = None) -> Report:
    """The default quotas for ``region`` in ``year``, at the thresholds ``programme``
    sets if given: status, figures and share."""
    results = tracker.quotas(region, year, programme=programme)
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
    parameters = {"region": region, "year": year, **({"programme": programme} if programme else {})}
    return Report(title="quotas", parameters=parameters, tables=[table])
