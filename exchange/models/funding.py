"""Programme money: allocations and the expenses against them."""

from __future__ import annotations

import datetime as dt
import decimal
from typing import ClassVar

import attrs

from .. import fields
from ..enums import ExpenseCategory
from ..errors import InvalidRecord
from ..i18n import message
from .base import Record


@attrs.frozen(kw_only=True)
class Allocation(Record):
    """Money granted for a year (专项经费) to a pairing, or to one organisation (a school,
    a bureau, a teacher-development centre)."""

    table: ClassVar[str] = "allocations"

    pairing_id: int | None = fields.link("pairings", required=False)
    year: int = fields.number(1900, 2999)
    amount: decimal.Decimal = fields.money("allocation amount")
    source: str = fields.text(limit=fields.MAX_NAME)
    """Who grants it, e.g. 长沙市教育局."""
    school_id: int | None = fields.link("schools", required=False)
    """The organisation that holds it, when it is not a pairing's."""

    def __attrs_post_init__(self) -> None:
        if (self.pairing_id is None) == (self.school_id is None):
            raise InvalidRecord(
                message("an allocation goes to a pairing or to one organisation, not both")
                if self.pairing_id is not None
                else message("an allocation needs a pairing or an organisation to hold it")
            )


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
