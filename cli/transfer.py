"""``exchange export`` (and ``import``): records to and from spreadsheet and data files."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from exchange.i18n import message, table_name

from .help import LocalizedCommand
from .i18n import _, current, localized
from .output import format_of, open_output
from .progress import counted, progress
from .state import State, pass_state

if TYPE_CHECKING:
    from exchange.report import Report


@click.command(cls=LocalizedCommand, name="export")
@click.argument("kind")
@click.option(
    "--format",
    "output",
    help="csv (default), json, jsonl, xlsx, …; by default, the ending of -o FILE if it is a "
    "format's.",
)
@click.option(
    "-o", "--output-file", "path", type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file (needed for xlsx); standard output otherwise, or with -o -.",
)  # fmt: skip
@click.option(
    "--with-personal",
    is_flag=True,
    help="Include the personal fields (a teacher's phone and notes, why a secondment or "
    "pair ended, notes on goals, meetings and assessments); the change log records who "
    "asked.",
)
@click.option(
    "--redact", is_flag=True, help="Leave out the personal fields (the default; kept for scripts)."
)
@click.option("--bom", is_flag=True, help="Start a CSV with a UTF-8 byte-order mark, for Excel.")
@click.option(
    "--readable",
    is_flag=True,
    help="For people: the import headers in the --lang language, refs and names instead of "
    "ids, words instead of codes, yes/no as 是/否; `exchange import` reads it back.",
)
@pass_state
def export(
    state: State,
    kind: str,
    output: str | None,
    path: Path | None,
    with_personal: bool,
    redact: bool,
    bom: bool,
    readable: bool,
) -> None:
    """Export every record of KIND (schools, teachers …), personal fields left out.

    Archived records are included; the personal fields only with --with-personal,
    which the change log records with the actor.

    CSV cells that start with = + - @ are neutralised so spreadsheets do not run
    them as formulas.

    \b
    Example:
        exchange export teachers --bom -o teachers.csv
        exchange export teachers --with-personal -o teachers-full.csv
        exchange export secondments --format xlsx -o secondments.xlsx
        exchange --lang zh export teachers --readable --bom -o 教师名单-导出.csv
    """
    from exchange.models import record_type

    if path is not None and str(path) == "-":
        path = None  # standard output
    output = output or format_of(path, "csv")
    spec = state.plugins().formats.get(output)
    if redact and with_personal:
        raise click.UsageError(_("--redact and --with-personal contradict each other"))
    if bom and output != "csv":
        raise click.UsageError(_("--bom is for --format csv"))
    if spec.binary and path is None:
        raise click.UsageError(
            _("--format {output} writes a binary file; give -o FILE", output=output)
        )
    tracker = state.tracker()
    cls = record_type(kind)  # an unknown kind is refused before a file is opened
    with (
        progress(state, _("exporting"), tracker.count(cls, include_archived=True)) as tell,
        open_output(path, binary=spec.binary) as stream,  # logged only once it opens
    ):
        report = _export_report(state, kind, readable=readable, with_personal=with_personal)
        if bom:
            stream.write("\ufeff")
        report, finished = counted(report, tell)
        report.render(output, stream, plugins=state.plugins())
        finished()
    if path is not None:
        click.echo(
            _("exported {kind} to {path}", kind=table_name(kind, current()), path=path), err=True
        )


def _export_report(state: State, kind: str, *, readable: bool, with_personal: bool) -> Report:
    """The exact form of an export, or the readable one in the invocation's language."""
    if readable:
        from exchange.readable import readable_report

        return readable_report(
            state.tracker(), kind, lang=state.lang(), with_personal=with_personal
        )
    from exchange.exporting import export_report

    return export_report(state.tracker(), kind, with_personal=with_personal)


@click.command(cls=LocalizedCommand, name="import")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--type", "kind", help="What the rows are: schools, teachers, secondments … "
              "(guessed from the headers when left out).")  # fmt: skip
@click.option(
    "--format", "importer", help="Read the file as csv, xlsx or json (default: by its ending)."
)
@click.option("--dry-run", is_flag=True, help="Check every row; write nothing.")
@pass_state
def import_(
    state: State, path: Path, kind: str | None, importer: str | None, dry_run: bool
) -> None:
    """Import records from a CSV, XLSX or JSON file, all or nothing.

    Every row is checked first, and nothing is written unless all pass; the
    problems are listed by row and column. Rows whose ref is already stored
    update that record, so importing a file again changes nothing.

    PATH - reads standard input (CSV unless --format says otherwise).

    \b
    Example:
        exchange import 教师名单.csv --type teachers --dry-run
        exchange import 教师名单.csv --type teachers
        cat 教师名单.csv | exchange import - --type teachers
    """
    shown = _("standard input") if str(path) == "-" else str(path)
    with _readable(path, importer) as source:
        _import(state, shown, source, kind, importer, dry_run)


@contextlib.contextmanager
def _readable(path: Path, importer: str | None) -> Iterator[Path]:
    """``path``, or for ``-`` standard input kept in a private temporary file (named for
    its format) while it is read, and removed afterwards."""
    if str(path) != "-":
        if not path.is_file():
            raise click.ClickException(_("no file {path}", path=path))
        yield path
        return
    import shutil
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=f".{importer or 'csv'}", delete=False) as spool:
        shutil.copyfileobj(sys.stdin.buffer, spool)
    try:
        yield Path(spool.name)
    finally:
        Path(spool.name).unlink(missing_ok=True)


def _import(
    state: State, path: str, source: Path, kind: str | None, importer: str | None, dry_run: bool
) -> None:
    """Load the rows of ``source`` (named ``path`` in messages)."""
    from exchange import importing

    rows = importing.reader(source, plugins=state.plugins(), importer=importer)
    if kind is None:
        kind = _guess(rows, path)
    total = importing.estimated_rows(source, importer)
    try:
        label = _("checking") if dry_run else _("importing")
        with progress(state, label, total, then=_("writing")) as tell:
            counts = importing.load(state.tracker(), kind, rows, on_row=tell, dry_run=dry_run)
    except importing.ImportRefused as refused:
        if refused.count > 1:  # a single problem is said in the one error line below
            for problem in refused.problems:
                click.echo(localized(problem.text()), err=True)
        more = refused.count - len(refused.problems)
        if more > 0:
            raise click.ClickException(
                _(
                    "{path}: nothing was imported: {count:,} problems, listed above "
                    "({more:,} more not shown)",
                    path=path,
                    count=refused.count,
                    more=more,
                )
            ) from None
        if refused.count == 1:
            raise click.ClickException(
                _(
                    "{path}: nothing was imported: {problem}",
                    path=path,
                    problem=localized(refused.problems[0].text()),
                )
            ) from None
        raise click.ClickException(
            _(
                "{path}: nothing was imported: {count:,} problems, listed above",
                path=path,
                count=refused.count,
            )
        ) from None
    verb = message("checked (nothing written)") if dry_run else message("imported")
    click.echo(
        _(
            "{verb} {path} as {kind}: {added:,} added, {updated:,} updated, "
            "{unchanged:,} unchanged",
            verb=verb,
            path=path,
            kind=kind,
            added=counts.added,
            updated=counts.updated,
            unchanged=counts.unchanged,
        )
    )


def _guess(rows: Any, path: str) -> str:
    from exchange import importing

    first = next(iter(rows()), None)
    if first is None:
        raise click.ClickException(_("{path} has no rows to import", path=path))
    found = importing.guess_kind(first)
    if found is None:
        raise click.UsageError(
            _("cannot tell what {path} holds from its headers; give --type", path=path)
        )
    return found
