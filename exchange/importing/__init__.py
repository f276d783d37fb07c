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

from .check import Progress, Rows, Source
from .columns import KIND_NAMES, KINDS, Column, columns, importable, normal
from .layout import EXTRA_CELLS
from .links import Link
from .load import load
from .plan import Counts, Plan, prepare
from .problems import ImportRefused, Problem, ReadError
from .sources import guess_kind, importer_for, reader
from .write import apply

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
    "guess_kind",
    "importable",
    "importer_for",
    "load",
    "normal",
    "prepare",
    "reader",
]
