"""What is wrong with an import file: problems by row and column, and the errors that list them."""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from ..errors import DuplicateRef, ExchangeError, InvalidRecord, NotFound, RuleViolation
from ..i18n import Message, joined, message, table_noun

SHOWN = 20
"""Problems an :class:`ImportRefused` message lists before ``… and K more``."""
LONGEST = 300
"""Characters of a problem's message kept (a message may quote a long cell)."""


@attrs.frozen
class Problem:
    """One thing wrong with an import file."""

    row: int | None
    """The row as a spreadsheet shows it (the header is row 1); ``None`` for the whole file."""
    column: str | None
    """The column's header as written in the file, when one column is at fault."""
    message: str

    def __str__(self) -> str:
        return self.text()

    def text(self) -> Message:
        """``row 3, column 姓名: …`` as a :class:`~exchange.i18n.Message`."""
        row, column, text = self.row, self.column, self.message
        if row is not None and column is not None:
            return message("row {row}, column {column}: {text}", row=row, column=column, text=text)
        if row is not None:
            return message("row {row}: {text}", row=row, text=text)
        if column is not None:
            return message("column {column}: {text}", column=column, text=text)
        return message("{text}", text=text)


def said(error: BaseException) -> str:
    """What ``error`` says: its :class:`~exchange.i18n.Message` when it was raised with
    one (so a problem list can be shown in Chinese), else its text."""
    return error.args[0] if len(error.args) == 1 and isinstance(error.args[0], str) else str(error)


ROW_ERRORS = (InvalidRecord, NotFound, DuplicateRef, RuleViolation)
"""What writing a row can raise that is the row's fault (a storage failure is not)."""


class ReadError(InvalidRecord):
    """A file cannot be read as rows: not text, not valid JSON, a cell too long.

    Importers raise it (naming the row and column when they know them);
    :func:`exchange.importing.prepare` lists it with the file's other problems.
    """

    def __init__(self, message: str, *, row: int | None = None, column: str | None = None):
        self.problem = Problem(row, column, message)
        super().__init__(self.problem.text())


class ImportRefused(ExchangeError):
    """Nothing was imported: the message lists the first problems, one per line;
    :attr:`problems` holds every problem kept and :attr:`count` how many there were."""

    def __init__(self, kind: str, problems: Sequence[Problem], count: int | None = None):
        self.kind = kind
        self.problems = tuple(problems)
        self.count = len(self.problems) if count is None else count
        super().__init__(self._message())

    def _message(self) -> Message:
        if self.count == 1 and self.problems:
            return message(
                "nothing was imported into {kind}: {problem}",
                kind=table_noun(self.kind),
                problem=self.problems[0].text(),
            )
        lines = [
            message(
                "nothing was imported into {kind}: {count:,} problems",
                kind=table_noun(self.kind),
                count=self.count,
            )
        ]
        shown = self.problems[:SHOWN]
        lines += [joined("", ["  ", problem.text()]) for problem in shown]
        if self.count > len(shown):
            lines.append(message("  … and {count:,} more", count=self.count - len(shown)))
        return joined("\n", lines)


class Problems:
    """Problems found so far, keeping the first ``limit`` and counting all."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.kept: list[Problem] = []
        self.count = 0

    def add(self, row: int | None, column: str | None, message: str) -> None:
        """Note one problem."""
        self.count += 1
        if len(self.kept) < self.limit:
            if len(message) > LONGEST:
                message = message[: LONGEST - 1] + "…"
            self.kept.append(Problem(row, column, message))

    def sorted(self) -> tuple[Problem, ...]:
        """The kept problems, the whole file's first, then by row."""
        return tuple(sorted(self.kept, key=lambda p: -1 if p.row is None else p.row))
