"""Programme money: allocations and the expenses against them."""

from __future__ import annotations

import datetime as dt
import decimal
from typing import ClassVar

import attrs

from .. import fields
from ..enums import ExpenseCategory
from .base import Record


@attrs.frozen(kw_only=True)
class Allocation(Record):
    """Money granted to a pairing for a year (专项经费)."""

    table: ClassVar[str] = "allocations"

    pairing_id: int = fields.link("pairings")
    year: int = fields.number(1900, 2999)
    amount: decimal.Decimal = fields.money("allocation amount")
    source: str = fields.text(limit=fields.MAX_NAME)
    """Who grants it, e.g. 长沙市教育局."""


@attrs.frozen(kw_only=True)
class Expense(Record):
    """Money spent from an allocation."""

    table: ClassVar[str] = "expenses"

    allocation_id: int = fields.link("allocations")
    spent_on: dt.date = fields.day()
    amount: decimal.Decimal = fields.money("expense amount")
    category: ExpenseCategory = fields.choice(ExpenseCategory)
    description: str = fields.text()
    secondment_id: int | None = fields.link("secondments", required=False)
    activity_id: int | None = fields.link("activities", required=False)
    overspend_approved: bool = fields.flag()
    """Set to allow an expense beyond the allocation; it is then flagged in reports."""
    programme: str = fields.text(limit=fields.MAX_NAME)
    """The programme it was spent for, by name; empty for none."""
