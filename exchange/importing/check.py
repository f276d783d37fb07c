"""Reading and checking the rows of a file one by one, noting every problem.

:class:`Check` is shared by :func:`~exchange.importing.prepare` (which keeps a
few bytes per row for :func:`~exchange.importing.apply`) and
:func:`~exchange.importing.load` (which writes as it reads). Refs are checked
for repeats at the end, from one 8-byte hash per row: the hashes are sorted, and
only when two are equal is the file read again to find the rows.
"""

from __future__ import annotations

import array
import itertools
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from ..errors import InvalidRecord
from ..i18n import message
from ..models import Record
from ..progress import EVERY
from ..progress import Progress as Progress  # re-exported as exchange.importing.Progress
from .columns import link_fields
from .layout import Found, Layout, Layouts
from .links import Resolver
from .problems import Problems, ReadError, said

if TYPE_CHECKING:
    from ..tracker import Tracker

Rows = Iterable[Mapping[str, Any]]
"""Rows of one file: header → cell."""
Source = Callable[[], Rows]
"""Opens the rows afresh each time it is called."""

FIRST_ROW = 2
"""The number of the first row below the header, as a spreadsheet shows it."""

SKIP, ADD, UPDATE, SAME, BAD = range(5)
"""What a row comes to: nothing (blank), a new record, an update, nothing (unchanged),
nothing (it has a problem)."""


def reopener(rows: Rows | Source) -> Source:
    """``rows`` as something that can be read again; a one-shot iterator is refused."""
    if callable(rows):
        return rows
    if iter(rows) is rows:
        raise TypeError(
            "import rows must be readable twice: pass a list or a function that opens them"
        )
    return lambda: rows


def fingerprint(row: Mapping[str, Any]) -> int:
    """A hash of the row's cells, to notice a row that changed between two readings."""
    values = tuple(row.values())
    try:
        return hash(values)
    except TypeError:  # a list or dict among the cells
        return hash(repr(values))


def blank(row: Mapping[str, Any]) -> bool:
    """A row with nothing in any cell (spreadsheets keep such rows; they are skipped)."""
    for value in row.values():
        if value is not None and (type(value) is not str or (value and not value.isspace())):
            return False
    return True


class Check:
    """The rows read so far: what each came to, the problems, the refs seen."""

    def __init__(
        self, tracker: Tracker, kind: type[Record], max_problems: int, *, keep: bool
    ) -> None:
        self.tracker, self.kind, self.keep = tracker, kind, keep
        self.problems = Problems(max_problems)
        self.layouts = Layouts(kind)
        self.resolver = Resolver(tracker)
        self.refs = array.array("q")
        self.rows = 0
        """Rows read, blank rows left out."""
        self.seen = 0
        """Rows read, blank rows included."""
        self.repeated: set[int] = set()
        """Rows whose ref an earlier row has."""
        self.headed = False
        self.steps = bytearray()
        """Per row, when ``keep``: what it came to."""
        self.fingerprints = array.array("q")
        self.ids = {field: array.array("q") for field in link_fields(kind)}
        """Per link field and row, when ``keep``: the id the row names (0 for none)."""

    def read(
        self, position: int, row: Mapping[str, Any]
    ) -> tuple[int, Layout, dict[str, Any]] | None:
        """The row's number, layout and fields; ``None`` when it is blank or has a problem
        (noted, and its step set to BAD)."""
        self.seen = position + 1
        if self.keep:
            self.steps.append(SKIP)
            self.fingerprints.append(fingerprint(row))
            for ids in self.ids.values():
                ids.append(0)
        number = position + FIRST_ROW
        layout = self._layout(row, number)
        if layout is None:
            return None
        found: Found = []
        fields = layout.read(row, found)
        if layout.linked:
            layout.resolve(row, self.resolver, fields, found)
            if self.keep:
                for field in layout.link_fields:
                    self.ids[field][position] = fields.get(field, 0)
        ref = fields.get("ref")
        if ref:
            self.refs.append(hash(ref))
        if found:
            for key, message in found:
                self.problems.add(number, key, message)
            self.bad(position)
            return None
        return number, layout, fields

    def _layout(self, row: Mapping[str, Any], number: int) -> Layout | None:
        """The row's layout, or ``None`` for a blank row or one that cannot be read."""
        if blank(row):
            return None
        self.rows += 1
        layout, new = self.layouts.of(row)
        if new:
            for key, message in layout.problems:
                self.problems.add(number if self.headed else 1, key, message)
        self.headed = True
        return layout if layout.usable else None

    def bad(self, position: int) -> None:
        """Note that the row at ``position`` has a problem."""
        if self.keep and position < len(self.steps):
            self.steps[position] = BAD

    def build(
        self, number: int, layout: Layout, fields: dict[str, Any], before: Record | None = None
    ) -> Record | None:
        """The row's record: new, or ``before`` with the row's fields; ``None`` (and a
        problem noted) when the record refuses them."""
        try:
            return self.kind(**fields) if before is None else attrs.evolve(before, **fields)
        except InvalidRecord as error:
            self.problems.add(number, layout.blame(said(error)), said(error))
            return None

    def failed(self, error: ReadError) -> None:
        """Note that the importer could not read on."""
        problem = error.problem
        self.problems.add(problem.row, problem.column, problem.message)

    def finish(self, source: Source) -> None:
        """Note a file without rows, and every ref an earlier row already has."""
        if self.rows == 0 and self.problems.count == 0:
            self.problems.add(None, None, message("there are no rows to import below the header"))
        ordered = sorted(self.refs)
        twice = {a for a, b in itertools.pairwise(ordered) if a == b}
        del ordered
        if twice:
            self._repeated(source, twice)

    def _repeated(self, source: Source, hashes: set[int]) -> None:
        """Read the rows again to name each one whose ref an earlier row has."""
        first: dict[str, int] = {}
        for position, row in enumerate(source()):
            layout, _ = self.layouts.of(row)
            ref = str(row.get(layout.ref_key) or "").strip() if layout.ref_key else ""
            if ref and hash(ref) in hashes:
                number = position + FIRST_ROW
                if ref not in first:
                    first[ref] = number
                    continue
                again = message("ref {ref!r} is also in row {row}", ref=ref, row=first[ref])
                self.problems.add(number, layout.ref_key, again)
                self.repeated.add(number)
                self.bad(position)


def progress(on_row: Progress | None, done: int) -> None:
    """Tell ``on_row`` every :data:`EVERY` rows."""
    if on_row is not None and done % EVERY == 0:
        on_row(done)
