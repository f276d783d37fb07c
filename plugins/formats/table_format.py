"""The ``table`` format: aligned text columns for a terminal.

Columns are two spaces apart and as wide as their widest cell, counted in
terminal columns (a Chinese character takes two), at most :data:`MAX_WIDTH`;
longer cells end in ``…``. Numbers align right. A rule of ``-`` separates the
header and, when the table has totals, the totals row. When a report has more
than one table, each is preceded by its name and tables are a blank line apart.
The title and parameters are not printed (``markdown`` and ``json`` carry them);
a report that carries a change-log head ends, after a blank line, with
``change log head: HASH`` (:func:`.values.head_line`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO

from exchange.i18n import translator
from exchange.report import Report, Table

from .values import cell_text, clip, display_width, head_line, one_line, right_aligned

MAX_WIDTH = 60
"""Widest a column gets, in terminal columns."""

GAP = "  "
NO_ROWS = "(no rows)"


def render_table(report: Report, stream: IO[str]) -> None:
    """Write every table of ``report`` as aligned text."""
    several = len(report.tables) > 1
    for number, table in enumerate(report.tables):
        if number:
            stream.write("\n")
        if several:
            stream.write(clip(one_line(table.heading), MAX_WIDTH) + "\n")
        for line in table_lines(table, empty=translator(report.lang)(NO_ROWS)):
            stream.write(line + "\n")
    footer = head_line(report)
    if footer is not None:
        stream.write(f"\n{footer}\n")


def table_lines(table: Table, *, max_width: int = MAX_WIDTH, empty: str = NO_ROWS) -> list[str]:
    """The lines of ``table``, all of the same display width; ``empty`` stands
    under the header of a table without rows."""
    count = len(table.columns)
    if not count:
        return [empty]

    def cells(values: Sequence[object]) -> list[str]:
        return [
            clip(one_line(cell_text(value, column.type)), max_width)
            for column, value in zip(table.columns, values, strict=True)
        ]

    header = [clip(one_line(column.label), max_width) for column in table.columns]
    body = [cells(row) for row in table.rows]
    totals = [] if table.totals is None else [cells(table.totals)]
    widths = [
        max(1, *(display_width(cell) for cell in column))
        for column in zip(header, *body, *totals, strict=True)
    ]
    if not body:  # room for "(no rows)" under the header
        widths[-1] += max(0, display_width(empty) - sum(widths) - len(GAP) * (count - 1))
    right = right_aligned(table)

    def line(texts: list[str]) -> str:
        return GAP.join(
            _pad(text, width, r) for text, width, r in zip(texts, widths, right, strict=True)
        )

    rule = GAP.join("-" * width for width in widths)
    lines = [line(header), rule]
    lines += [line(row) for row in body] or [_pad(empty, len(rule), False)]
    if totals:
        lines += [rule, line(totals[0])]
    return lines


def _pad(text: str, width: int, right: bool) -> str:
    space = " " * (width - display_width(text))
    return space + text if right else text + space
