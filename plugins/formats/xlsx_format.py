"""The ``xlsx`` format: an Excel workbook with one worksheet per report table.

Each worksheet is named after its table (see :func:`sheet_title`). Its first
row is the header of column labels in bold, frozen so it stays in view; then
one row per table row; then the totals row, in bold, when the table has one.
Nothing else goes on a sheet, so a spreadsheet user can sort, filter or load
it as it is. The report title is the workbook's title and the parameters its
description (File > Info > Properties in Excel). A report that carries a
change-log head has it as the custom document property
:data:`HEAD_PROPERTY` (File > Properties > Custom) and in every sheet's
printed page footer (``change log head: HASH``, :func:`.values.head_line`),
so a printed sheet commits to its data too.

Cells keep their type. Numbers are numbers, written with their exact decimal
digits: ``money`` with the format ``#,##0.00``, ``percent`` as the fraction
Excel expects (the report's ``12.5`` is stored as ``0.125`` and shown
``12.50%``), the rest in the General format. Excel keeps 15 significant
digits, so a number with more (an ``int`` past 999,999,999,999,999) is
written as text rather than rounded. Dates are Excel dates shown
``yyyy-mm-dd``; dates before 1900, outside Excel's calendar, are ISO text.
Enum members and booleans are their words (:func:`.values.label`), ``None``
an empty cell.

Text is always stored as a text cell, never as a formula: ``=SUM(A1)``,
``+1``, ``-1``, ``@x`` or ``#N/A`` open and read back exactly as written.
Unlike the ``csv`` format no ``'`` is put in front: a text cell is already
inert, and the ``'`` would become part of its value. What the file format
cannot hold is changed, by :func:`xlsx_text`: characters XML forbids (most
control characters, unpaired surrogates, U+FFFE, U+FFFF) become spaces,
``\\r\\n`` and a lone ``\\r`` become ``\\n`` (the line break inside an Excel
cell), and ``_xHHHH_`` in the text is escaped as ECMA-376 requires so that
Excel shows it as typed. Excel holds at most 32,767 characters in a cell;
openpyxl cuts longer text.

Columns are as wide as their widest cell, counted in display columns (a
Chinese character takes two), within :data:`MIN_WIDTH` and :data:`MAX_WIDTH`;
only the header, the first :data:`~.values.SAMPLE_ROWS` rows and totals known
in advance are measured, since widths go before the first row. Rows are
written as they are read, so a table of any length takes the same memory.
openpyxl is imported only when a report is rendered, in write-only mode;
without it :func:`render_xlsx` raises :class:`~exchange.errors.ConfigurationError`.
"""

from __future__ import annotations

import datetime as dt
import enum
import importlib
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from typing import IO, Any

from exchange.errors import ConfigurationError
from exchange.i18n import message
from exchange.report import Report, Table
from exchange.rows import Row

from .values import cell_text, display_width, head_line, is_number, label, plain_number, sample

MONEY_FORMAT = "#,##0.00"
PERCENT_FORMAT = "0.00%"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"

MIN_WIDTH = 6
MAX_WIDTH = 60
"""Narrowest and widest a column gets, in characters of the default font."""

SHEET_TITLE_LENGTH = 31
"""Longest sheet name Excel accepts."""

EXCEL_DIGITS = 15
"""Significant digits an Excel number keeps."""

FIRST_DATE = dt.date(1900, 1, 1)
"""Day 1 of Excel's calendar; earlier dates are written as text."""

HEAD_PROPERTY = "change log head"
"""The custom document property that holds the report's change-log head."""

MISSING_OPENPYXL = message("the xlsx format needs openpyxl: pip install openpyxl")

Cell = Callable[[Any, Any, str, bool], Any]
"""``cell(sheet, value, type, strong)``: what a write-only ``sheet`` appends for
``value`` in a column of ``type``, in bold when ``strong``."""

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_LOOKS_ESCAPED = re.compile("_(?=x[0-9A-Fa-f]{4}_)")
_BAD_IN_TITLE = re.compile(r"[\[\]:*?/\\]")
_BREAKS = re.compile(r"\r\n?")


def xlsx_text(text: str) -> str:
    """``text`` as a worksheet can hold it (see the module docstring): XML-illegal
    characters as spaces, ``\\r\\n`` and ``\\r`` as ``\\n``, ``_xHHHH_`` escaped."""
    text = _NOT_XML.sub(" ", _BREAKS.sub("\n", text))
    return _LOOKS_ESCAPED.sub("_x005F_", text)


def _plain_text(text: str) -> str:
    """``text`` on one line with only XML-legal characters (titles, properties)."""
    return " ".join(_NOT_XML.sub(" ", text).split())


def _fits_excel(value: int | Decimal) -> bool:
    number = Decimal(value)
    return (
        len(number.normalize().as_tuple().digits) <= EXCEL_DIGITS and -300 < number.adjusted() < 300
    )


def xlsx_value(value: Any, type: str = "text") -> tuple[Any, str | None]:
    """What a cell of a column of type ``type`` stores for ``value``, and its
    number format (``None`` for General). A ``str`` returned is a text cell."""
    if value is None:
        return None, None
    if isinstance(value, bool | enum.Enum):
        return xlsx_text(label(value)), None
    if isinstance(value, dt.datetime):
        if value.tzinfo is None and value.date() >= FIRST_DATE:
            return value, DATETIME_FORMAT
        return cell_text(value), None
    if isinstance(value, dt.date):
        if value >= FIRST_DATE:
            return value, DATE_FORMAT
        return cell_text(value), None
    if is_number(value):
        if isinstance(value, int | Decimal) and not _fits_excel(value):
            return cell_text(value, type), None
        if type == "money":
            return value, MONEY_FORMAT
        if type == "percent":
            fraction = value / 100 if isinstance(value, float) else Decimal(value).scaleb(-2)
            return fraction, PERCENT_FORMAT
        return value, None
    return xlsx_text(cell_text(value, type)), None


def sheet_title(name: str, taken: set[str]) -> str:
    """A valid, unused Excel sheet name for a table called ``name``: at most 31
    characters, none of ``[]:*?/\\`` (each becomes ``_``), not starting or
    ending with ``'``, not ``History``, and unlike every name in ``taken``
    ignoring case (`` (2)``, `` (3)``, … is added). The name is added to ``taken``."""

    def tidy(text: str) -> str:
        return text.strip().strip("'").strip()

    title = tidy(_cut(tidy(_BAD_IN_TITLE.sub("_", _plain_text(name))), SHEET_TITLE_LENGTH))
    if not title:
        title = "Sheet"
    if title.casefold() == "history":  # Excel keeps this name for itself
        title += "_"
    candidate, number = title, 1
    while candidate.casefold() in taken:
        number += 1
        suffix = f" ({number})"
        candidate = tidy(_cut(title, SHEET_TITLE_LENGTH - len(suffix))) + suffix
    taken.add(candidate.casefold())
    return candidate


def _cut(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` UTF-16 code units, as Excel counts, never
    splitting a character."""
    used = 0
    for index, char in enumerate(text):
        used += 2 if ord(char) > 0xFFFF else 1
        if used > limit:
            return text[:index]
    return text


def column_widths(table: Table, rows: Iterable[Sequence[Any]]) -> list[float]:
    """Per column, the width of its widest cell among the header, ``rows`` (a
    sample of the table's) and totals known in advance, in display columns
    plus room for padding, within the limits."""
    if not table.totals_deferred and table.totals is not None:
        rows = [*rows, table.totals]
    widest = [display_width(column.label) for column in table.columns]
    for row in rows:
        for index, (column, value) in enumerate(zip(table.columns, row, strict=True)):
            text = cell_text(value, column.type)
            if column.type == "percent" and is_number(value):
                text = f"{value:.2f}%"  # as PERCENT_FORMAT shows it
            widest[index] = max(
                widest[index], *(display_width(line) for line in text.splitlines() or [""])
            )
    return [float(min(MAX_WIDTH, max(MIN_WIDTH, width + 2))) for width in widest]


_ERROR_CODES = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"})
"""Texts openpyxl would store as Excel error values rather than as text."""


def _as_is(value: Any) -> bool:
    """Whether openpyxl stores ``value`` as we would, given it as it is: an ``int``,
    or text it will not take for a formula (``=…``) or an error code (``#N/A``)."""
    if type(value) is int:
        return True
    return isinstance(value, str) and not value.startswith("=") and value not in _ERROR_CODES


def _lines(table: Table, rows: Iterable[Row]) -> Iterator[tuple[Row, bool]]:
    """The rows as they are read, then the totals (in bold)."""
    for row in rows:
        yield row, False
    if table.totals is not None:
        yield table.totals, True


def describe(workbook: Any, report: Report) -> None:
    """Set the document properties of an openpyxl ``workbook`` from ``report``:
    title, creator, the parameters as description, the head as :data:`HEAD_PROPERTY`."""
    workbook.properties.title = _plain_text(report.title)
    workbook.properties.creator = "teacher-exchange"
    if report.parameters:
        workbook.properties.description = _plain_text(
            "; ".join(f"{key}: {cell_text(value)}" for key, value in report.parameters.items())
        )
    if report.head is not None:
        custom = importlib.import_module("openpyxl.packaging.custom")
        head = custom.StringProperty(name=HEAD_PROPERTY, value=report.head)
        workbook.custom_doc_props.append(head)


def render_xlsx(report: Report, stream: IO[bytes]) -> None:
    """Write ``report`` to ``stream`` as an xlsx workbook (see the module docstring)."""
    openpyxl = _openpyxl("openpyxl")
    cell_module = _openpyxl("openpyxl.cell")
    styles = _openpyxl("openpyxl.styles")
    utils = _openpyxl("openpyxl.utils")

    cell = _cells(cell_module, styles.Font(bold=True))
    workbook = openpyxl.Workbook(write_only=True)
    describe(workbook, report)
    footer = head_line(report)
    taken: set[str] = set()
    for table in report.tables or [Table(name=report.title, columns=(), rows=())]:
        sheet = workbook.create_sheet(title=sheet_title(table.heading, taken))
        if footer is not None:
            sheet.oddFooter.center.text = _plain_text(footer)
        _write_sheet(sheet, table, cell, utils.get_column_letter)
    workbook.save(stream)


def _openpyxl(module: str) -> Any:
    """An openpyxl module, imported by name: openpyxl ships no type information."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise ConfigurationError(MISSING_OPENPYXL) from None


def _cells(cell_module: Any, bold: Any) -> Cell:
    """The :data:`Cell` maker, with openpyxl's ``openpyxl.cell`` module and a bold font."""

    def cell(sheet: Any, value: Any, type: str, strong: bool) -> Any:
        stored, number_format = xlsx_value(value, type)
        if not strong and number_format is None and (stored is None or _as_is(stored)):
            return stored  # no cell object of ours: the common case, kept cheap
        if is_number(stored):
            # Exact digits: openpyxl would write Decimal("9.3") as 9.300000000000001.
            new = cell_module.WriteOnlyCell(sheet, value=plain_number(stored))
            new.data_type = "n"
        else:
            new = cell_module.WriteOnlyCell(sheet, value=stored)
            if isinstance(stored, str):
                new.data_type = "s"  # openpyxl would read "=…" as a formula, "#N/A" as an error
        if number_format:
            new.number_format = number_format
        if strong:
            new.font = bold
        return new

    return cell


def _write_sheet(sheet: Any, table: Table, cell: Cell, column_letter: Callable[[int], str]) -> None:
    """``table`` on a write-only ``sheet``: column widths and the frozen header row,
    which go before the first row, then the rows as they are read and the totals."""
    first, rows = sample(table)
    for index, width in enumerate(column_widths(table, first), start=1):
        sheet.column_dimensions[column_letter(index)].width = width
    if not table.columns:
        return
    sheet.freeze_panes = "A2"
    sheet.append([cell(sheet, column.label, "text", True) for column in table.columns])
    for values, strong in _lines(table, rows):
        sheet.append(
            [
                cell(sheet, value, column.type, strong)
                for column, value in zip(table.columns, values, strict=True)
            ]
        )
