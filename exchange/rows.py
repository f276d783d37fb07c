"""The rows of a report table, read as they come.

A :class:`Rows` holds either rows already in memory (a small table, a test's)
or a source that yields them: a function returning a fresh iterator (a query,
run again for each reading) or one iterator (read once). Formats only iterate,
so a table of a million rows never sits in memory. Rows in memory also have a
length and an index, as a tuple does; streamed rows have neither (``len``
raises :class:`TypeError`) until :meth:`Rows.materialize` reads them all into
memory, for small tables and tests. ``==`` materializes.

:class:`Tally` keeps the sums of chosen columns while the rows stream past,
for a totals row that does not need the rows held.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

Row = tuple[Any, ...]
Source = Callable[[], Iterable[Sequence[Any]]] | Iterable[Sequence[Any]]


class Rows:
    """The rows of one table (see the module docstring)."""

    def __init__(self, source: Source) -> None:
        self._source = source
        self._held: tuple[Row, ...] | None = None
        if isinstance(source, tuple | list):
            self._held = tuple(tuple(row) for row in source)
        self._read = False
        self.name = ""
        self.width: int | None = None
        """The number of columns every row must have, set by its table."""

    @property
    def streamed(self) -> bool:
        """Whether the rows come from a source rather than from memory."""
        return self._held is None

    def __iter__(self) -> Iterator[Row]:
        if self._held is not None:
            return iter(self._held)
        return self._checked(self._open())

    def _open(self) -> Iterable[Sequence[Any]]:
        if callable(self._source):
            return self._source()
        if self._read:
            raise ValueError(f"table {self.name!r}: its rows were read already (one pass only)")
        self._read = True
        return self._source

    def _checked(self, rows: Iterable[Sequence[Any]]) -> Iterator[Row]:
        for number, values in enumerate(rows, 1):
            row = tuple(values)
            self.check(number, row)
            yield row

    def check(self, number: int, row: Row) -> None:
        """Refuse row ``number`` when it does not have one cell per column."""
        if self.width is not None and len(row) != self.width:
            raise ValueError(
                f"table {self.name!r}: row {number} has {len(row)} cells for {self.width} columns"
            )

    def materialize(self) -> tuple[Row, ...]:
        """Every row, read into memory once and kept (for small tables and tests)."""
        if self._held is None:
            self._held = tuple(self._checked(self._open()))
        return self._held

    def map(self, change: Callable[[Row], Sequence[Any]]) -> Rows:
        """These rows with ``change`` applied to each, as they are read."""
        if self._held is not None:
            return Rows([change(row) for row in self._held])
        return Rows(lambda: (change(row) for row in self))

    def _held_rows(self) -> tuple[Row, ...]:
        if self._held is None:
            # A TypeError, so that list() and zip() take it as "length unknown".
            raise TypeError(f"table {self.name!r}: streamed rows have no length; materialize()")
        return self._held

    def __len__(self) -> int:
        return len(self._held_rows())

    def __getitem__(self, index: int) -> Row:
        return self._held_rows()[index]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Rows):
            other = other.materialize()
        return isinstance(other, tuple) and self.materialize() == other

    def __hash__(self) -> int:
        return hash(self.materialize())

    def __repr__(self) -> str:
        return "Rows(<streamed>)" if self._held is None else f"Rows({self._held!r})"


class Tally:
    """Sums of the columns ``summed`` of the rows ``source`` yields, kept as they
    stream past; :meth:`totals` gives them as a totals row (the cells of
    ``blank`` in the other columns), or ``None`` when there were no rows."""

    def __init__(
        self,
        source: Callable[[], Iterable[Sequence[Any]]],
        summed: Sequence[int],
        blank: Sequence[Any],
    ) -> None:
        self._source = source
        self._summed = tuple(summed)
        self._blank = tuple(blank)
        self._last: list[Any] | None = None
        self._done = False

    def rows(self) -> Iterator[Sequence[Any]]:
        """The rows, summing as they go; the sums count once every row has been read."""
        sums: list[Any] = [0] * len(self._summed)
        seen = False
        for row in self._source():
            seen = True
            for place, index in enumerate(self._summed):
                sums[place] += row[index]
            yield row
        self._last, self._done = (sums if seen else None), True

    def totals(self) -> Row | None:
        """The totals row of the last complete reading (reading every row first if
        none was complete)."""
        if not self._done:
            for _ in self.rows():
                pass
        if self._last is None:
            return None
        cells = list(self._blank)
        for place, index in enumerate(self._summed):
            cells[index] = self._last[place]
        return tuple(cells)
