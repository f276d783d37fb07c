"""Money: ``Decimal`` yuan at the API, integer fen (分) in storage."""

from __future__ import annotations

import decimal
from typing import Any

from .errors import InvalidRecord
from .i18n import message

MAX_YUAN = decimal.Decimal(10) ** 13
"""Largest amount accepted (¥10 trillion), so fen always fit a 64-bit integer."""
_FEN = decimal.Decimal("0.01")
_ZERO = decimal.Decimal("0.00")


def to_yuan(value: Any, *, what: str = "amount") -> decimal.Decimal:
    """Read ``value`` (Decimal, int, or text such as ``"100000"``/``"¥1,200.50"``) as yuan.

    Refuses floats (they cannot hold 0.10 exactly), more than two decimal places,
    and amounts beyond :data:`MAX_YUAN`.
    """
    if isinstance(value, bool | float):
        raise InvalidRecord(
            message(
                "{what} must be given as a Decimal, int or text, not {value!r}",
                what=what,
                value=value,
            )
        )
    if isinstance(value, str):
        value = value.strip().replace(",", "").replace("，", "").lstrip("¥￥")
    try:
        amount = decimal.Decimal(value)
    except (decimal.InvalidOperation, TypeError, ValueError):
        raise InvalidRecord(
            message("{what} {value!r} is not an amount of money", what=what, value=value)
        ) from None
    if not amount.is_finite():
        raise InvalidRecord(
            message("{what} {value!r} is not an amount of money", what=what, value=value)
        )
    if abs(amount) > MAX_YUAN:
        raise InvalidRecord(
            message(
                "{what} {value} is larger than {limit:,} yuan",
                what=what,
                value=value,
                limit=MAX_YUAN,
            )
        )
    if amount != amount.quantize(_FEN, rounding=decimal.ROUND_DOWN):
        raise InvalidRecord(
            message("{what} {value} has more than two decimal places (分)", what=what, value=value)
        )
    return amount.quantize(_FEN) if amount else _ZERO  # no "-0.00"


def to_fen(amount: decimal.Decimal) -> int:
    """Yuan to integer fen, exactly."""
    return int(amount.scaleb(2))


def from_fen(fen: int) -> decimal.Decimal:
    """Integer fen to yuan with two places."""
    return decimal.Decimal(fen).scaleb(-2).quantize(_FEN)
