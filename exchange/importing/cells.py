"""Reading one spreadsheet cell as a field value.

Each reader takes what an importer yielded for a cell (text, or a Python value
when rows come from code) and returns the value the record field expects, or
raises :class:`~exchange.errors.InvalidRecord` with a message that names the
cell's content and says what would be accepted. Blank cells never reach a
reader: the caller treats them as "not given".
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import re
import unicodedata
from collections.abc import Callable
from typing import Any

from ..enums import Term
from ..errors import InvalidRecord
from ..i18n import message
from ..money import to_yuan

Read = Callable[[Any], Any]
"""A cell reader: cell content → field value."""

EXCEL_EPOCH = dt.date(1899, 12, 30)
"""Day 0 of Excel's serial day numbers (1900 date system, after its 1900-02-29)."""
SERIALS = range(18_264, 73_416)
"""Excel serial numbers accepted as dates: 1950-01-01 to 2100-12-31. Others are refused,
so a year typed alone (``2024``) is not read as a day in 1905."""

_DATE = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[ T]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
)
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_SERIAL = re.compile(r"(\d{5})(?:\.\d+)?")
_SEPARATORS = re.compile(r"[、,，;；\n]")
_TRUE = frozenset({"是", "true", "yes", "y", "t", "1"})
_FALSE = frozenset({"否", "false", "no", "n", "f", "0"})
DATE_FORMS = "2024-12-01, 2024/12/1, 2024.12.1, 2024年12月1日 or 20241201"
"""How messages describe the accepted date forms."""


def is_blank(value: Any) -> bool:
    """A cell with nothing in it: ``None`` or only white space."""
    return value is None or (isinstance(value, str) and not value.strip())


def _plain(value: Any) -> str:
    """The cell as text with full-width digits and punctuation made plain (NFKC)."""
    text = str(value).strip()
    return text if text.isascii() else unicodedata.normalize("NFKC", text)


def text(value: Any) -> str:
    """Text as written (the record strips it)."""
    return value if type(value) is str else str(value)


def key(value: Any) -> str:
    """An external key (a ref), white space around it dropped."""
    return text(value).strip()


def day(value: Any) -> dt.date:
    """A date in the forms bureaus type, an Excel serial number, or a ``date``."""
    if type(value) is dt.date:
        return value
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    written = _plain(value)
    if len(written) == 10 and written[4] == "-":
        try:
            return dt.date.fromisoformat(written)
        except ValueError:
            pass  # reported below, with the other forms
    found = _DATE.fullmatch(written) or _COMPACT.fullmatch(written)
    if found:
        year, month, day_ = (int(part) for part in found.groups())
        try:
            return dt.date(year, month, day_)
        except ValueError:
            raise InvalidRecord(
                message("{written!r} is not a day of the calendar", written=written)
            ) from None
    serial = _SERIAL.fullmatch(written)
    if serial and int(serial.group(1)) in SERIALS:
        return EXCEL_EPOCH + dt.timedelta(days=int(serial.group(1)))
    raise InvalidRecord(
        message(
            "{written!r} is not a date; write it as {forms}",
            written=written,
            forms=DATE_FORMS,
        )
    )


def flag(value: Any) -> bool:
    """Yes or no: 是/否, true/false, yes/no, y/n, 1/0."""
    if isinstance(value, bool):
        return value
    written = _plain(value).lower()
    if written in _TRUE:
        return True
    if written in _FALSE:
        return False
    raise InvalidRecord(
        message(
            "{written!r} is not yes or no; write 是 or 否 (or true/false, 1/0)", written=written
        )
    )


def whole(value: Any) -> int:
    """A whole number; ``1,200`` and ``1200.0`` (as spreadsheets save it) are accepted."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    written = _plain(value).replace(",", "")
    try:
        number = decimal.Decimal(written)
    except decimal.InvalidOperation:
        number = decimal.Decimal("NaN")
    if not number.is_finite() or number != number.to_integral_value():
        raise InvalidRecord(message("{written!r} is not a whole number", written=written))
    if number.adjusted() > 18:  # int() of 1e999999999 would take minutes
        raise InvalidRecord(message("{written!r} is too large", written=written))
    return int(number)


def money(value: Any) -> decimal.Decimal:
    """An amount in yuan: ``100000``, ``¥1,200.50``; at most two decimal places."""
    if isinstance(value, float):  # JSON numbers and spreadsheet cells
        value = repr(value)
    return to_yuan(value if isinstance(value, int | decimal.Decimal) else str(value))


def split(value: Any) -> list[str]:
    """A multi-value cell's parts, split on 、 , ， ; ； or a line break."""
    if isinstance(value, list | tuple):
        return [str(part).strip() for part in value if not is_blank(part)]
    return [part.strip() for part in _SEPARATORS.split(str(value)) if part.strip()]


def words(value: Any) -> tuple[str, ...]:
    """Several short texts (subjects)."""
    if value.__class__ is str and not _SEPARATORS.search(value):
        return (value.strip(),)  # one part: most cells, read without splitting
    return tuple(split(value))


def parts(value: Any) -> list[Any]:
    """A list written as JSON, as an exact export writes a secondment's extensions
    (``[{"ends_on": "2026-01-16", "reason": "延长一学期"}]``)."""
    if isinstance(value, list):
        return value
    try:
        found = json.loads(str(value))
    except ValueError:
        found = None
    if not isinstance(found, list):
        raise InvalidRecord(message("{value!r} is not a JSON list", value=str(value)[:60]))
    return found


def choice(vocabulary: type[Term]) -> Read:
    """One member of ``vocabulary``, by its English value or its Chinese term."""

    def read(value: Any) -> Term:
        return vocabulary.parse(str(value))

    return read


def choices(vocabulary: type[Term]) -> Read:
    """Several members of ``vocabulary`` in one cell (roles)."""

    def read(value: Any) -> tuple[Term, ...]:
        return tuple(vocabulary.parse(part) for part in split(value))

    return read
