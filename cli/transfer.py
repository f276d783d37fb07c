"""``exchange export`` (and ``import``): records to and from spreadsheet and data files."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import click

from .state import State, pass_state


@click.command(name="export")
@click.argument("kind")
@click.option("--format", "output", default="csv", show_default=True, help="csv, json, xlsx, …")
@click.option(
    "-o", "--output-file", "path", type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file (needed for xlsx); standard output otherwise.",
)  # fmt: skip
@click.option("--redact", is_flag=True, help="Leave out personal fields (phone, notes, reasons).")
@click.option("--bom", is_flag=True, help="Start a CSV with a UTF-8 byte-order mark, for Excel.")
@pass_state
def export(
    state: State, kind: str, output: str, path: Path | None, redact: bool, bom: bool
) -> None:
    """Export every record of KIND (schools, teachers, secondments …), archived included.

    CSV cells that start with = + - @ are neutralised so spreadsheets do not run
    them as formulas.

    \b
    Example:
        exchange export teachers --redact --bom -o teachers.csv
        exchange export secondments --format xlsx -o secondments.xlsx
    """
    from exchange.exporting import export_report

    spec = state.plugins().formats.get(output)
    if bom and output != "csv":
        raise click.UsageError("--bom is for --format csv")
    if spec.binary and path is None:
        raise click.UsageError(f"--format {output} writes a binary file; give -o FILE")
    report = export_report(state.tracker(), kind, redact=redact)
    with _target(path, binary=spec.binary) as stream:
        if bom:
            stream.write("\ufeff")
        report.render(output, stream, plugins=state.plugins())
    if path is not None:
        click.echo(f"exported {kind} to {path}", err=True)


@contextlib.contextmanager
def _target(path: Path | None, *, binary: bool) -> Iterator[IO[Any]]:
    """The output stream; a file is written beside its name and renamed when complete."""
    if path is None:
        yield sys.stdout
        return
    partial = path.with_name(f".{path.name}.partial")
    try:
        with open(partial, "wb" if binary else "w", **({} if binary else _TEXT)) as stream:
            yield stream
        partial.replace(path)
    except OSError as error:
        raise click.ClickException(f"cannot write {path}: {error.strerror}") from None
    finally:
        partial.unlink(missing_ok=True)


_TEXT: dict[str, Any] = {"encoding": "utf-8", "newline": ""}
