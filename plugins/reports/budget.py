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

Spending = defaultdict[int, dict[ExpenseCategory, Decimal]]
"""Per allocation id: the amount spent in each category (none for an allocation not spent from)."""


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
    spent, over = _spending(tracker, scope)
    wanted: dict[str, Any] = {} if year is None else {"year": year}
    grants, pairings = _grants(tracker, scope, wanted)
    held = (g.school_id for g in grants)
    schools = lookup(
        tracker, School, [*(s for p in pairings.values() for s in schools_of(p)), *held]
    )
    rows: list[list[Any]] = []
    by_category: list[list[Any]] = []
    for grant in grants:
        names = _holders(grant, pairings, schools)
        rows.append(_allocation_row(grant, names, spent[grant.id or 0], over[grant.id or 0]))
        by_category += _category_rows(grant, names, spent[grant.id or 0])
    parameters = {**wanted, **scope.parameters}
    return Report(
        title="budget", parameters=parameters, tables=[_allocations(rows), _categories(by_category)]
    )


def _spending(tracker: Tracker, scope: Scope) -> tuple[Spending, defaultdict[int, Decimal]]:
    """What each allocation spent, by category, and how much of it was an approved
    overspend: the expenses of the chosen programme (archived ones too), summed by the backend."""
    spent: Spending = defaultdict(dict)
    over: defaultdict[int, Decimal] = defaultdict(Decimal)
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
    return spent, over


def _grants(
    tracker: Tracker, scope: Scope, wanted: dict[str, Any]
) -> tuple[list[Allocation], dict[int, Pairing]]:
    """The allocations (of the year ``wanted``) the filters keep, by year, and the pairings
    of all of them."""
    grants = list(tracker.find(Allocation, order_by=["year", "id"], **wanted))
    pairings = lookup(tracker, Pairing, (g.pairing_id for g in grants))
    return [g for g in grants if _covers(scope, g, pairings)], pairings


def _allocation_row(
    grant: Allocation, names: list[str], spent: dict[ExpenseCategory, Decimal], over: Decimal
) -> list[Any]:
    """One allocation: year, holders, allocated, spent, left, approved overspend, overspent."""
    used = sum(spent.values(), Decimal(0))
    left = grant.amount - used
    return [grant.year, *names, grant.amount, used, left, over, left < 0]


def _category_rows(
    grant: Allocation, names: list[str], spent: dict[ExpenseCategory, Decimal]
) -> list[list[Any]]:
    """What one allocation spent in each category, in the categories' order."""
    return [
        [grant.year, *names, category, amount]
        for category, amount in sorted(spent.items(), key=_order)
    ]


def _allocations(rows: list[list[Any]]) -> Table:
    """The allocations table, the money columns summed in its totals row."""
    return Table(
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


def _categories(by_category: list[list[Any]]) -> Table:
    """The spending by category, summed in its totals row."""
    return Table(
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
