"""Money: ``Decimal`` yuan at the API, integer fen (分) in storage."""

from __future__ import annotations

import decimal
from typing import Any

from .errors import InvalidRecord

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
        raise InvalidRecord(f"{what} must be given as a Decimal, int or text, not {value!r}")
    if isinstance(value, str):
        value = value.strip().replace(",", "").replace("，", "").lstrip("¥￥")
    try:
        amount = decimal.Decimal(value)
    except (decimal.InvalidOperation, TypeError, ValueError):
        raise InvalidRecord(f"{what} {value!r} is not an amount of money") from None
    if not amount.is_finite():
        raise InvalidRecord(f"{what} {value!r} is not an amount of money")
    if abs(amount) > MAX_YUAN:
        raise InvalidRecord(f"{what} {value} is larger than {MAX_YUAN:,} yuan")
    if amount != amount.quantize(_FEN, rounding=decimal.ROUND_DOWN):
        raise InvalidRecord(f"{what} {value} has more than two decimal places (分)")
    return amount.quantize(_FEN) if amount else _ZERO  # no "-0.00"


def to_fen(amount: decimal.Decimal) -> int:
    """Yuan to integer fen, exactly."""
    return int(amount.scaleb(2))


def from_fen(fen: int) -> decimal.Decimal:
    """Integer fen to yuan with two places."""
    return decimal.Decimal(fen).scaleb(-2).quantize(_FEN)
