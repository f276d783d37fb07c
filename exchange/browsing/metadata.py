"""Datasette metadata for a store, in English or Chinese: a title and description for
every table and view, a label for every column, the column that names each record,
and the facets and order each view opens with.

Datasette shows a table's ``title`` and ``description`` above it and each column's
description in a list under them and in the column's menu; ``label_column`` is what a
link to the table shows instead of the bare id.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..backend import STORED_TYPES
from ..i18n import localize, table_name
from .labels import COLUMN_LABELS, RECORD_TABLE, STORE, VIEW_DESCRIPTIONS, VIEW_TITLES

PLUGIN = "teacher-exchange"
"""The name the metadata's plugin settings (the language) are kept under."""

LABEL_COLUMNS = {
    "schools": "name",
    "teachers": "name",
    "partnerships": "name",
    "programmes": "name",
    "rubrics": "name",
    "activities": "title",
    "goals": "title",
}
"""The column that names a record of each table, shown where another table links to it."""

FACETS = {
    "schools": ("region", "stage"),
    "secondments": ("status", "kind"),
    "pairing_names": ("partnership", "supported_region"),
    "secondment_roster": ("status*", "kind*", "host_school"),
    "mentoring_pairs": ("status*", "programme"),
    "activity_log": ("kind*", "school"),
    "allocation_balances": ("year", "holder"),
    "expense_lines": ("category*", "year"),
    "assessment_targets": ("rubric", "target*"),
}
"""The facets each table opens with; ``*`` marks a code whose Chinese word (``_zh``)
is the facet in Chinese."""

NEWEST_FIRST = {"activity_log": "held_on", "expense_lines": "spent_on", "changes": "id"}
"""Tables shown newest first, by the column that says when."""

HIDDEN = ("_sqlite_migrations", "_exchange_migrations", "_exchange_ids")
"""Bookkeeping tables left out of the table list (still reachable by URL)."""


def metadata(database: str, columns: Mapping[str, Sequence[str]], lang: str) -> dict[str, Any]:
    """Datasette metadata for the store opened as ``database``, whose tables and views
    have the ``columns`` given (name → its column names), in ``lang`` (``en``, ``zh``)."""
    tables = {name: _table(name, names, lang) for name, names in columns.items()}
    return {
        "title": localize(STORE, lang),
        "plugins": {PLUGIN: {"lang": lang}},
        "databases": {database: {"tables": tables}},
    }


def _table(name: str, columns: Sequence[str], lang: str) -> dict[str, Any]:
    """The metadata of one table or view."""
    found: dict[str, Any] = {"title": title(name, lang)}
    description = _description(name)
    if description is not None:
        found["description"] = localize(description, lang)
    found["columns"] = {
        column: localize(COLUMN_LABELS[column], lang)
        for column in columns
        if column in COLUMN_LABELS
    }
    if name in LABEL_COLUMNS:
        found["label_column"] = LABEL_COLUMNS[name]
    if name in FACETS:
        found["facets"] = [_facet(facet, lang) for facet in FACETS[name]]
    if name in NEWEST_FIRST:
        found["sort_desc"] = NEWEST_FIRST[name]
    if name in HIDDEN:
        found["hidden"] = True
    return found


def title(name: str, lang: str) -> str:
    """The title of a table or view in ``lang``: 学校 for ``schools`` (a view's title, or
    the name itself for a table the store does not know)."""
    if name in VIEW_TITLES:
        return localize(VIEW_TITLES[name], lang)
    return table_name(name, lang)


def _description(name: str) -> Any:
    if name in VIEW_DESCRIPTIONS:
        return VIEW_DESCRIPTIONS[name]
    if name in RECORD_TABLES:
        return RECORD_TABLE
    return None


def _facet(facet: str, lang: str) -> str:
    column = facet.rstrip("*")
    return f"{column}_zh" if facet.endswith("*") and lang == "zh" else column


RECORD_TABLES = frozenset(cls.table for cls in STORED_TYPES)
"""The tables of records (and the change log) a store holds."""
