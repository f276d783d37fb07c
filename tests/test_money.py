"""Funding envelopes: the balance is the allocation less every expense, to the fen."""

from __future__ import annotations

from decimal import Decimal

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exchange import Allocation, Expense, School, Stage, Tracker, errors
from exchange.testing.machine import dump

FEN = Decimal("0.01")


def _open(kind: str) -> Tracker:
    return Tracker.open("memory:" if kind == "memory" else "sqlite:///:memory:")


def _envelope(tracker: Tracker, amount: Decimal) -> Allocation:
    changsha = tracker.add(School(name="雅礼中学", region="长沙市", stage=Stage.SENIOR))
    huaihua = tracker.add(School(name="靖州一中", region="怀化市", stage=Stage.SENIOR))
    pairing = tracker.pair_schools(changsha, huaihua, signed_on="2016-09-01")
    return tracker.allocate(pairing, year=2025, amount=amount, source="长沙市教育局")


SPENDS = st.lists(
    st.tuples(
        st.integers(0, 4_000_000).map(lambda fen: fen * FEN),  # up to ¥40,000.00
        st.booleans(),  # allow an overspend
        st.sampled_from(["add", "archive", "delete", "raise"]),
    ),
    max_size=20,
)


@settings(max_examples=30, deadline=None)
@given(
    allocation=st.integers(0, 10_000_000).map(lambda fen: fen * FEN),
    spends=SPENDS,
    kind=st.sampled_from(["memory", "sqlite"]),
)
def test_the_balance_is_the_allocation_less_the_expenses(
    allocation: Decimal, spends: list[tuple[Decimal, bool, str]], kind: str
) -> None:
    tracker = _open(kind)
    grant = _envelope(tracker, allocation)
    kept: dict[int, Decimal] = {}
    for amount, allow, then in spends:
        before = dump(tracker.backend)
        try:
            expense = tracker.spend(
                grant, amount, category="差旅补助", spent_on="2025-09-01", allow_overspend=allow
            )
        except errors.OverBudget as error:
            assert not allow and amount > allocation - sum(kept.values(), Decimal(0))
            assert "\n" not in str(error)
            assert dump(tracker.backend) == before
            continue
        assert expense.id is not None
        kept[expense.id] = amount
        if then == "delete":
            tracker.delete(Expense, expense.id)
            del kept[expense.id]
        elif then == "archive":
            tracker.archive(Expense, expense.id)  # archived money was still spent
        elif then == "raise":
            raised = amount + Decimal("100")
            unchanged = dump(tracker.backend)
            try:
                tracker.update(attrs.evolve(expense, amount=raised))
                kept[expense.id] = raised
            except errors.OverBudget:
                assert dump(tracker.backend) == unchanged
        left = allocation - sum(kept.values(), Decimal(0))
        assert tracker.balance(grant) == left
        assert tracker.balance(grant).as_tuple().exponent == -2


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
def test_one_allocation_per_pairing_and_year(kind: str) -> None:
    tracker = _open(kind)
    grant = _envelope(tracker, Decimal(100000))
    before = dump(tracker.backend)
    with pytest.raises(errors.RuleViolation, match="for 2025 is already recorded"):
        tracker.allocate(grant.pairing_id, year=2025, amount="5000")
    assert dump(tracker.backend) == before
    assert tracker.allocate(grant.pairing_id, year=2026, amount="100000").year == 2026


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
@pytest.mark.parametrize("overspend", [False, True])
def test_an_expense_is_dated_within_its_allocations_year(kind: str, overspend: bool) -> None:
    """A 2027 receipt against the 2026 grant is refused, an approved overspend too, on
    add and on update; the last and first days of the year are in it."""
    tracker = _open(kind)
    grant = _envelope(tracker, Decimal(100000))
    spend = {"category": "差旅补助", "allow_overspend": overspend}
    for day in ("2024-12-31", "2026-01-01"):
        before = dump(tracker.backend)
        with pytest.raises(errors.RuleViolation, match=f"expense dated {day} is outside the year"):
            tracker.spend(grant, "10", spent_on=day, **spend)
        assert dump(tracker.backend) == before
    first = tracker.spend(grant, "10", spent_on="2025-01-01", **spend)
    assert tracker.spend(grant, "10", spent_on="2025-12-31", **spend).spent_on.year == 2025
    before = dump(tracker.backend)
    with pytest.raises(errors.RuleViolation, match=r"allocation 1 \(2025\)"):
        tracker.update(attrs.evolve(first, spent_on="2026-01-05"))
    assert dump(tracker.backend) == before


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
def test_an_organisation_holds_an_allocation_of_its_own(kind: str) -> None:
    """成华区教育局's own grant: spent and reported like a pairing's, one per year, and
    an allocation names a pairing or an organisation, never both or neither."""
    tracker = _open(kind)
    pairing_grant = _envelope(tracker, Decimal(100000))
    bureau = tracker.add(School(name="成华区教育局", region="成华区", kind="教育局"))
    grant = tracker.allocate(organisation=bureau, year=2025, amount="50000")
    assert (grant.pairing_id, grant.school_id) == (None, bureau.id)
    tracker.spend(grant, "1200", category="培训", spent_on="2025-05-01")
    assert tracker.balance(grant) == Decimal("48800.00")
    before = dump(tracker.backend)
    with pytest.raises(errors.RuleViolation, match="organisation 3 for 2025 is already recorded"):
        tracker.allocate(organisation=bureau, year=2025, amount="5")
    with pytest.raises(errors.InvalidRecord, match="not both"):
        tracker.allocate(pairing_grant.pairing_id, organisation=bureau, year=2026, amount="5")
    with pytest.raises(errors.InvalidRecord, match="needs a pairing or an organisation"):
        tracker.allocate(year=2026, amount="5")
    assert dump(tracker.backend) == before
    rows = tracker.report("budget", year=2025).table("allocations").rows
    assert [list(r[:6]) for r in rows] == [
        [2025, "雅礼中学", "靖州一中", Decimal(100000), Decimal(0), Decimal(100000)],
        [2025, "成华区教育局", "", Decimal(50000), Decimal(1200), Decimal(48800)],
    ]
    held = tracker.report("budget", region="成华区").table("allocations").rows
    assert [list(r) for r in held] == [
        [2025, "成华区教育局", "", Decimal(50000), Decimal(1200), Decimal(48800), 0, False]
    ]
