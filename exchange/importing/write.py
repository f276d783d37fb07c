"""Writing a checked :class:`~exchange.importing.Plan` in one transaction: :func:`apply`."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

import attrs

from ..i18n import message, noun
from ..models import Record
from ..progress import Progress
from .check import ADD, FIRST_ROW, UPDATE, fingerprint, progress
from .layout import Layouts
from .plan import CHUNK, Counts, Plan, stored_namesakes
from .problems import ROW_ERRORS, ImportRefused, Problem, said

if TYPE_CHECKING:
    from ..tracker import Tracker


class DryRun(Exception):
    """Raised inside the transaction of a dry run, to roll it back."""


def refusal(kind: type[Record], row: int | None, message: str) -> ImportRefused:
    """The error refusing a whole import because of one row."""
    return ImportRefused(kind.table, [Problem(row, None, message)])


def _batched(items: Iterable[Any], size: int) -> Iterator[tuple[Any, ...]]:
    iterator = iter(items)
    while chunk := tuple(itertools.islice(iterator, size)):
        yield chunk


class _Write:
    """The state of :func:`apply`'s pass over the rows."""

    def __init__(self, tracker: Tracker, plan: Plan, on_row: Progress | None) -> None:
        self.tracker, self.plan, self.on_row = tracker, plan, on_row
        self.layouts = Layouts(plan.kind)
        self.row: int | None = None
        self.done = 0
        self.updated = 0
        self.unchanged = plan.counts.unchanged

    def rows(self, wanted: int) -> Iterator[tuple[int, dict[str, Any]]]:
        """The number and fields of each row planned for ``wanted``, read again."""
        plan, count = self.plan, 0
        for position, row in enumerate(plan.source()):
            count = position + 1
            if position >= len(plan.steps) or fingerprint(row) != plan.fingerprints[position]:
                raise refusal(
                    plan.kind, position + FIRST_ROW, message("the row changed since it was checked")
                )
            if plan.steps[position] != wanted:
                continue
            layout, _ = self.layouts.of(row)
            fields = layout.read(row, [])
            for field in layout.link_fields:
                if plan.ids[field][position]:
                    fields[field] = plan.ids[field][position]
            self.row = position + FIRST_ROW
            yield self.row, fields
        if count != len(plan.steps):
            raise refusal(plan.kind, None, message("the file changed since it was checked"))

    def written(self) -> None:
        """One more row written."""
        self.done += 1
        progress(self.on_row, self.done)

    def update(self) -> None:
        """Update the rows whose stored namesake differs, a chunk of refs at a time."""
        kind = self.plan.kind
        for chunk in _batched(self.rows(UPDATE), CHUNK):
            stored = stored_namesakes(self.tracker, kind, (fields for _, fields in chunk))
            for number, fields in chunk:
                before = stored.get(fields["ref"])
                if before is None:
                    raise refusal(
                        kind, number, message("the {kind} is gone from the store", kind=noun(kind))
                    )
                record = attrs.evolve(before, **fields)
                if record == before:
                    self.unchanged += 1
                    continue
                try:
                    self.tracker.update(record)
                except ROW_ERRORS as error:
                    raise refusal(kind, number, said(error)) from error
                self.updated += 1
                self.written()

    def add(self) -> int:
        """Stream the new rows' records into one bulk load; return how many were stored."""
        kind = self.plan.kind

        def records() -> Iterator[Record]:
            for _, fields in self.rows(ADD):
                yield kind(**fields)
                self.written()

        try:
            return self.tracker.bulk_add(records()).count
        except ImportRefused:
            raise
        except ROW_ERRORS as error:
            raise refusal(kind, self.row, said(error)) from error


def apply(
    tracker: Tracker, plan: Plan, *, on_row: Progress | None = None, dry_run: bool = False
) -> Counts:
    """Write a checked plan in one transaction and return what it did.

    Rows whose ref is stored update that record when they differ from it and are
    left alone when they do not, so importing a file twice changes nothing; other
    rows are added. A plan with problems, a rule the rows break (a teacher
    seconded twice at once) or a row that changed since
    :func:`~exchange.importing.prepare` raises :class:`ImportRefused` naming the
    row, and nothing is written. ``dry_run`` does all of this, then rolls back.
    ``on_row`` hears the number of rows written every 1,000 rows and at the end.
    """
    plan.check()
    write = _Write(tracker, plan, on_row)
    added = 0
    try:
        with tracker.transaction():
            if plan.counts.updated:
                write.update()
            if plan.counts.added:
                added = write.add()
            if dry_run:
                raise DryRun
    except DryRun:
        pass
    if on_row is not None:
        on_row(write.done)
    return Counts(added, write.updated, write.unchanged)
