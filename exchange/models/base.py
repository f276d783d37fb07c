"""Fields every stored record has."""

from __future__ import annotations

from typing import Any, ClassVar

import attrs

from .. import fields
from ..errors import InvalidRecord
from ..i18n import message, noun


def ordered(record: Any, first: str, last: str) -> None:
    """Refuse a record whose date ``last`` is before its date ``first``."""
    start, end = getattr(record, first), getattr(record, last)
    if start is not None and end is not None and end < start:
        raise InvalidRecord(
            message(
                "{kind}: {last} {end} is before {first} {start}",
                kind=noun(type(record)),
                last=last,
                end=end,
                first=first,
                start=start,
            )
        )


@attrs.frozen(kw_only=True)
class Stored:
    """Anything a backend stores: it has a table and an integer id."""

    table: ClassVar[str] = ""
    """Storage name of the type (plural, lower case)."""

    id: int | None = fields.identity()
    """Assigned by the backend when the record is stored."""


@attrs.frozen(kw_only=True)
class Record(Stored):
    """Fields every domain record has."""

    ref: str | None = fields.ref()
    """External key (staff number, school code), unique per record type."""
    archived: bool = fields.flag()
    """Archived records are kept for history but left out of lists by default."""
    revision: int = fields.revision()
    """How many times the record has changed since it was added: the backend stores an
    update only while the stored revision is still the one the changed copy was made
    from, so a change made from a stale read is refused (:class:`~exchange.errors.StaleRecord`)."""
