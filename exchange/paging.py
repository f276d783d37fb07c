"""Keyset paging: where a page of :meth:`Tracker.find` ended and the next one starts.

A deep page read with ``offset=500_000`` makes the database walk past half a
million rows; a page read ``after`` a :class:`Cursor` starts at once, at the
place the previous page ended::

    page = list(tracker.find(Secondment, order_by=["starts_on"], limit=100))
    more = tracker.find(Secondment, order_by=["starts_on"], limit=100, after=page[-1])

A cursor is the position of the last record a page showed: its values of the
``order_by`` fields, then its id, which breaks ties (ascending, whatever the
direction of the fields). The next page holds the records that come strictly
after that position in the order ``find`` uses: empty values first ascending,
last descending. A cursor need not name a stored record; records added or
changed since are placed by their values, so paging never repeats or skips a
record that stays put.

:meth:`Cursor.token` gives a cursor as text for the command line
(``exchange secondment list --after TOKEN``); it says which order it was made
for, and a cursor is refused with any other order.

:data:`SORTABLE` names the fields the CLI lists sort by: every SQL store indexes
them together with the archived flag and the id, so a deep page costs no row
lookup per record it passes over.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import decimal
import enum
import json
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from .errors import InvalidRecord
from .i18n import message, noun_named
from .query import check_order, normalize

Order = tuple[tuple[str, bool], ...]
"""Checked ``order_by``: ``(field, descending)`` pairs, as backends receive them."""


def keys(order_by: Order) -> Order:
    """The keys a cursor holds values of: ``order_by`` up to the id, then the id."""
    out: list[tuple[str, bool]] = []
    for name, descending in order_by:
        out.append((name, descending))
        if name == "id":
            return tuple(out)
    return (*out, ("id", False))


@attrs.frozen
class Cursor:
    """The position of a record in a list ordered by ``order_by``."""

    order_by: Order
    """The order the cursor was made for (checked, as :func:`keys` takes it)."""
    values: tuple[Any, ...]
    """One value per key of :func:`keys`: the sort fields' values, then the id."""

    @classmethod
    def of(cls, record: Any, order_by: Order) -> Cursor:
        """The position of ``record`` (the last one a page showed)."""
        return cls(order_by, tuple(getattr(record, name) for name, _ in keys(order_by)))

    def token(self) -> str:
        """The cursor as short URL-safe text, for ``--after`` on the command line."""
        order = ["-" + name if descending else name for name, descending in self.order_by]
        data = json.dumps([order, [_plain(v) for v in self.values]], ensure_ascii=False)
        return base64.urlsafe_b64encode(data.encode()).decode().rstrip("=")

    @classmethod
    def parse(cls, kind: type, token: str) -> Cursor:
        """The cursor :meth:`token` gave, for records of ``kind`` (its values as text, which
        :func:`position` converts); :class:`InvalidRecord` if ``token`` is not one."""
        try:
            raw = base64.urlsafe_b64decode(token.strip() + "=" * (-len(token.strip()) % 4))
            order, values = json.loads(raw)
            checked = check_order(kind, [str(key) for key in order])
            if len(values) != len(keys(checked)):
                raise ValueError(values)
        except (ValueError, TypeError, binascii.Error, UnicodeDecodeError) as exc:
            raise InvalidRecord(message("{token!r} is not a cursor", token=token)) from exc
        return cls(checked, tuple(values))


def _plain(value: Any) -> Any:
    """A field value as JSON: the text its converter parses back."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def position(kind: type, order_by: Order, after: Any) -> tuple[Any, ...]:
    """What backends receive as ``after``: the values of :func:`keys` of ``after`` (a
    record, a :class:`Cursor` or its token), normalised like filter values."""
    cursor = after
    if isinstance(after, str):
        cursor = Cursor.parse(kind, after)
    elif not isinstance(after, Cursor):
        cursor = Cursor.of(after, order_by)
    if cursor.order_by != order_by:
        raise InvalidRecord(
            message(
                "the cursor belongs to a list ordered by {made}, not by {asked}",
                made=_spelled(cursor.order_by),
                asked=_spelled(order_by),
            )
        )
    names = [name for name, _ in keys(order_by)]
    if len(names) != len(cursor.values):
        raise InvalidRecord(message("the cursor holds the wrong number of values"))
    return tuple(
        normalize(kind, {n: v})[n].value for n, v in zip(names, cursor.values, strict=True)
    )


def _spelled(order_by: Order) -> str:
    return ", ".join(("-" if desc else "") + name for name, desc in order_by) or "id"


SORTABLE: Mapping[str, tuple[str, ...]] = {
    "school": ("id", "name", "region"),
    "partnership": ("id", "name"),
    "pairing": ("id", "signed_on"),
    "teacher": ("id", "name"),
    "rubric": ("id", "name"),
    "assessment": ("id", "assessed_on"),
    "secondment": ("id", "starts_on", "ends_on"),
    "programme": ("id", "name"),
    "mentorship": ("id", "starts_on"),
    "activity": ("id", "held_on"),
}
"""The fields each CLI list sorts by, by record type name; every SQL store indexes
each as ``(archived, field, id)``."""


def check_sortable(kind: str, order_by: Sequence[str]) -> None:
    """Refuse a CLI sort on a field that is not in :data:`SORTABLE`, naming those that are."""
    allowed = SORTABLE.get(kind, ("id",))
    for key in order_by:
        if key.lstrip("-") not in allowed:
            raise InvalidRecord(
                message(
                    "cannot sort {kind} lists by {name}; sort by one of: {names}",
                    kind=noun_named(kind),
                    name=key.lstrip("-"),
                    names=", ".join(allowed),
                )
            )
