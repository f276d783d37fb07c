"""How commands print: one decorator adds the output options, one function renders.

Every listing is a :class:`exchange.report.Report` rendered by a format from
the format registry (``table`` on a terminal by default, ``json``, ``csv``,
``markdown`` or a plugin's), so no command chooses a format itself.
"""

from __future__ import annotations

import contextlib
import functools
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TypeVar

import click

from .i18n import _

if TYPE_CHECKING:
    from exchange.models import Record, Stored
    from exchange.report import Report
    from exchange.tracker import Tracker

    from .state import State

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_FORMAT = "table"


def output_options(command: F) -> F:
    """Add ``--format NAME`` and its shortcuts ``--json``, ``--nl`` and ``--csv``; the command
    receives ``output``, the chosen format's name."""

    @click.option("--csv", "as_csv", is_flag=True, help="Shortcut for --format csv.")
    @click.option("--nl", "as_lines", is_flag=True, help="Shortcut for --format jsonl.")
    @click.option("--json", "as_json", is_flag=True, help="Shortcut for --format json.")
    @click.option(
        "--format",
        "output",
        metavar="NAME",
        default=None,
        help="Output format: table (default; with -o FILE, the format of its ending), json, "
        "jsonl, csv, markdown, html, xlsx, or a plugin's (see `exchange formats`).",
    )
    @functools.wraps(command)
    def wrapper(
        *args: Any, output: str | None, as_json: bool, as_lines: bool, as_csv: bool, **kwargs: Any
    ) -> Any:
        shortcuts = (("json", as_json), ("jsonl", as_lines), ("csv", as_csv))
        chosen = [name for name, on in shortcuts if on]
        if output:
            chosen.append(output)
        if len(set(chosen)) > 1:
            raise click.UsageError(
                _("choose one output format, not {names}", names=" and ".join(chosen))
            )
        named = chosen[0] if chosen else format_of(kwargs.get("path"), DEFAULT_FORMAT)
        return command(*args, output=named, **kwargs)

    return wrapper  # type: ignore[return-value]


def format_of(path: Path | None, default: str) -> str:
    """The format whose file ending ``path`` has (``-o roster.xlsx`` is xlsx), when no
    format is asked for; ``default`` for another ending, or none."""
    suffix = path.suffix.lower().lstrip(".") if path is not None else ""
    if not suffix:
        return default
    from exchange.plugins import default_plugins

    found = [spec.name for spec in default_plugins().formats if spec.extension == suffix]
    return found[0] if found else default


def emit(state: State, report: Report, output: str) -> None:
    """Render ``report`` to standard output in the format named ``output``, in the
    language of ``--lang`` (default: from ``LANG``)."""
    plugins = state.plugins()
    spec = plugins.formats.get(output)
    if spec.binary:
        raise click.UsageError(
            _("format {output!r} writes a file; use `exchange report -o FILE`", output=output)
        )
    report.render(output, sys.stdout, lang=state.lang(), plugins=plugins)


def named_report(
    tracker: Tracker, cls: type[Record], records: Iterable[Record], fields: Sequence[str]
) -> Report:
    """A one-table report of ``records``, one column per field name and, beside each
    link, the name of the record it links to."""
    from exchange.exporting import records_table
    from exchange.lookups import with_names
    from exchange.report import Report

    return Report(
        title=cls.table, tables=[with_names(tracker, cls, records_table(cls, records, fields))]
    )


@contextlib.contextmanager
def open_output(path: Path | None, *, binary: bool) -> Iterator[IO[Any]]:
    """Standard output, or the file ``path``: written to a temporary file in the same
    folder and renamed into place when complete (a failure leaves no partial file)."""
    if path is None:
        yield sys.stdout
        return
    if path.exists() and not path.is_file() and not path.is_dir():
        yield from _device(path, binary)  # a terminal, a pipe, /dev/null: written in place
        return
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        from exchange.i18n import message

        why = (
            message("{folder} is not a folder", folder=folder)
            if folder.exists()
            else message("folder {folder} does not exist", folder=folder)
        )
        raise click.ClickException(_("cannot write {path}: {why}", path=path, why=why))
    import tempfile

    text: dict[str, Any] = {} if binary else {"encoding": "utf-8", "newline": ""}
    try:
        handle, name = tempfile.mkstemp(dir=folder, prefix=".exchange-", suffix=".partial")
    except OSError as error:
        raise click.ClickException(
            _("cannot write {path}: {strerror}", path=path, strerror=error.strerror)
        ) from None
    partial = Path(name)
    try:
        with open(handle, "wb" if binary else "w", **text) as stream:
            yield stream
        partial.replace(path)  # mkstemp's 0600: the owner's alone, like the store
    except OSError as error:
        raise click.ClickException(
            _("cannot write {path}: {strerror}", path=path, strerror=error.strerror)
        ) from None
    finally:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)


def _device(path: Path, binary: bool) -> Iterator[IO[Any]]:
    """``path``, a device or a named pipe, opened for writing as it is."""
    text: dict[str, Any] = {} if binary else {"encoding": "utf-8", "newline": ""}
    try:
        with open(path, "wb" if binary else "w", **text) as stream:
            yield stream
    except OSError as error:
        raise click.ClickException(
            _("cannot write {path}: {strerror}", path=path, strerror=error.strerror)
        ) from None


def record_detail(record: Stored) -> Report:
    """A two-column report (field, value) of one record, every stored field."""
    from exchange.codec import columns
    from exchange.report import Column, Report, Table

    cls = type(record)
    rows = [[c.name, _detail(getattr(record, c.name))] for c in columns(cls)]
    return Report(
        title=f"{cls.__name__.lower()} {record.id}",
        tables=[
            Table(
                name=cls.table,
                columns=[Column(key="field", label="field"), Column(key="value", label="value")],
                rows=rows,
            )
        ],
    )


def _detail(value: Any) -> Any:
    if isinstance(value, tuple):
        return "; ".join(_detail(v) for v in value)
    if hasattr(value, "__attrs_attrs__"):
        return ", ".join(
            f"{a.name}={_detail(getattr(value, a.name))}" for a in value.__attrs_attrs__
        )
    if value is None:
        return ""
    return str(getattr(value, "value", value))
