"""How a report value becomes text, and how wide that text is on a terminal.

The text formats share these rules: ``None`` is empty, dates are ISO,
``money`` has thousands separators and two decimals (from the ``Decimal``,
never through a float), ``percent`` ends in ``%``, and vocabulary values
(enum members, booleans) go through :func:`label`, the one place a later
``--lang zh`` has to change.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import itertools
import math
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any

from exchange.i18n import localize, message
from exchange.report import Report, Table
from exchange.rows import Row

NUMERIC_TYPES = frozenset({"int", "number", "money", "percent"})
"""Column types whose cells are numbers, aligned to the right."""

ELLIPSIS = "…"
"""Marks a cell cut to fit its column."""


def label(value: Any) -> str:
    """The word for a vocabulary value: an enum member's ``value``, ``yes``/``no``
    for a bool, anything else as ``str``.

    The seam for ``--lang``: members of :class:`exchange.enums.Term` also carry
    their Chinese term as ``.zh``.
    """
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, enum.Enum):
        return str(value.value)
    return str(value)


def is_number(value: Any) -> bool:
    """True for an ``int`` (not a bool) or a finite ``Decimal``/``float``."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    if isinstance(value, Decimal):
        return value.is_finite()
    return isinstance(value, float) and math.isfinite(value)


def plain_number(value: int | Decimal | float) -> str:
    """A number without exponent or separators: ``1000`` not ``1E+3``."""
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def cell_text(value: Any, type: str = "text") -> str:
    """``value`` as shown in a cell of a column of type ``type``
    (see :class:`exchange.report.Column`)."""
    if value is None:
        return ""
    if isinstance(value, bool | enum.Enum):
        return label(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return ", ".join(cell_text(item, type) for item in value)
    if is_number(value):
        if type == "money" and not isinstance(value, float):
            return f"{Decimal(value):,.2f}"
        if type == "percent":
            return f"{plain_number(value)}%"
        return plain_number(value)
    return str(value)


SAMPLE_ROWS = 1000
"""How many of a table's first rows decide what cannot wait for the rest: column
widths (``table``, ``xlsx``) and which text columns hold only numbers and align
right. Later rows are written as they come, never read twice."""


def sample(table: Table, size: int | None = None) -> tuple[list[Row], Iterator[Row]]:
    """The first ``size`` (:data:`SAMPLE_ROWS`) rows of ``table``, and every row
    (those first) read once."""
    rows = iter(table.rows)
    first = list(itertools.islice(rows, SAMPLE_ROWS if size is None else size))
    return first, itertools.chain(first, rows)


def right_aligned(table: Table, rows: Iterable[Sequence[Any]]) -> list[bool]:
    """Per column, whether it holds numbers and aligns right: a numeric column
    type, or every filled cell of ``rows`` (a sample of the table's) a number."""
    rows = list(rows)
    flags = []
    for index, column in enumerate(table.columns):
        cells = [row[index] for row in rows if index < len(row) and row[index] is not None]
        flags.append(
            column.type in NUMERIC_TYPES or (bool(cells) and all(is_number(c) for c in cells))
        )
    return flags


def head_line(report: Report) -> str | None:
    """``change log head: HASH`` (变更日志头：HASH) in the report's language, the
    line the text formats end with; ``None`` when the report carries no head."""
    if report.head is None:
        return None
    return localize(message("change log head: {head}", head=report.head), report.lang)


# -- terminal width -------------------------------------------------------------


@functools.cache  # a few thousand distinct characters at most, looked up per cell
def char_width(char: str) -> int:
    """Terminal columns ``char`` takes: 2 for East Asian wide/full-width,
    0 for combining and format characters, else 1."""
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def display_width(text: str) -> int:
    """Terminal columns ``text`` takes (see :func:`char_width`)."""
    if text.isascii() and text.isprintable():
        return len(text)
    return sum(char_width(char) for char in text)


def one_line(text: str) -> str:
    """``text`` on one line: line breaks, tabs and other control characters become spaces."""
    if text.isprintable():  # no control or line-break character to change
        return text
    text = text.replace("\r\n", " ")
    return "".join(
        " " if unicodedata.category(char) in ("Cc", "Zl", "Zp") else char for char in text
    )


def clip(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` columns, ending in ``…`` when cut;
    a wide character is never split."""
    if display_width(text) <= limit:
        return text
    kept: list[str] = []
    used = 0
    for char in text:
        width = char_width(char)
        if used + width > limit - 1:
            break
        kept.append(char)
        used += width
    return "".join(kept) + ELLIPSIS
