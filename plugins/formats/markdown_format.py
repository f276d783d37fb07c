"""The ``markdown`` format: GitHub-flavoured Markdown.

A ``#`` heading with the report title, the parameters as a list, then per
table a ``##`` heading with its name and a pipe table, numbers aligned right,
the totals row last in bold. Rows are written as they are read, so a table of
any length takes the same memory. Cells read as in the ``table`` format; characters
Markdown would act on (``|``, ``*``, ``_``, ``<``, …) are escaped with ``\\``
and line breaks inside a cell become ``<br>``. A report that carries a
change-log head ends with the line ``change log head: HASH``
(:func:`.values.head_line`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from typing import IO, Any

from exchange.i18n import translator
from exchange.report import Report, Table

from .values import cell_text, head_line, right_aligned, sample

NO_ROWS = "(no rows)"
_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&])")
_BREAK = re.compile(r"\r\n|\r|\n|\u2028|\u2029")


def markdown_text(text: str, *, breaks: bool = True) -> str:
    """``text`` safe inside a Markdown table cell or heading: special characters
    escaped, line breaks as ``<br>`` (or spaces, ``breaks=False``), other
    control characters as spaces."""
    text = _SPECIAL.sub(r"\\\1", text)
    text = _BREAK.sub("<br>" if breaks else " ", text)
    if text.isprintable():  # no control character left to change
        return text
    return "".join(" " if unicodedata.category(char) == "Cc" else char for char in text)


def render_markdown(report: Report, stream: IO[str]) -> None:
    """Write ``report`` as a Markdown document, each table row by row."""
    lines = [f"# {markdown_text(report.title, breaks=False)}", ""]
    if report.parameters:
        lines += [
            f"- {markdown_text(str(key))}: {markdown_text(cell_text(value))}"
            for key, value in report.parameters.items()
        ]
        lines.append("")
    stream.write("\n".join(lines).rstrip("\n") + "\n")
    for table in report.tables:
        stream.write(f"\n## {markdown_text(table.heading, breaks=False)}\n\n")
        for line in table_lines(table, empty=translator(report.lang)(NO_ROWS)):
            stream.write(line + "\n")
    footer = head_line(report)
    if footer is not None:
        stream.write("\n" + markdown_text(footer, breaks=False) + "\n")


def table_lines(table: Table, *, empty: str = NO_ROWS) -> Iterator[str]:
    """``table`` as a pipe table, line by line, followed by ``empty`` when it has
    no rows; which columns align right is decided on the first
    :data:`~.values.SAMPLE_ROWS` rows."""
    if not table.columns:
        yield empty
        return

    def cells(values: Sequence[Any]) -> list[str]:
        return [
            markdown_text(cell_text(value, column.type)).strip()
            for column, value in zip(table.columns, values, strict=True)
        ]

    first, rows = sample(table)
    yield _row([markdown_text(column.label).strip() for column in table.columns])
    yield _row(["---:" if right else "---" for right in right_aligned(table, first)])
    for row in rows:
        yield _row(cells(row))
    if table.totals is not None:
        yield _row([f"**{cell}**" if cell else "" for cell in cells(table.totals)])
    if not first:
        yield from ["", empty]


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"
