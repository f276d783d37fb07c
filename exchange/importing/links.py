"""Naming linked records in a cell: by ref, by id or (schools, partnerships) by name."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import attrs

from ..errors import ExchangeError, InvalidRecord, NotFound
from ..i18n import message, noun, table_noun
from ..models import Record

if TYPE_CHECKING:
    from ..tracker import Tracker

CACHE_LIMIT = 50_000
"""Answers a :class:`Resolver` remembers per column before it starts afresh (memory stays
flat)."""


@attrs.frozen
class Link:
    """A cell that names a record of ``target``."""

    target: type[Record]
    names: bool = False
    """Also accept the record's unique ``name`` (schools, partnerships)."""
    ids_only: bool = False
    """Only an id (columns such as ``school_id``)."""

    def ways(self) -> str:
        """How the cell may name the record, for messages (a :class:`Message`)."""
        if self.ids_only:
            return "id"
        return message("ref, id or name") if self.names else message("ref or id")


class _Index:
    """Every record of one type, by ref, id and name, read once (:meth:`Resolver.preload`)."""

    def __init__(self, records: Iterable[Record]) -> None:
        self.refs: dict[str, int] = {}
        self.ids: set[int] = set()
        self.names: dict[str, list[int]] = {}
        for record in records:
            if record.id is None:
                continue
            self.ids.add(record.id)
            if record.ref is not None:
                self.refs[record.ref] = record.id
            name = getattr(record, "name", None)
            if isinstance(name, str) and not record.archived:
                self.names.setdefault(name, []).append(record.id)


class Resolver:
    """Finds the id of the record a cell names, remembering each answer (and each refusal)."""

    def __init__(self, tracker: Tracker) -> None:
        self.tracker = tracker
        self._finders: dict[Link, Callable[[Any], int]] = {}
        self._indexes: dict[type[Record], _Index] = {}

    def preload(self, target: type[Record]) -> None:
        """Read every ``target`` record now, so that naming one later runs no query."""
        self._indexes[target] = _Index(self.tracker.find(target, include_archived=True))

    def finder(self, link: Link) -> Callable[[Any], int]:
        """A function giving the id of the record a cell names, for cells of ``link``;
        it raises :class:`NotFound`, or :class:`InvalidRecord` for an ambiguous name."""
        found = self._finders.get(link)
        if found is None:
            found = self._finders[link] = self._finder(link)
        return found

    def _finder(self, link: Link) -> Callable[[Any], int]:
        """A new finder for ``link``, with its own memory of answers."""
        known: dict[str, int | ExchangeError] = {}

        def find(value: Any) -> int:
            written = value.strip() if value.__class__ is str else str(value).strip()
            answer = known.get(written)
            if answer is None:
                if len(known) >= CACHE_LIMIT:
                    known.clear()
                answer = known[written] = self._look_up(link, written)
            if isinstance(answer, ExchangeError):
                raise type(answer)(str(answer))
            return answer

        return find

    def _look_up(self, link: Link, written: str) -> int | ExchangeError:
        """The id, or the error refusing the cell."""
        found = None if link.ids_only else self._by_ref(link.target, written)
        if found is None and written.isascii() and written.isdigit() and int(written) < 2**63:
            found = self._by_id(link.target, int(written))
        if found is not None:
            return found
        what = noun(link.target)
        named = self._by_name(link.target, written) if link.names else []
        if len(named) == 1:
            return named[0]
        if named:
            ids = ", ".join(str(i) for i in named)
            return InvalidRecord(
                message(
                    "{named_count} {target_table} are named {written!r} (ids {ids}); "
                    "name the {what} by ref or id",
                    named_count=len(named),
                    target_table=table_noun(link.target.table),
                    written=written,
                    ids=ids,
                    what=what,
                )
            )
        return NotFound(
            message(
                "no {what} has the {ways} {written!r}", what=what, ways=link.ways(), written=written
            )
        )

    def _by_ref(self, target: type[Record], ref: str) -> int | None:
        index = self._indexes.get(target)
        if index is not None:
            return index.refs.get(ref)
        found = next(self.tracker.find(target, ref=ref, include_archived=True, limit=1), None)
        return None if found is None else found.id

    def _by_id(self, target: type[Record], id: int) -> int | None:
        index = self._indexes.get(target)
        if index is not None:
            return id if id in index.ids else None
        try:
            return self.tracker.get(target, id).id
        except NotFound:
            return None

    def _by_name(self, target: type[Record], name: str) -> list[int]:
        index = self._indexes.get(target)
        if index is not None:
            return index.names.get(name, [])[:10]
        return [r.id for r in self.tracker.find(target, name=name, limit=10) if r.id is not None]
