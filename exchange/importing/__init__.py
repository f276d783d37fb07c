"""Importing schools, teachers, pairings, secondments, mentor pairs, activities and money
from spreadsheet files: check every row first, then write all of them or none.

::

    from exchange import Tracker, importing

    with Tracker.open("sqlite:///bureau.db") as tracker:
        rows = importing.reader("教师名单.csv", plugins=tracker.plugins)
        plan = importing.prepare(tracker, "teachers", rows)  # reads every row, writes nothing
        for problem in plan.problems:  # row 3, column 所在学校: no school has …
            print(problem)
        counts = importing.apply(tracker, plan)  # one transaction; refuses if any problem

Headers may be English or Chinese (:func:`columns` lists them per type); files
are read by the importer plugins (csv, xlsx and json are built in). A row whose
``ref`` is already stored updates that record, so importing a file twice
changes nothing. See ``docs/importing.md``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..deferred import lazy_exports

if TYPE_CHECKING:
    from ..progress import Progress
    from .check import Rows, Source
    from .columns import KIND_NAMES, KINDS, Column, columns, importable, normal
    from .links import Link
    from .load import load
    from .plan import Counts, Plan, prepare
    from .problems import ImportRefused, Problem, ReadError
    from .sources import estimated_rows, guess_kind, importer_for, reader
    from .write import apply

EXTRA_CELLS = "(cells with no header)"
"""Key under which an importer puts a row's non-empty cells that have no header, as text."""

__all__ = [
    "EXTRA_CELLS",
    "KINDS",
    "KIND_NAMES",
    "Column",
    "Counts",
    "ImportRefused",
    "Link",
    "Plan",
    "Problem",
    "Progress",
    "ReadError",
    "Rows",
    "Source",
    "apply",
    "columns",
    "estimated_rows",
    "guess_kind",
    "importable",
    "importer_for",
    "load",
    "normal",
    "prepare",
    "reader",
]

__getattr__ = lazy_exports(
    __name__,
    {
        "Column": "columns",
        "Counts": "plan",
        "ImportRefused": "problems",
        "KINDS": "columns",
        "KIND_NAMES": "columns",
        "Link": "links",
        "Plan": "plan",
        "Problem": "problems",
        "Progress": "check",
        "ReadError": "problems",
        "Rows": "check",
        "Source": "check",
        "apply": "write",
        "estimated_rows": "sources",
        "columns": "columns",
        "guess_kind": "sources",
        "importable": "columns",
        "importer_for": "sources",
        "load": "load",
        "normal": "columns",
        "prepare": "plan",
        "reader": "sources",
    },
)
"""The names above, each imported from its module when first read: an importer plugin
that needs only :class:`ReadError` loads none of the rest (see :mod:`exchange.deferred`)."""
