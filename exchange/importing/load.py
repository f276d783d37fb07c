"""Checking and writing a file in one call: :func:`load`.

When nothing needs looking up in the store while records stream into the bulk
insert — the store holds no record of the kind yet (so every row is new) and the
records the rows link to are few enough to read first — the file is read once:
each row is checked and streamed into one :meth:`Tracker.bulk_add` inside the
transaction; the problems are collected all the same, and if there is any the
transaction is rolled back. Otherwise :func:`load` is
:func:`~exchange.importing.prepare` then :func:`~exchange.importing.apply`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from ..errors import DuplicateRef
from ..models import Record
from ..progress import Progress
from .check import Check, Rows, Source, progress, reopener
from .columns import importable, link_targets
from .plan import MAX_PROBLEMS, Counts, prepare
from .problems import ROW_ERRORS, ImportRefused, ReadError, said
from .write import DryRun, apply

if TYPE_CHECKING:
    from ..tracker import Tracker

PRELOAD = 50_000
"""Most records of one linked type read into memory for a one-pass load."""

Numbered = Iterator[tuple[int, Mapping[str, Any]]]


class _Load(Check):
    """:class:`Check`, handing each good row's record to the bulk insert as it goes."""

    def __init__(self, tracker: Tracker, kind: type[Record], max_problems: int) -> None:
        super().__init__(tracker, kind, max_problems, keep=False)
        self.row: int | None = None
        for target in link_targets(kind):
            self.resolver.preload(target)

    def records(self, rows: Numbered, on_row: Progress | None) -> Iterator[Record]:
        """The record of each good row; the others' problems are noted."""
        try:
            for position, row in rows:
                progress(on_row, position + 1)
                read = self.read(position, row)
                if read is not None:
                    record = self.build(*read)
                    if record is not None:
                        self.row = read[0]
                        yield record
        except ReadError as error:
            self.failed(error)

    def run(self, source: Source, on_row: Progress | None, dry_run: bool) -> Counts:
        """Check and store every row in one transaction; refuse all if any has a problem."""
        rows = enumerate(source())
        added = 0
        try:
            with self.tracker.transaction():
                try:
                    added = self.tracker.bulk_add(self.records(rows, on_row)).count
                except ROW_ERRORS as error:
                    self.refuse_rest(source, rows, on_row, error)
                else:
                    self.finish(source)
                if self.problems.count:
                    raise ImportRefused(
                        self.kind.table, self.problems.sorted(), self.problems.count
                    )
                if dry_run:
                    raise DryRun
        except DryRun:
            pass
        if on_row is not None:
            on_row(self.seen)
        return Counts(added, 0, 0)

    def refuse_rest(
        self, source: Source, rows: Numbered, on_row: Progress | None, error: Exception
    ) -> None:
        """After the bulk insert refused a row: check the remaining rows without storing
        them, and note the refusal (unless it is a ref the file repeats, noted as such)."""
        for _ in self.records(rows, on_row):
            pass
        self.finish(source)
        if not (isinstance(error, DuplicateRef) and self.row in self.repeated):
            self.problems.add(self.row, None, said(error))


def _one_pass(tracker: Tracker, kind: type[Record]) -> bool:
    """Whether rows can stream into the store without a query in between."""
    if tracker.count(kind, include_archived=True):
        return False
    return all(tracker.count(t, include_archived=True) <= PRELOAD for t in link_targets(kind))


def load(
    tracker: Tracker,
    kind: str | type[Record],
    rows: Rows | Source,
    *,
    on_row: Progress | None = None,
    dry_run: bool = False,
    max_problems: int = MAX_PROBLEMS,
) -> Counts:
    """Import a file of ``kind`` records: every row checked, all written or none.

    The same outcome as :func:`~exchange.importing.prepare` then
    :func:`~exchange.importing.apply` (upsert by ref, one transaction, every problem
    listed in :class:`ImportRefused`), in one pass over the file when the store
    allows it. ``dry_run`` checks everything, rules included, and writes nothing.
    ``on_row`` hears the number of rows handled every 1,000 rows and at the end.
    """
    cls = importable(kind)
    source = reopener(rows)
    if _one_pass(tracker, cls):
        return _Load(tracker, cls, max_problems).run(source, on_row, dry_run)
    plan = prepare(tracker, cls, source, on_row=on_row, max_problems=max_problems)
    return apply(tracker, plan, on_row=on_row, dry_run=dry_run)
