"""``aggregate`` as one ``GROUP BY`` query, with results typed as ``memory:`` returns them.

A group may be a field, or ``"<date field>.year"``: the calendar year of the
date (``EXTRACT(YEAR …)``), an ``int`` or ``None``. Sums are exact: PostgreSQL
sums ``bigint`` as ``numeric``, so no total overflows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs

from exchange.codec import Column, decode
from exchange.errors import InvalidRecord
from exchange.i18n import message
from exchange.models import Stored
from exchange.money import from_fen
from exchange.query import Measure, group_field

from ..conditions import Where
from ..sql import quote
from .statements import nullable, statements

_DATED = ("date", "datetime")


@attrs.frozen
class Group:
    """One ``group_by`` entry: its SQL, whether it may be NULL, and how to read its value."""

    sql: str
    nullable: bool
    read: Callable[[Any], Any]


def group(cls: type[Stored], name: str) -> Group:
    """The group for ``name``: a field, or ``field.year`` of a date field."""
    field, by_year = group_field(name)
    column = statements(cls).column(field)
    if not by_year:
        return Group(quote(column.name), nullable(column), _reader(cls, column))
    if column.kind not in _DATED:
        raise InvalidRecord(message("cannot group {name} by year: it is not a date", name=field))
    return Group(f"EXTRACT(YEAR FROM {quote(column.name)})::int", nullable(column), _plain)


def query(
    cls: type[Stored],
    group_by: Sequence[str],
    measures: Mapping[str, Measure],
    condition: Where,
) -> str:
    """The SQL (its parameters are ``condition.params``): groups first, then the measures."""
    sql = statements(cls)
    groups = [group(cls, name) for name in group_by]
    selected = [*(g.sql for g in groups), *(_measure_sql(cls, m) for m in measures.values())]
    text = f"SELECT {', '.join(selected) or 'COUNT(*)'} FROM {sql.table} WHERE {condition.sql}"
    if groups:
        numbers = [str(i) for i in range(1, len(groups) + 1)]
        order = [
            f"{n} NULLS FIRST" if g.nullable else n for n, g in zip(numbers, groups, strict=True)
        ]
        text += f" GROUP BY {', '.join(numbers)} ORDER BY {', '.join(order)}"
    return text


def _measure_sql(cls: type[Stored], measure: Measure) -> str:
    if measure.field is None:
        return "COUNT(*)"
    name = quote(statements(cls).column(measure.field).name)
    if measure.func == "sum":
        return f"COALESCE(SUM({name}), 0)"
    return f"{measure.func.upper()}({name})"


def rows(
    cls: type[Stored],
    group_by: Sequence[str],
    measures: Mapping[str, Measure],
    results: Sequence[Sequence[Any]],
) -> list[dict[str, Any]]:
    """One dict per result row: group values then measures, decoded to Python values."""
    readers = [group(cls, name).read for name in group_by]
    readers += [_measure_reader(cls, m) for m in measures.values()]
    labels = [*group_by, *measures]
    # with neither groups nor measures the query selects COUNT(*) only to return one row
    return [
        {label: read(value) for label, read, value in zip(labels, readers, row, strict=False)}
        for row in results
    ]


def _plain(value: Any) -> Any:
    return value


def _reader(cls: type[Stored], column: Column) -> Callable[[Any], Any]:
    return lambda value: decode(cls, column.name, value)


def _measure_reader(cls: type[Stored], measure: Measure) -> Callable[[Any], Any]:
    if measure.field is None or measure.func == "count":
        return int
    column = statements(cls).column(measure.field)
    if measure.func == "sum":  # numeric: whole fen for money, a whole number otherwise
        return (lambda total: from_fen(int(total))) if column.kind == "money" else int
    return _reader(cls, column)
