"""Progress bars for long commands: on a terminal's stderr, a bar with the count, the
total when known, and the time left; nothing when stderr is not a terminal or under
``--quiet``, so pipes and logs stay clean."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import attrs
import click

from .state import State

if TYPE_CHECKING:
    from exchange.progress import Progress
    from exchange.report import Report


class Bar:
    """A click progress bar fed absolute counts; a count lower than the last starts
    the next pass (an import reads its file, then writes it) under ``then``. Without
    a total (a JSON file, a report's rows) it is a running count instead."""

    def __init__(self, label: str, total: int | None, then: str) -> None:
        self.total, self.then = total, then
        self.last = 0
        self.counted = False
        """Whether a running count (no total) is on the line."""
        self._bar: Any = None
        self._open(label)

    def _open(self, label: str) -> None:
        self.label = label  # the pass under way
        if self.total is None:
            return
        self._bar = click.progressbar(
            length=self.total,
            label=label,
            file=sys.stderr,
            show_pos=True,
            show_eta=True,
            show_percent=True,
        )
        self._bar.__enter__()

    def __call__(self, done: int) -> None:
        if done < self.last:
            self.close()
            self._open(self.then)
            self.last = 0
        if self._bar is None:
            click.echo(f"\r{self.label}  {done:,}", nl=False, err=True)
            self.counted = True
        else:
            if done > self.total:  # type: ignore[operator]  # the estimate fell short
                self.total = self._bar.length = done
            self._bar.update(done - self.last)
        self.last = done

    def close(self) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
            self._bar = None
        elif self.counted:
            click.echo(err=True)
            self.counted = False


def shows_progress(state: State | None) -> bool:
    """Whether bars are drawn: stderr is a terminal and ``--quiet`` was not given
    (``None``: never)."""
    return state is not None and not state.quiet and sys.stderr.isatty()


@contextlib.contextmanager
def progress(
    state: State | None, label: str, total: int | None, then: str = ""
) -> Iterator[Progress | None]:
    """A :class:`Bar` to tell, or ``None`` when no bar is drawn."""
    if not shows_progress(state):
        yield None
        return
    bar = Bar(label, total, then or label)
    try:
        yield bar
    finally:
        bar.close()


def counted(report: Report, tell: Progress | None) -> tuple[Report, Callable[[], None]]:
    """``report`` with its rows counted to ``tell`` as a format reads them, and a function
    that tells the final count (call it once the report is written)."""
    from exchange.progress import Told

    told = Told(tell)
    tables = [
        attrs.evolve(table, rows=lambda rows=table.rows: told(rows)) for table in report.tables
    ]
    return attrs.evolve(report, tables=tables), told.finish
