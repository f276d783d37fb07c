"""Normalised filters and sort orders as SQL, with ``?`` parameters.

Each condition matches exactly the records :mod:`backends.memory` keeps: ``eq``
with ``None`` is ``IS NULL``, ``ne`` keeps empty fields (``IS NOT``), ``lt`` …
``ge`` never match ``NULL``. A value that cannot equal anything stored in the
column (a number for a text field, a naive time) matches nothing, as in
Python, instead of being converted by SQLite's column affinity. Where
``memory:`` would raise ``TypeError`` (``lt`` with ``None`` or with a value of
another type), a :class:`Guard` lets the store raise it too.
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
from .statements import statements

_INT64 = range(-(2**63), 2**63)
_COMPARISONS = {"lt": "<", "le": "<=", "gt": ">", "ge": ">="}
_ORDERED = frozenset({*_COMPARISONS, "between"})
_MANY = 500
"""Beyond this many ``in`` values, pass them as one JSON array."""


def where(cls: type[Stored], filters: Filters) -> Where:
    """The conditions for ``filters`` (normalised, as backends receive them)."""
    sql = statements(cls)
    parts: list[str] = []
    params: list[Any] = []
    guards: list[Guard] = []
    for name, op in filters.items():
        column = sql.column(name)
        bounds = op.value if op.op == "between" else (op.value,)
        if op.op in _ORDERED and any(_unorderable(cls, column, b) for b in bounds):
            # memory tests each filter in turn, so only rows passing the earlier ones compare
            reached = " AND ".join([*parts, f"{quote(column.name)} IS NOT NULL"])
            message = f"{op.op} cannot compare {column.name} with {op.value!r}"
            guards.append(Guard(reached, list(params), message))
            parts.append("0")
            continue
        parts.append(_condition(cls, column, op, params))
    return Where(" AND ".join(parts) or "1", params, guards)


def _unorderable(cls: type[Stored], column: Column, value: Any) -> bool:
    """Python refuses ``stored < value`` (``None``, or a value of another type)."""
    if value is None:
        return True
    nan = isinstance(value, float) and math.isnan(value)
    return stored(cls, column, value) is NO_MATCH and not nan


def order(cls: type[Stored], order_by: Sequence[tuple[str, bool]]) -> str:
    """``ORDER BY`` the ``(field, descending)`` pairs, then id (NULLs first ascending)."""
    sql = statements(cls)
    keys = [quote(sql.column(name).name) + (" DESC" if desc else "") for name, desc in order_by]
    if all(name != "id" for name, _ in order_by):
        keys.append('"id"')
    return ", ".join(keys)


def stored(cls: type[Stored], column: Column, value: Any) -> Any:
    """The stored form of a filter value, or :data:`NO_MATCH` when none can equal it."""
    kind = column.kind
    if kind in ("id", "int", "link", "bool"):
        return as_number(value)
    if kind in ("text", "enum"):
        # str.__str__ gives the plain text of a str subclass, e.g. an enum member's value
        return str.__str__(value) if isinstance(value, str) else NO_MATCH
    if kind == "date":
        return value.isoformat() if type(value) is dt.date else NO_MATCH
    if kind == "datetime":
        return _utc_text(value)
    if kind == "money" and isinstance(value, decimal.Decimal):
        # fen; a fraction of a fen equals no stored amount, an infinity is beyond them all
        return as_number(value.scaleb(2) if value.is_finite() else value)
    return NO_MATCH


def _utc_text(value: Any) -> Any:
    """An aware time as the log stores it (ISO text in UTC), or :data:`NO_MATCH`."""
    if not isinstance(value, dt.datetime) or value.utcoffset() is None:
        return NO_MATCH
    try:
        return value.astimezone(dt.timezone.utc).isoformat()
    except OverflowError:  # a time before year 1 or after 9999 in UTC: no stored time
        return NO_MATCH


def as_number(value: Any) -> Any:
    """A number as SQLite compares it with an integer column, or :data:`NO_MATCH`."""
    if isinstance(value, decimal.Decimal):
        if not value.is_finite():  # NaN equals and orders nothing; an infinity orders
            return NO_MATCH if value.is_nan() else float(value)
        value = int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, int):
        # bool is an int (True == 1, as in Python); beyond 64 bits, compare as a float
        return int(value) if value in _INT64 else float(value)
    if isinstance(value, float):
        return NO_MATCH if math.isnan(value) else value
    return NO_MATCH


def _condition(cls: type[Stored], column: Column, op: Op, params: list[Any]) -> str:
    name = quote(column.name)
    if op.op == "has":
        return _has(cls, column, op.value, params)
    if op.op == "in":
        return _in(cls, column, op.value, params)
    if op.value is None and op.op in ("eq", "ne"):
        return f"{name} IS NULL" if op.op == "eq" else f"{name} IS NOT NULL"
    if op.op == "between":
        bounds = [stored(cls, column, bound) for bound in op.value]
        if any(bound is NO_MATCH for bound in bounds):  # a NaN bound: nothing lies between
            return "0"
        params.extend(bounds)
        return f"{name} BETWEEN ? AND ?"
    value = (_equal if op.op in ("eq", "ne") else stored)(cls, column, op.value)
    if value is NO_MATCH:
        return "1" if op.op == "ne" else "0"
    if op.op in ("eq", "ne"):
        params.append(value)
        return f"{name} = ?" if op.op == "eq" else f"{name} IS NOT ?"
    return _compare(name, op.op, value, params)


def _equal(cls: type[Stored], column: Column, value: Any) -> Any:
    """The stored form of a value to test equality with, or :data:`NO_MATCH` (text with
    a lone surrogate equals no stored text; it still orders, :func:`_compare`)."""
    found = stored(cls, column, value)
    return found if valid_unicode(found) else NO_MATCH


def _compare(name: str, op: str, value: Any, params: list[Any]) -> str:
    """``name`` ordered against ``value`` (text through :func:`ordered_text`)."""
    if isinstance(value, str):
        value, op = ordered_text(value, op, nul=False)
    params.append(value)
    return f"{name} {_COMPARISONS[op]} ?"


def _in(cls: type[Stored], column: Column, values: Any, params: list[Any]) -> str:
    wanted = [_equal(cls, column, v) for v in values if v is not None]
    wanted = [v for v in wanted if v is not NO_MATCH]
    if not wanted:
        return "0"
    name = quote(column.name)
    if len(wanted) > _MANY and all(isinstance(v, str | int) for v in wanted):
        params.append(json.dumps(wanted, ensure_ascii=False))
        return f"{name} IN (SELECT value FROM json_each(?))"
    params.extend(wanted)
    return f"{name} IN ({', '.join('?' for _ in wanted)})"


def _has(cls: type[Stored], column: Column, value: Any, params: list[Any]) -> str:
    """A list field contains ``value``: compare it with each element of the stored JSON."""
    try:
        element = json.loads(encode(cls, column.name, (value,)))
    except Exception:  # a value the field cannot encode is in no stored list
        return "0"
    each = f"SELECT 1 FROM json_each({quote(column.name)})"
    if isinstance(element, dict) and len(element) == 1:  # a mapping, e.g. scores
        ((key, item),) = element.items()
        if isinstance(item, dict | list) or item is None or not valid_unicode(key + str(item)):
            return "0"
        params.extend([key, item])
        return f"EXISTS ({each} WHERE key = ? AND value = ?)"
    if not isinstance(element, list) or len(element) != 1:
        return "0"
    (item,) = element
    if not valid_unicode(item):  # stored lists hold valid Unicode only
        return "0"
    if item is None:
        return f"EXISTS ({each} WHERE type = 'null')"
    if isinstance(item, dict | list):
        params.append(json.dumps(item, ensure_ascii=False, separators=(",", ":")))
        return f"EXISTS ({each} WHERE type IN ('object', 'array') AND value = json(?))"
    params.append(item)
    return f"EXISTS ({each} WHERE type NOT IN ('object', 'array') AND value = ?)"
