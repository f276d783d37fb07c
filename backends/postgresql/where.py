"""Normalised filters and sort orders as PostgreSQL SQL, with ``%s`` parameters.

Each condition matches exactly the records :mod:`backends.memory` keeps: ``eq``
with ``None`` is ``IS NULL``, ``ne`` keeps empty fields (``IS DISTINCT FROM``),
``lt`` … ``ge`` and ``between`` never match ``NULL``. Numbers compare exactly, as Python compares
them (a fraction or a number beyond 64 bits is sent as ``numeric``, never as a
float); a value that cannot equal anything stored in the column (a number for a
text field, a naive time) matches nothing. Where ``memory:`` would raise
``TypeError`` (``lt`` with ``None`` or with a value of another type), a
:class:`Guard` lets the store raise it too.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import math
from collections.abc import Sequence
from typing import Any

from exchange.codec import Column, encode
from exchange.models import Stored
from exchange.query import Filters, Op

from ..conditions import NO_MATCH, Guard, Where, ordered_text, valid_unicode
from ..sql import quote
from .statements import INT64, nullable, statements

_COMPARISONS = {"lt": "<", "le": "<=", "gt": ">", "ge": ">="}
_ABOVE = decimal.Decimal(2**63)
"""Stands for any number above every ``bigint``."""
_BELOW = decimal.Decimal(-(2**63) - 1)
"""Stands for any number below every ``bigint``."""
_HALF = decimal.Decimal("0.5")
_ARRAYS = {
    "text": "text[]",
    "enum": "text[]",
    "date": "date[]",
    "datetime": "timestamptz[]",
    "bool": "boolean[]",
}


def where(cls: type[Stored], filters: Filters) -> Where:
    """The conditions for ``filters`` (normalised, as backends receive them)."""
    sql = statements(cls)
    parts: list[str] = []
    params: list[Any] = []
    guards: list[Guard] = []
    for name, op in filters.items():
        column = sql.column(name)
        # between(low, high) is Python's low <= value <= high: ge low, then le high
        steps = [Op("ge", op.value[0]), Op("le", op.value[1])] if op.op == "between" else [op]
        for step in steps:
            if step.op in _COMPARISONS and _unorderable(column, step.value):
                # memory tests each filter in turn, so only rows passing the earlier ones compare
                reached = " AND ".join([*parts, f"{quote(column.name)} IS NOT NULL"])
                message = f"{op.op} cannot compare {column.name} with {op.value!r}"
                guards.append(Guard(reached, list(params), message))
                parts.append("FALSE")
                break
            parts.append(_condition(cls, column, step, params))
    return Where(" AND ".join(parts) or "TRUE", params, guards)


def _unorderable(column: Column, value: Any) -> bool:
    """Python refuses ``stored < value`` (``None``, or a value of another type)."""
    if value is None:
        return True
    nan = (isinstance(value, float) and math.isnan(value)) or (
        isinstance(value, decimal.Decimal) and value.is_nan()
    )
    return _ordered(column, value) is NO_MATCH and not nan


def order(cls: type[Stored], order_by: Sequence[tuple[str, bool]]) -> str:
    """``ORDER BY`` the ``(field, descending)`` pairs, then id (NULLs first ascending).

    ``NULLS FIRST``/``LAST`` is spelled out only for columns that may hold NULL,
    so that an index on a required column (the id, above all) still serves the order.
    """
    sql = statements(cls)
    keys = []
    for name, descending in order_by:
        column = sql.column(name)
        key = quote(column.name) + (" DESC" if descending else "")
        if nullable(column):
            key += " NULLS LAST" if descending else " NULLS FIRST"
        keys.append(key)
    if all(name != "id" for name, _ in order_by):
        keys.append('"id"')
    return ", ".join(keys)


def number(value: Any) -> Any:
    """A number as it compares with a ``bigint`` column, or :data:`NO_MATCH`.

    Whole numbers within 64 bits stay ``int``. Stored numbers are whole, so a
    fraction ``x`` stands in as ``floor(x) + 0.5`` (a short exact ``Decimal`` that
    compares with every whole number as ``x`` does), and anything beyond 64 bits
    (infinities too) as a number just past the ``bigint`` range.
    """
    if isinstance(value, bool | int):
        whole = int(value)
        if whole in INT64:
            return whole
        return _ABOVE if whole > 0 else _BELOW
    if isinstance(value, float):
        if math.isnan(value):
            return NO_MATCH
        if math.isinf(value):
            return _ABOVE if value > 0 else _BELOW
        return _exact(decimal.Decimal(value))  # the float's binary value, exactly
    if isinstance(value, decimal.Decimal):
        return NO_MATCH if value.is_nan() else _exact(value)
    return NO_MATCH


def _exact(value: decimal.Decimal) -> int | decimal.Decimal:
    if value.is_infinite() or not _BELOW < value < _ABOVE:
        return _ABOVE if value > 0 else _BELOW
    whole = value.to_integral_value(rounding=decimal.ROUND_FLOOR)
    return int(whole) if whole == value else whole + _HALF


def stored(column: Column, value: Any) -> Any:
    """The stored form of a value to test equality with, or :data:`NO_MATCH`."""
    kind = column.kind
    if kind in ("id", "int", "link"):
        return number(value)
    if kind == "bool":
        found = number(value)
        return bool(found) if type(found) is int and found in (0, 1) else NO_MATCH
    if kind in ("text", "enum"):
        # str.__str__ gives the plain text of a str subclass, e.g. an enum member's value
        if not isinstance(value, str):
            return NO_MATCH
        text = str.__str__(value)  # stored text holds no NUL and no lone surrogate
        return NO_MATCH if "\x00" in text or not valid_unicode(text) else text
    if kind == "date":
        return value if type(value) is dt.date else NO_MATCH
    if kind == "datetime":
        aware = isinstance(value, dt.datetime) and value.utcoffset() is not None
        return value if aware else NO_MATCH
    if kind == "money" and isinstance(value, int | float | decimal.Decimal):
        amount = decimal.Decimal(value)
        return number(amount.scaleb(2) if amount.is_finite() else amount)  # in fen
    return NO_MATCH


def _ordered(column: Column, value: Any) -> Any:
    """The stored form of a value to order against, or :data:`NO_MATCH`."""
    if column.kind == "bool":
        return number(value)  # compared with the flag as 0 or 1, as Python does
    if column.kind in ("text", "enum") and isinstance(value, str):
        return str.__str__(value)
    return stored(column, value)


def _condition(cls: type[Stored], column: Column, op: Op, params: list[Any]) -> str:
    name = quote(column.name)
    if op.op == "has":
        return _has(cls, column, op.value, params)
    if op.op == "in":
        return _in(column, op.value, params)
    if op.value is None and op.op in ("eq", "ne"):
        return f"{name} IS NULL" if op.op == "eq" else f"{name} IS NOT NULL"
    if op.op in ("eq", "ne"):
        value = stored(column, op.value)
        if value is NO_MATCH:
            return "TRUE" if op.op == "ne" else "FALSE"
        params.append(value)
        return f"{name} = %s" if op.op == "eq" else f"{name} IS DISTINCT FROM %s"
    return _compare(column, op, params)


def _compare(column: Column, op: Op, params: list[Any]) -> str:
    value = _ordered(column, op.value)
    if value is NO_MATCH:  # NaN: every comparison is false
        return "FALSE"
    name = quote(column.name)
    sign = _COMPARISONS[op.op]
    if column.kind == "bool":
        name = f"{name}::int"
    elif isinstance(value, str):
        value, compared = ordered_text(value, op.op, nul=True)
        sign = _COMPARISONS[compared]
    params.append(value)
    return f"{name} {sign} %s"


def _in(column: Column, values: Any, params: list[Any]) -> str:
    wanted = [stored(column, v) for v in values if v is not None]
    wanted = [v for v in wanted if v is not NO_MATCH]
    if not wanted:
        return "FALSE"
    array = _ARRAYS.get(column.kind)
    if array is None:  # numbers: bigint when every one is whole, else exact numeric
        whole = all(type(v) is int for v in wanted)
        array = "bigint[]" if whole else "numeric[]"
        wanted = wanted if whole else [decimal.Decimal(v) for v in wanted]
    params.append(wanted)
    return f"{quote(column.name)} = ANY(%s::{array})"


def _has(cls: type[Stored], column: Column, value: Any, params: list[Any]) -> str:
    """A list field contains ``value``: JSON containment of the one-element list.

    Lists hold words, terms or whole numbers, so an element matches only a
    string or a finite number (``True`` counts as 1, as in Python); anything
    else is in no stored list.
    """
    try:
        element = json.loads(encode(cls, column.name, (value,)))
    except Exception:  # a value the field cannot encode is in no stored list
        return "FALSE"
    if not isinstance(element, list) or len(element) != 1:
        return "FALSE"
    (item,) = element
    if isinstance(item, bool):
        item = int(item)
    if isinstance(item, float) and not math.isfinite(item):
        return "FALSE"
    if isinstance(item, str):
        if "\x00" in item or not _encodable(item):
            return "FALSE"
    elif not isinstance(item, int | float):
        return "FALSE"
    params.append(json.dumps([item], ensure_ascii=False))
    return f"{quote(column.name)}::jsonb @> %s::jsonb"


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
