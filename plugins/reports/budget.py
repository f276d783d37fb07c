"""The ``budget`` report: each allocation with what was spent, by category, and what is left.

With a programme, the spending counted is the expenses that name it. An
allocation held by one organisation (a bureau, a centre) shows it in the
supporting column and leaves the supported one blank; a partnership filter
leaves it out.

Spending is summed by the backend, per allocation and category, in one grouped
query (archived expenses were still spent). An allocation is *over* when its
spending passes the amount granted; approved overspends are shown apart.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from exchange import Allocation, Expense, Pairing, School, Tracker
from exchange.enums import ExpenseCategory
from exchange.lookups import lookup
from exchange.query import total
from exchange.report import Column, Report, Table

from .scope import Scope, resolve, schools_of


def budget(
    tracker: Tracker,
    *,
    year: int | None = None,
    region: str | None = None,
    partnership: int | str | None = None,
    school: int | str | None = None,
    programme: str | None = None,
) -> Report:
    """Allocations (of ``year``, or all) with spent, left, approved overspend and an
    overspend flag, then the spending of each by category."""
    scope = resolve(
        tracker, region=region, partnership=partnership, school=school, programme=programme
    )
    spent: dict[int, dict[ExpenseCategory, Decimal]] = defaultdict(dict)
    over: dict[int, Decimal] = defaultdict(Decimal)
    for row in tracker.aggregate(
        Expense,
        group_by=["allocation_id", "category", "overspend_approved"],
        measures={"spent": total("amount")},
        include_archived=True,
        **scope.of_programme(),
    ):
        found = spent[row["allocation_id"]]
        found[row["category"]] = found.get(row["category"], Decimal(0)) + row["spent"]
        if row["overspend_approved"]:
            over[row["allocation_id"]] += row["spent"]
    wanted: dict[str, Any] = {} if year is None else {"year": year}
    grants = list(tracker.find(Allocation, order_by=["year", "id"], **wanted))
    pairings = lookup(tracker, Pairing, (g.pairing_id for g in grants))
    grants = [g for g in grants if _covers(scope, g, pairings)]
    held = (g.school_id for g in grants)
    schools = lookup(
        tracker, School, [*(s for p in pairings.values() for s in schools_of(p)), *held]
    )
    rows: list[list[Any]] = []
    by_category: list[list[Any]] = []
    for grant in grants:
        names = _holders(grant, pairings, schools)
        used = sum(spent[grant.id or 0].values(), Decimal(0))
        left = grant.amount - used
        rows.append([grant.year, *names, grant.amount, used, left, over[grant.id or 0], left < 0])
        by_category += [
            [grant.year, *names, category, amount]
            for category, amount in sorted(spent[grant.id or 0].items(), key=_order)
        ]
    allocations = Table(
        name="allocations",
        columns=[
            Column(key="year", label="year", type="int"),
            Column(key="supporting", label="supporting school"),
            Column(key="supported", label="supported school"),
            Column(key="allocated", label="allocated", type="money"),
            Column(key="spent", label="spent", type="money"),
            Column(key="left", label="left", type="money"),
            Column(key="overspend", label="approved overspend", type="money"),
            Column(key="over", label="overspent"),
        ],
        rows=rows,
        totals=["", "", "", *(sum(r[i] for r in rows) for i in range(3, 7)), ""] if rows else None,
    )
    categories = Table(
        name="categories",
        title="spent by category",
        columns=[
            Column(key="year", label="year", type="int"),
            Column(key="supporting", label="supporting school"),
            Column(key="supported", label="supported school"),
            Column(key="category", label="category"),
            Column(key="spent", label="spent", type="money"),
        ],
        rows=by_category,
        totals=["", "", "", "", sum(r[4] for r in by_category)] if by_category else None,
    )
    parameters = {**wanted, **scope.parameters}
    return Report(title="budget", parameters=parameters, tables=[allocations, categories])


def _covers(scope: Scope, grant: Allocation, pairings: dict[int, Pairing]) -> bool:
    """Whether the filters keep ``grant``: its pairing's, or its organisation's (which no
    partnership filter keeps)."""
    if grant.pairing_id is not None:
        return scope.covers_pairing(pairings[grant.pairing_id])
    return scope.partnership is None and scope.touches([grant.school_id])


def _holders(
    grant: Allocation, pairings: dict[int, Pairing], schools: dict[int, School]
) -> list[str]:
    """The supporting and supported school of the grant's pairing; or the organisation
    that holds it, and a blank."""
    if grant.pairing_id is None:
        return [schools[grant.school_id or 0].name, ""]
    pairing = pairings[grant.pairing_id]
    return [schools[pairing.supporting_school_id].name, schools[pairing.supported_school_id].name]


def _order(item: tuple[ExpenseCategory, Decimal]) -> int:
    return list(ExpenseCategory).index(item[0])
