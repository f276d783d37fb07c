"""A Datasette plugin that ``exchange browse`` registers: the record tables' cells shown
as people read them, in the metadata's language: money in yuan (``¥18,600.00`` for
``1860000`` fen), codes as words (在岗 for ``active``), flags as yes/no (是/否).

Only what is shown changes: filters, facets, sorting and exports still see the stored
values, which the column labels describe.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import attrs
from datasette import hookimpl

from ..backend import STORED_TYPES
from ..i18n import word
from ..money import from_fen
from .metadata import PLUGIN

Show = Callable[[Any, str], str]
"""How a stored value is shown: (value, language) → text."""


def _yuan(value: Any, lang: str) -> str:
    return f"¥{from_fen(int(value)):,.2f}"


def _flag(value: Any, lang: str) -> str:
    return word(bool(value), lang)


def _term(vocabulary: Any) -> Show:
    return lambda value, lang: word(vocabulary.parse(value), lang)


@functools.cache
def shown() -> dict[tuple[str, str], Show]:
    """(table, column) → how its cells are shown, for every money, flag and code column."""
    found: dict[tuple[str, str], Show] = {}
    for cls in STORED_TYPES:
        for field in attrs.fields(cls):
            kind = field.metadata.get("kind")
            if kind == "money":
                found[cls.table, field.name] = _yuan
            elif kind == "bool":
                found[cls.table, field.name] = _flag
            elif kind == "enum":
                found[cls.table, field.name] = _term(field.metadata["enum"])
    return found


@hookimpl  # type: ignore[untyped-decorator]
def render_cell(value: Any, column: str, table: str | None, datasette: Any) -> str | None:
    """The cell's text, or ``None`` to let Datasette show the stored value."""
    show = shown().get((table or "", column))
    settings = datasette.plugin_config(PLUGIN) or {}
    if show is None or value is None or "lang" not in settings:
        return None
    try:
        return show(value, settings["lang"])
    except (ValueError, TypeError, ArithmeticError, LookupError):
        return None  # a value the library would not have written: shown as stored
