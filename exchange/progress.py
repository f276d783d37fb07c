"""Telling a caller how far a long operation has got: a ``Progress`` function hears the
number of rows handled so far every :data:`EVERY` rows (import, export, copy, audit)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")

Progress = Callable[[int], None]
"""Called with the number of rows handled so far."""

EVERY = 1_000
"""Rows between two calls."""


class Told:
    """Counts the items passed through it, across several iterables, telling ``on_row``
    every :data:`EVERY` of them; :meth:`finish` tells the final count."""

    def __init__(self, on_row: Progress | None) -> None:
        self.on_row = on_row
        self.done = 0

    def __call__(self, items: Iterable[T]) -> Iterator[T]:
        if self.on_row is None:
            yield from items
            return
        for item in items:
            self.done += 1
            if self.done % EVERY == 0:
                self.on_row(self.done)
            yield item

    def finish(self) -> None:
        if self.on_row is not None:
            self.on_row(self.done)
