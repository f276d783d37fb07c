"""``aggregate`` as one ``GROUP BY`` query, with results typed as ``memory:`` returns them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs

from exchange.codec import decode
from exchange.models import Stored
from exchange.query import Measure, group_field

from ..conditions import Where
from ..sql import quote
from .statements import statements

# SQLite's SUM of integers is exact or fails with "integer overflow" past 2**63, where
# memory's Python sum goes on: the query runs with plain sums, and after an overflow
# once more summing the high and low 32 bits apart (neither can overflow below 2**31
# rows), joined in Python
_SUM = "COALESCE(SUM({0}), 0)"
_EXACT_SUM = "COALESCE(SUM({0} >> 32), 0) || ' ' || COALESCE(SUM({0} & 4294967295), 0)"
_SQL = {"count": "COUNT({0})", "min": "MIN({0})", "max": "MAX({0})"}
OVERFLOW = "integer overflow"
"""What SQLite says when a SUM leaves 64 bits."""


def query(
    cls: type[Stored],
    group_by: Sequence[str],
    measures: Mapping[str, Measure],
    condition: Where,
    *,
    exact: bool = False,
) -> str:
    """The SQL (its parameters are ``condition.params``): groups first, then the measures;
    ``exact`` sums in two halves, for when a plain sum overflowed."""
    sql = statements(cls)
    groups = [_group_sql(cls, key) for key in group_by]
    selected = [*groups, *(_measure_sql(cls, m, exact) for m in measures.values())]
    text = f"SELECT {', '.join(selected) or 'COUNT(*)'} FROM {sql.table} WHERE {condition.sql}"
    if groups:
        text += f" GROUP BY {', '.join(groups)} ORDER BY {', '.join(groups)}"
    return text


def _group_sql(cls: type[Stored], key: str) -> str:
    name, by_year = group_field(key)
    column = quote(statements(cls).column(name).name)
    # dates are ISO text: the year is the part before the first dash. A bare column is
    # grouped as +column, which SQLite cannot read from an index: walking a whole table
    # in index order costs a row lookup per row, and sorting the scan is faster
    return f"CAST(substr({column}, 1, 4) AS INTEGER)" if by_year else f"+{column}"


def _measure_sql(cls: type[Stored], measure: Measure, exact: bool) -> str:
    if measure.field is None:
        return "COUNT(*)"
    column = quote(statements(cls).column(measure.field).name)
    if measure.func == "sum":
        return (_EXACT_SUM if exact else _SUM).format(column)
    return _SQL[measure.func].format(column)


def rows(
    cls: type[Stored],
    group_by: Sequence[str],
    measures: Mapping[str, Measure],
    results: Sequence[Sequence[Any]],
) -> list[dict[str, Any]]:
    """One dict per result row: group values then measures, decoded to Python values."""
    readers = [_group_reader(cls, key) for key in group_by]
    readers += [_measure_reader(cls, m) for m in measures.values()]
    labels = [*group_by, *measures]
    return [
        {label: read(value) for label, read, value in zip(labels, readers, row, strict=False)}
        for row in results
    ]


def _group_reader(cls: type[Stored], key: str) -> Callable[[Any], Any]:
    name, by_year = group_field(key)
    return _optional_int if by_year else reader(cls, name)


def _optional_int(value: Any) -> int | None:
    return None if value is None else int(value)


def _measure_reader(cls: type[Stored], measure: Measure) -> Callable[[Any], Any]:
    if measure.field is None or measure.func == "count":
        return int
    read = reader(cls, measure.field)
    if measure.func == "sum":
        if read is _same:
            return _join_halves
        return lambda halves: read(_join_halves(halves))  # an integer (fen for money)
    return read


def _join_halves(halves: int | str) -> int:
    if isinstance(halves, int):
        return halves  # a plain sum
    high, low = halves.split()
    return (int(high) << 32) + int(low)


_READERS: dict[tuple[type[Stored], str], Callable[[Any], Any]] = {}


def reader(cls: type[Stored], name: str) -> Callable[[Any], Any]:
    """Turns a stored value of field ``name`` into the value the record holds."""
    found = _READERS.get((cls, name))
    if found is None:
        found = _READERS[cls, name] = _reader(cls, name)
    return found


def _same(value: Any) -> Any:
    return value


def _reader(cls: type[Stored], name: str) -> Callable[[Any], Any]:
    kind = statements(cls).column(name).kind
    if kind in ("id", "int", "link"):
        return _same  # stored as the integer it is
    if kind == "enum":
        enum_cls = attrs.fields_dict(cls)[name].metadata["enum"]
        return lambda value: None if value is None else enum_cls(value)
    if kind == "datetime":
        return lambda value: None if value is None else dt.datetime.fromisoformat(value)
    return lambda value: decode(cls, name, value)
