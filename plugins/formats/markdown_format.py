"""The ``markdown`` format: GitHub-flavoured Markdown.

A ``#`` heading with the report title, the parameters as a list, then per
table a ``##`` heading with its name and a pipe table, numbers aligned right,
the totals row last in bold. Cells read as in the ``table`` format; characters
Markdown would act on (``|``, ``*``, ``_``, ``<``, …) are escaped with ``\\``
and line breaks inside a cell become ``<br>``. A report that carries a
change-log head ends with the line ``change log head: HASH``
(:func:`.values.head_line`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import IO, Any

from exchange.i18n import translator
from exchange.report import Report, Table

from .values import cell_text, head_line, right_aligned

NO_ROWS = "(no rows)"
_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&])")
_BREAK = re.compile(r"\r\n|\r|\n|\u2028|\u2029")


def markdown_text(text: str, *, breaks: bool = True) -> str:
    """``text`` safe inside a Markdown table cell or heading: special characters
    escaped, line breaks as ``<br>`` (or spaces, ``breaks=False``), other
    control characters as spaces."""
    text = _SPECIAL.sub(r"\\\1", text)
    text = _BREAK.sub("<br>" if breaks else " ", text)
    return "".join(" " if unicodedata.category(char) == "Cc" else char for char in text)


def render_markdown(report: Report, stream: IO[str]) -> None:
    """Write ``report`` as a Markdown document."""
    lines = [f"# {markdown_text(report.title, breaks=False)}", ""]
    if report.parameters:
        lines += [
            f"- {markdown_text(str(key))}: {markdown_text(cell_text(value))}"
            for key, value in report.parameters.items()
        ]
        lines.append("")
    for table in report.tables:
        lines += [f"## {markdown_text(table.heading, breaks=False)}", ""]
        lines += table_lines(table, empty=translator(report.lang)(NO_ROWS))
        lines.append("")
    footer = head_line(report)
    if footer is not None:
        lines.append(markdown_text(footer, breaks=False))
    stream.write("\n".join(lines).rstrip("\n") + "\n")


def table_lines(table: Table, *, empty: str = NO_ROWS) -> list[str]:
    """``table`` as a pipe table, followed by ``empty`` when it has no rows."""
    count = len(table.columns)
    if not count:
        return [empty]

    def cells(values: Sequence[Any]) -> list[str]:
        return [
            markdown_text(cell_text(value, column.type)).strip()
            for column, value in zip(table.columns, values, strict=True)
        ]

    lines = [
        _row([markdown_text(column.label).strip() for column in table.columns]),
        _row(["---:" if right else "---" for right in right_aligned(table)]),
    ]
    lines += [_row(cells(row)) for row in table.rows]
    if table.totals is not None:
        totals = cells(table.totals)
        lines.append(_row([f"**{cell}**" if cell else "" for cell in totals]))
    if not table.rows:
        lines += ["", empty]
    return lines


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"
