"""The ``budget`` report: each allocation with what was spent and what is left."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from exchange import Allocation, Expense, Pairing, School, Tracker
from exchange.query import total
from exchange.report import Column, Report, Table


def budget(tracker: Tracker, *, year: int | None = None) -> Report:
    """Allocations (of ``year``, or all), with spent, left and approved overspends."""
    spent = _by_allocation(tracker, overspend=None)
    over = _by_allocation(tracker, overspend=True)
    wanted: dict[str, Any] = {} if year is None else {"year": year}
    schools = {s.id: s.name for s in tracker.find(School, include_archived=True)}
    pairings = {p.id: p for p in tracker.find(Pairing, include_archived=True)}
    rows: list[list[Any]] = []
    sums = [Decimal(0)] * 4
    for grant in tracker.find(Allocation, order_by=["year", "id"], **wanted):
        pairing = pairings[grant.pairing_id]
        used = spent.get(grant.id or 0, Decimal(0))
        money = [grant.amount, used, grant.amount - used, over.get(grant.id or 0, Decimal(0))]
        sums = [a + b for a, b in zip(sums, money, strict=True)]
        rows.append(
            [
                grant.year,
                schools[pairing.supporting_school_id],
                schools[pairing.supported_school_id],
                *money,
            ]
        )
    totals = ("", "", "", *sums) if rows else None
    table = Table(
        name="allocations",
        columns=[
            Column(key="year", label="year", type="int"),
            Column(key="supporting", label="supporting school"),
            Column(key="supported", label="supported school"),
            Column(key="allocated", label="allocated", type="money"),
            Column(key="spent", label="spent", type="money"),
            Column(key="left", label="left", type="money"),
            Column(key="overspend", label="approved overspend", type="money"),
        ],
        rows=rows,
        totals=totals,
    )
    return Report(title="budget", parameters=wanted, tables=[table])


def _by_allocation(tracker: Tracker, *, overspend: bool | None) -> dict[int, Decimal]:
    filters: dict[str, Any] = {} if overspend is None else {"overspend_approved": overspend}
    rows = tracker.aggregate(
        Expense,
        group_by=["allocation_id"],
        measures={"spent": total("amount")},
        include_archived=True,
        **filters,
    )
    return {row["allocation_id"]: row["spent"] for row in rows}
