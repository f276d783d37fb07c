"""What the two SQL dialects share: quoted names, a stored type's table and columns,
and the check of a query's guards before it runs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs

from exchange.backend import no_field
from exchange.codec import Column
from exchange.errors import InvalidRecord

from .conditions import Where


def quote(name: str) -> str:
    """``name`` as a quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


@attrs.frozen
class Table:
    """A stored type's table: what each dialect's prepared statements start from."""

    name: str
    """The type's name for messages, e.g. ``school``."""
    table: str
    """The quoted table name."""
    columns: tuple[Column, ...]

    def column(self, name: str) -> Column:
        """The column called ``name``; an unknown name is an InvalidRecord."""
        for column in self.columns:
            if column.name == name:
                return column
        raise InvalidRecord(no_field(self.name, name, (c.name for c in self.columns)))


Exists = Callable[[str, list[Any]], bool]
"""Runs a ``SELECT EXISTS (…)`` with its parameters and gives its answer."""


def unguarded(condition: Where, table: str, exists: Exists) -> Where:
    """``condition`` once no row of ``table`` matches one of its guards; otherwise the
    ``TypeError`` that ``memory:`` would raise comparing such a row."""
    for guard in condition.guards:
        if exists(f"SELECT EXISTS (SELECT 1 FROM {table} WHERE {guard.condition})", guard.params):
            raise TypeError(guard.message)
    return condition
