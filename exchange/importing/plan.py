"""Checking a whole file against the store and writing nothing: :func:`prepare`.

The :class:`Plan` it returns keeps, per row, only what
:func:`~exchange.importing.apply` needs: one byte for what to do, a fingerprint
to notice a file that changed in between, and the ids of the linked records
(so no query runs in the middle of the bulk insert). Rows are compared with
their stored namesakes (same ref) a chunk at a time.
"""

from __future__ import annotations

import array
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from ..models import Record
from ..progress import Progress
from ..query import one_of
from .check import ADD, SAME, UPDATE, Check, Rows, Source, progress, reopener
from .columns import importable
from .layout import Layout
from .problems import ImportRefused, Problem, ReadError

if TYPE_CHECKING:
    from ..tracker import Tracker

CHUNK = 500
"""Rows whose stored namesakes are looked up in one query."""
MAX_PROBLEMS = 1_000
"""Problems kept by default (all are counted)."""


@attrs.frozen
class Counts:
    """Rows added as new records, updated in place, and left as they were."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0


@attrs.frozen(kw_only=True, eq=False)
class Plan:
    """The outcome of checking every row: what applying it would do, or why it will not.

    Valid in the process that made it, while the file and the store stay as they
    were; :func:`~exchange.importing.apply` refuses rows that changed in between.
    """

    kind: type[Record]
    source: Source = attrs.field(repr=False)
    rows: int
    """Rows read, blank rows left out."""
    counts: Counts
    """What applying the plan would do."""
    problems: tuple[Problem, ...]
    """The problems kept (at most ``max_problems``): the whole file's first, then by row."""
    problem_count: int
    """Every problem found, including those not kept."""
    steps: bytearray = attrs.field(repr=False)
    """Per row (blank ones too): what to do with it."""
    fingerprints: array.array[int] = attrs.field(repr=False)
    """Per row: a hash of its cells, to notice a file that changed before it is applied."""
    ids: Mapping[str, array.array[int]] = attrs.field(repr=False)
    """Link field → the id each row names (0 for none)."""

    @property
    def ok(self) -> bool:
        """True when there is no problem."""
        return self.problem_count == 0

    def check(self) -> None:
        """Raise :class:`ImportRefused` listing the problems, if there are any."""
        if not self.ok:
            raise ImportRefused(self.kind.table, self.problems, self.problem_count)


def stored_namesakes(
    tracker: Tracker, kind: type[Record], rows: Iterable[Mapping[str, Any]]
) -> dict[str, Record]:
    """Stored records (archived ones too) carrying the refs of ``rows``, by ref."""
    refs = [fields["ref"] for fields in rows if fields.get("ref")]
    if not refs:
        return {}
    found = tracker.find(kind, ref=one_of(*refs), include_archived=True)
    return {record.ref: record for record in found if record.ref is not None}


class _Prepare(Check):
    """:class:`Check`, comparing rows with their stored namesakes a chunk at a time."""

    def __init__(self, tracker: Tracker, kind: type[Record], max_problems: int) -> None:
        super().__init__(tracker, kind, max_problems, keep=True)
        self.counts = [0] * 5
        self.pending: list[tuple[int, int, Layout, dict[str, Any]]] = []
        self.stored_any = tracker.count(kind, include_archived=True) > 0

    def run(self, rows: Rows, on_row: Progress | None) -> None:
        """Check every row."""
        try:
            for position, row in enumerate(rows):
                read = self.read(position, row)
                if read is not None:
                    self.pending.append((position, *read))
                    if len(self.pending) >= CHUNK:
                        self.flush()
                progress(on_row, position + 1)
        except ReadError as error:
            self.failed(error)
        self.flush()
        if on_row is not None:
            on_row(self.seen)

    def flush(self) -> None:
        """Build the gathered rows' records: new, or their stored namesake changed."""
        stored: dict[str, Record] = {}
        if self.stored_any:
            stored = stored_namesakes(self.tracker, self.kind, (f for *_, f in self.pending))
        for position, number, layout, fields in self.pending:
            before = stored.get(fields.get("ref") or "")
            record = self.build(number, layout, fields, before)
            if record is None:
                self.bad(position)
                continue
            step = ADD if before is None else SAME if record == before else UPDATE
            self.steps[position] = step
            self.counts[step] += 1
        self.pending.clear()

    def bad(self, position: int) -> None:
        """As :meth:`Check.bad`, taking the row out of the counts."""
        if position < len(self.steps) and self.steps[position] in (ADD, UPDATE, SAME):
            self.counts[self.steps[position]] -= 1
        super().bad(position)

    def plan(self, source: Source) -> Plan:
        """What was found."""
        return Plan(
            kind=self.kind,
            source=source,
            rows=self.rows,
            counts=Counts(self.counts[ADD], self.counts[UPDATE], self.counts[SAME]),
            problems=self.problems.sorted(),
            problem_count=self.problems.count,
            steps=self.steps,
            fingerprints=self.fingerprints,
            ids=self.ids,
        )


def prepare(
    tracker: Tracker,
    kind: str | type[Record],
    rows: Rows | Source,
    *,
    on_row: Progress | None = None,
    max_problems: int = MAX_PROBLEMS,
) -> Plan:
    """Check every row of a file of ``kind`` records against ``tracker``; write nothing.

    ``kind`` names the record type: ``teachers``, ``Teacher`` or ``教师``. ``rows``
    is a function that opens the rows afresh (see :func:`~exchange.importing.reader`)
    or a list. Every row is read, its linked records found and its record built, so
    each problem is listed with its row and column; a ref repeated within the file
    is a problem too. Rules that involve other records (overlapping secondments,
    budgets) run when the plan is applied. ``on_row`` hears the number of rows
    read every 1,000 rows and at the end.
    """
    source = reopener(rows)
    check = _Prepare(tracker, importable(kind), max_problems)
    check.run(source(), on_row)
    check.finish(source)
    return check.plan(source)
