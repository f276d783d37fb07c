"""The ``csv`` format: RFC 4180 comma-separated values, safe to open in a spreadsheet.

One header row of column labels, then one row per table row, then the totals
row when the table has one; rows are written as they are read, so a table of
any length takes the same memory. A report of several tables writes them one after
another: each preceded by a row holding only the table name, and tables
separated by an empty line. A single table is written without its name, so
the file is plain CSV.

Numbers are written as they are (``-5``, ``1234.50`` for money, ``12.5`` for a
percent, no separators), dates ISO, enum members as their value, booleans as
``yes``/``no``. Every other cell, the labels and names too, passes through
:func:`csv_safe`. Lines end in ``\\r\\n``: open a file with ``newline=""``. The
renderer writes no byte-order mark; a caller wanting one for Excel writes
``"\\ufeff"`` first.

A report of several tables ends with the change-log head it was computed at
(:attr:`~exchange.report.Report.head`), after an empty line, in a row of its own
(``change log head: HASH``), as its table names stand in rows of their own. A
single-table report — an export above all — leaves it out: the file must stay a
plain table that every reader (a spreadsheet's sort and filter, ``csv.reader``,
``exchange import``) takes as rows of data only. ``exchange report`` names the
head on standard error whenever it writes a file.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from decimal import Decimal
from typing import IO, Any

from exchange.report import Report, Table

from .values import cell_text, head_line, is_number, plain_number

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a cell as a formula (OWASP)."""


def csv_safe(text: str) -> str:
    """``text`` with a ``'`` in front when it starts like a formula (``=SUM(A1)``,
    ``+1``, ``-1``, ``@x``, a tab or a carriage return), else unchanged."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def render_csv(report: Report, stream: IO[str]) -> None:
    """Write every table of ``report`` as CSV (see the module docstring for the layout)."""
    writer = csv.writer(stream)
    several = len(report.tables) > 1
    for number, table in enumerate(report.tables):
        if several:
            if number:
                writer.writerow([])
            writer.writerow([csv_safe(table.heading)])
        writer.writerows(table_rows(table))
    head = head_line(report)
    if several and head is not None:
        writer.writerows([[], [csv_safe(head)]])


def table_rows(table: Table) -> Iterator[list[str]]:
    """The CSV cells of ``table``, one row at a time: the header, the rows, the totals
    (asked for after the rows)."""
    columns = table.columns
    yield [csv_safe(column.label) for column in columns]
    for row in table.rows:
        yield [csv_cell(value, column.type) for column, value in zip(columns, row, strict=True)]
    totals = table.totals
    if totals is not None:
        yield [csv_cell(value, column.type) for column, value in zip(columns, totals, strict=True)]


def csv_cell(value: Any, type: str = "text") -> str:
    """One cell: a number as it is, anything else as text through :func:`csv_safe`."""
    if is_number(value):
        if type == "money" and not isinstance(value, float):
            return f"{Decimal(value):.2f}"
        return plain_number(value)
    return csv_safe(cell_text(value))
