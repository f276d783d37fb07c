"""Money read and stored, against figures written out by hand (exact halves included)."""

from __future__ import annotations

import decimal

import pytest

from exchange import errors
from exchange.money import from_fen, to_fen, to_yuan

D = decimal.Decimal


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        (D("100000"), "100000.00"),
        (5, "5.00"),
        ("¥1,200.50", "1200.50"),
        ("￥1，200.5", "1200.50"),
        ("  12 ", "12.00"),
        ("1.100", "1.10"),  # a zero past the fen is no fraction of a fen
        ("-1.5", "-1.50"),
        ("-0", "0.00"),  # never "-0.00"
        ("-0.00", "0.00"),
        ("0", "0.00"),
        ("10000000000000", "10000000000000.00"),  # the largest amount, exactly
        ("-10000000000000", "-10000000000000.00"),
    ],
)
def test_amounts_read_as_yuan_with_two_places(given: object, shown: str) -> None:
    assert str(to_yuan(given)) == shown


@pytest.mark.parametrize(
    ("given", "says"),
    [
        ("0.005", "0.005 has more than two decimal places (分)"),
        ("0.015", "0.015 has more than two decimal places"),  # an exact half is not rounded
        ("0.025", "0.025 has more than two decimal places"),
        ("12.345", "12.345 has more than two decimal places"),
        ("10000000000000.01", "10000000000000.01 is larger than 10,000,000,000,000 yuan"),
        ("-10000000000000.01", "-10000000000000.01 is larger than"),
        ("abc", "'abc' is not an amount of money"),
        ("X12", "'X12' is not an amount of money"),  # only ¥ and ￥ lead an amount
        ("NaN", "'NaN' is not an amount of money"),
        ("Infinity", "'Infinity' is not an amount of money"),
        (None, "None is not an amount of money"),
        (1.5, "must be given as a Decimal, int or text, not 1.5"),
        (True, "must be given as a Decimal, int or text, not True"),
    ],
)
def test_amounts_that_are_not_money_are_refused(given: object, says: str) -> None:
    with pytest.raises(errors.InvalidRecord) as refused:
        to_yuan(given, what="expense")
    assert str(refused.value).startswith("expense ")
    assert says in str(refused.value)


def test_the_default_name_of_the_value_is_amount() -> None:
    with pytest.raises(errors.InvalidRecord, match=r"^amount 'x' is not"):
        to_yuan("x")


@pytest.mark.parametrize(
    ("yuan", "fen"),
    [("1.23", 123), ("-0.01", -1), ("0.00", 0), ("100000.00", 10_000_000), ("0.10", 10)],
)
def test_fen_and_yuan_exactly(yuan: str, fen: int) -> None:
    assert to_fen(D(yuan)) == fen
    assert type(to_fen(D(yuan))) is int
    assert str(from_fen(fen)) == yuan
