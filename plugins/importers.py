"""Built-in importers: CSV (UTF-8, UTF-8 with BOM or GB18030), XLSX and JSON.

Each reads the file at a path and yields one ``dict`` per row, header → cell
text (``""`` or ``None`` for an empty cell), streamed so memory stays flat. Rows are
numbered as a spreadsheet shows them: the header is row 1; a JSON file's
records count from row 2 the same way. Cells beyond the header go under
:data:`exchange.importing.EXTRA_CELLS`. A file that cannot be read raises
:class:`exchange.importing.ReadError` in one line naming the row and column.

The CSV reader raises the ``csv`` module's field size limit (process-wide) to
:data:`HARD_CELL` if it is lower, and never lowers it.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import importlib
import json
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Any

from exchange import hookimpl
from exchange.i18n import message
from exchange.importing import EXTRA_CELLS, ReadError
from exchange.registry import ImporterSpec, Registry

SAMPLE = 1 << 20
"""Bytes read to tell the encoding of a text file."""
MAX_CELL = 1_000_000
"""Longest cell accepted, in characters (far above any field's limit)."""
HARD_CELL = 32 * MAX_CELL
"""Longer cells stop the CSV parser itself; the error then names only the row."""
MAX_COLUMNS = 1_000
"""Most columns a header may have (a record type has a few dozen fields at most)."""
Row = dict[str, Any]


# -- text files ---------------------------------------------------------------------


def encoding(path: str) -> str:
    """``utf-8-sig`` (UTF-8, with or without a BOM) or ``gb18030`` (GBK, what Chinese Excel
    saves), judged on the file's first :data:`SAMPLE` bytes."""
    with open(path, "rb") as file:
        sample = file.read(SAMPLE)
    if not sample.strip():
        raise ReadError(message("the file is empty"))
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ReadError(message("the file is UTF-16 text; save it as CSV UTF-8 (or CSV) instead"))
    if sample.startswith(b"PK\x03\x04"):
        raise ReadError(message("the file is a zip archive (an .xlsx workbook?), not text"))
    if b"\x00" in sample:
        raise ReadError(message("the file is not text (it holds NUL bytes); save it as CSV UTF-8"))
    final = len(sample) < SAMPLE
    for name in ("utf-8-sig", "gb18030"):
        try:
            codecs.getincrementaldecoder(name)().decode(sample, final=final)
        except UnicodeDecodeError:
            continue
        return name
    raise ReadError(message("the file is neither UTF-8 nor GB18030 text; save it as CSV UTF-8"))


def _header(cells: Sequence[str], row: int = 1) -> list[str | None]:
    """The header's names, ``None`` for an empty one; a name given twice is refused, and
    so is a header of more than :data:`MAX_COLUMNS` columns."""
    if len(cells) > MAX_COLUMNS:
        raise ReadError(
            message(
                "the header has {count:,} columns; the limit is {limit:,}",
                count=len(cells),
                limit=MAX_COLUMNS,
            ),
            row=row,
        )
    names: list[str | None] = []
    seen: set[str] = set()
    for cell in cells:
        name = str(cell).strip() if cell is not None else ""
        if name in seen:
            raise ReadError(
                message("the header names column {name!r} twice", name=name), row=row, column=name
            )
        if name:
            seen.add(name)
        names.append(name or None)
    return names


def _row(names: Sequence[str | None], cells: Sequence[Any]) -> Row:
    """One row as header → cell; cells under no header, if not empty, under EXTRA_CELLS."""
    row: Row = {name: None for name in names if name is not None}
    extra = []
    for index, cell in enumerate(cells):
        name = names[index] if index < len(names) else None
        if name is not None:
            row[name] = cell
        elif cell is not None and str(cell).strip():
            extra.append(str(cell))
    if extra:
        row[EXTRA_CELLS] = " | ".join(extra)
    return row


def _check_lengths(names: Sequence[str | None], cells: Sequence[str], row: int) -> None:
    """Refuse a cell longer than :data:`MAX_CELL`, naming its row and column."""
    for index, cell in enumerate(cells):
        if len(cell) > MAX_CELL:
            column = names[index] if index < len(names) else None
            raise ReadError(
                message(
                    "the cell is {cell_count:,} characters long; the limit is {limit:,}",
                    cell_count=len(cell),
                    limit=MAX_CELL,
                ),
                row=row,
                column=column or f"#{index + 1}",
            )


def read_csv(path: str) -> Iterator[Row]:
    """Rows of a CSV file (comma-separated, header first), its encoding detected."""
    name = encoding(path)
    if csv.field_size_limit() < HARD_CELL:
        csv.field_size_limit(HARD_CELL)
    with open(path, encoding=name, newline="") as text:
        yield from _csv_rows(text, name)


def _csv_rows(text: IO[str], name: str) -> Iterator[Row]:
    """The rows of an open CSV file; ``number`` is the last row read, for errors."""
    number = 0
    try:
        records = csv.reader(text)
        names = _header(next(records, []))
        number = 1
        keys = [n for n in names if n is not None]
        plain = len(keys) == len(names)
        for number, cells in enumerate(records, start=2):
            if max(map(len, cells), default=0) > MAX_CELL:
                _check_lengths(names, cells, number)
            if plain and len(cells) == len(keys):
                yield dict(zip(keys, cells, strict=True))
            else:
                yield _row(names, [c or None for c in cells])
    except UnicodeDecodeError:
        raise ReadError(
            message(
                "the file stops being {name} text near this row; save all of it as CSV UTF-8",
                name=name,
            ),
            row=number + 1,
        ) from None
    except csv.Error as error:
        what = str(error)
        if "field larger" in what:
            what = message("a cell is longer than {limit:,} characters", limit=HARD_CELL)
        elif "NUL" in what:
            what = message("the row holds a NUL character (a damaged file?)")
        raise ReadError(what, row=number + 1) from None


# -- JSON ---------------------------------------------------------------------------


def _cell(value: Any, row: int, key: str) -> str | None:
    """A JSON value as cell text; lists become ``a、b``, objects are refused."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list):
        return "、".join(str(_cell(item, row, key) or "") for item in value)
    raise ReadError(message("a JSON object cannot be a cell"), row=row, column=key)


def _record(value: Any, row: int) -> Row:
    """One JSON record as a row; anything but an object is refused."""
    if not isinstance(value, dict):
        raise ReadError(
            message("a record must be a JSON object, not {name}", name=type(value).__name__),
            row=row,
        )
    return {str(key): _cell(item, row, str(key)) for key, item in value.items()}


def _parsed(text: str, what: str, row: int | None = None) -> Any:
    """``text`` parsed, or a :class:`ReadError` saying where it is not JSON."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        where = message("line {line}, column {column}", line=error.lineno, column=error.colno)
        raise ReadError(
            message(
                "{what} is not valid JSON: {error} ({where})",
                what=what,
                error=error.msg,
                where=where,
            ),
            row=row,
        ) from None


def read_json(path: str) -> Iterator[Row]:
    """Records of a JSON file: a list of objects, ``{"records": [...]}``, JSON Lines
    (one object per line; the form to use for big files, as it is streamed), or what
    ``exchange export --format json`` writes (one table of rows)."""
    with open(path, encoding=encoding(path)) as text:
        first = text.readline()
        while first and not first.strip():
            first = text.readline()
        single = _one_line(first)
        if isinstance(single, dict) and not _wrapper(single):
            yield _record(single, 2)
            yield from _json_lines(text)
            return
        whole = _parsed(first + text.read(), "the file")
    if isinstance(whole, dict) and (exported := _exported(whole)):
        yield from exported
        return
    records = whole.get("records") if isinstance(whole, dict) and _wrapper(whole) else whole
    if not isinstance(records, list):
        raise ReadError(
            message('the file must hold a list of records, {{"records": [...]}} or JSON Lines')
        )
    for number, value in enumerate(records, start=2):
        yield _record(value, number)


def _one_line(line: str) -> Any:
    """The line parsed as JSON, or ``None``."""
    try:
        return json.loads(line)
    except json.JSONDecodeError:
        return None


def _wrapper(value: dict[str, Any]) -> bool:
    """Whether ``value`` is ``{"records": [...]}``."""
    return isinstance(value.get("records"), list)


def _exported(report: dict[str, Any]) -> list[Row]:
    """The records of a report written by the ``json`` format (an exact export): its
    one table's rows keyed by column; empty when ``report`` is not such a report."""
    tables = report.get("tables")
    if not (isinstance(tables, list) and len(tables) == 1 and isinstance(tables[0], dict)):
        return []
    keys = [c.get("key") for c in tables[0].get("columns", []) if isinstance(c, dict)]
    rows = tables[0].get("rows")
    if not isinstance(rows, list) or not all(isinstance(k, str) for k in keys):
        return []
    return [
        _record(dict(zip(keys, row, strict=False)) if isinstance(row, list) else row, number)
        for number, row in enumerate(rows, start=2)
    ]


def _json_lines(lines: Iterable[str]) -> Iterator[Row]:
    """The records of JSON Lines after the first, from row 3 on."""
    number = 2
    for line in lines:
        if line.strip():
            number += 1
            yield _record(_parsed(line, "the line", number), number)


# -- XLSX ---------------------------------------------------------------------------


def _text(value: Any) -> str | None:
    """A worksheet value as cell text: dates as ISO, whole floats without ``.0``."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_xlsx(path: str, *, sheet: str | None = None) -> Iterator[Row]:
    """Rows of a workbook's first sheet (or the one named ``sheet``); needs openpyxl."""
    try:
        openpyxl = importlib.import_module("openpyxl")  # the optional xlsx extra
    except ImportError:
        raise ReadError(
            message("reading .xlsx files needs openpyxl: pip install openpyxl")
        ) from None
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except OSError:
        raise
    except Exception as error:
        raise ReadError(
            message("the file is not an .xlsx workbook ({error})", error=error)
        ) from None
    try:
        yield from _sheet_rows(book, sheet)
    finally:
        book.close()


def _sheet_rows(book: Any, sheet: str | None) -> Iterator[Row]:
    """The rows of the named sheet, or of the first."""
    if sheet is not None and sheet not in book.sheetnames:
        raise ReadError(
            message(
                "no sheet {sheet!r}; the sheets are: {names}",
                sheet=sheet,
                names=", ".join(book.sheetnames),
            )
        )
    rows = (book[sheet] if sheet else book.worksheets[0]).iter_rows(values_only=True)
    header = next(rows, None)
    if header is None or all(cell is None for cell in header):
        raise ReadError(message("the sheet is empty"))
    names = _header([_text(cell) or "" for cell in header])
    for number, values in enumerate(rows, start=2):
        cells = [_text(value) for value in values]
        if max((len(c) for c in cells if c), default=0) > MAX_CELL:
            _check_lengths(names, [c or "" for c in cells], number)
        yield _row(names, cells)


@hookimpl(trylast=True)
def register_importers(registry: Registry[ImporterSpec]) -> None:
    """``csv``, ``xlsx`` and ``json``."""
    registry.add(
        ImporterSpec(
            name="csv",
            read=read_csv,
            extensions=("csv",),
            description="comma-separated text in UTF-8, UTF-8 with BOM or GB18030",
        )
    )
    registry.add(
        ImporterSpec(
            name="xlsx",
            read=read_xlsx,
            extensions=("xlsx", "xlsm"),
            description="an Excel workbook's first sheet (needs openpyxl, the xlsx extra)",
        )
    )
    registry.add(
        ImporterSpec(
            name="json",
            read=read_json,
            extensions=("json", "jsonl", "ndjson"),
            description='a list of objects, {"records": [...]} or JSON Lines',
        )
    )
