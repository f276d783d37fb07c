"""The ``table`` format: aligned text columns for a terminal.

Columns are two spaces apart and as wide as their widest cell, counted in
terminal columns (a Chinese character takes two), at most :data:`MAX_WIDTH`;
longer cells end in ``…``. Only the header, the first
:data:`~.values.SAMPLE_ROWS` rows and totals known before the rows are
measured, so the rows are written as they are read, never held: a later text
wider than its column is cut to it, a later number (a totals row computed as
the rows stream) is kept whole and pushes the line out. Numbers align right.
A rule of ``-`` separates the header and, when the table has totals, the
totals row. When a report has more
than one table, each is preceded by its name and tables are a blank line apart.
The title and parameters are not printed (``markdown`` and ``json`` carry them);
a report that carries a change-log head ends, after a blank line, with
``change log head: HASH`` (:func:`.values.head_line`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import IO

from exchange.i18n import translator
from exchange.report import Report, Table

from .values import (
    cell_text,
    clip,
    display_width,
    head_line,
    one_line,
    right_aligned,
    sample,
)

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


def table_lines(table: Table, *, max_width: int = MAX_WIDTH, empty: str = NO_ROWS) -> Iterator[str]:
    """The lines of ``table``, one at a time; ``empty`` stands under the header of
    a table without rows. Widths come from the header, the first
    :data:`~.values.SAMPLE_ROWS` rows and totals known in advance (see the module
    docstring)."""
    if not table.columns:
        yield empty
        return

    def cells(values: Sequence[object]) -> list[str]:
        return [
            clip(one_line(cell_text(value, column.type)), max_width)
            for column, value in zip(table.columns, values, strict=True)
        ]

    first, rows = sample(table)
    labels = [clip(one_line(column.label), max_width) for column in table.columns]
    known = [] if table.totals_deferred or table.totals is None else [cells(table.totals)]
    widths = (
        [
            max(1, _longest_word(label), *(display_width(cell) for cell in column))
            for label, column in zip(
                labels, zip(*map(cells, first), *known, strict=True), strict=True
            )
        ]
        if first or known
        else [max(1, display_width(label)) for label in labels]
    )
    if not first:  # room for "(no rows)" under the header
        widths[-1] += max(0, display_width(empty) - sum(widths) - len(GAP) * (len(widths) - 1))
    line = _Line(widths, right_aligned(table, first))
    rule = GAP.join("-" * width for width in widths)
    yield from map(line, _header_lines(labels, widths))
    yield rule
    for row in rows:
        yield line(cells(row))
    if not first:
        yield _pad(empty, len(rule), False)
    totals = table.totals
    if totals is not None:
        yield from (rule, line(cells(totals)))


class _Line:
    """Cells padded to their column's width; a longer text is cut to it, a longer
    number kept whole (it can only come after the sampled rows)."""

    def __init__(self, widths: list[int], right: list[bool]) -> None:
        self.columns = list(zip(widths, right, strict=True))

    def __call__(self, texts: list[str]) -> str:
        return GAP.join(
            _pad(text if r else clip(text, width), width, r)
            for text, (width, r) in zip(texts, self.columns, strict=True)
        )


def _pad(text: str, width: int, right: bool) -> str:
    space = " " * max(0, width - display_width(text))
    return space + text if right else text + space


def _longest_word(label: str) -> int:
    return max((display_width(word) for word in label.split(" ")), default=0)


def _header_lines(labels: list[str], widths: list[int]) -> list[list[str]]:
    """The header as lines of cells: a label wider than its column's cells wraps at its
    spaces ("teacher-days served" over two lines), so wide labels do not widen a table."""
    wrapped = [_wrap(label, width) for label, width in zip(labels, widths, strict=True)]
    height = max(map(len, wrapped), default=1)
    return [[lines[i] if i < len(lines) else "" for lines in wrapped] for i in range(height)]


def _wrap(label: str, width: int) -> list[str]:
    lines: list[str] = []
    for word in label.split(" "):
        if lines and display_width(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines or [""]
