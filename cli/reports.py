"""``exchange report NAME`` and ``exchange reports``: reports from the report registry."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

import click

from .output import emit, open_output, output_options
from .state import State, pass_state


@click.command()
@click.argument("name")
@click.option("--year", type=click.IntRange(1900, 2999), help="The year to report on.")
@click.option("--region", help="The region (as written on its schools), e.g. 贵州省黔西南州贞丰县.")
@click.option(
    "-o", "--output-file", "path", type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file (needed for xlsx) instead of standard output.",
)  # fmt: skip
@output_options
@pass_state
def report(
    state: State, name: str, year: int | None, region: str | None, path: Path | None, output: str
) -> None:
    """Build the report NAME (see `exchange reports`) and print or save it.

    \b
    Example:
        exchange report budget --year 2025
        exchange report quotas --region 贵州省黔西南州贞丰县 --year 2025 --format xlsx -o q.xlsx
    """
    plugins = state.plugins()
    spec = plugins.reports.get(name)
    given = {k: v for k, v in {"year": year, "region": region}.items() if v is not None}
    accepted = inspect.signature(spec.build).parameters
    for option in given:
        if option not in accepted:
            raise click.UsageError(f"report {name!r} takes no --{option}")
    needed = [
        option
        for option, parameter in accepted.items()
        if parameter.kind is parameter.KEYWORD_ONLY and parameter.default is parameter.empty
    ]
    for option in needed:
        if option not in given:
            raise click.UsageError(f"report {name!r} needs --{option}")
    built = spec.build(state.tracker(), **given)
    if path is None:
        emit(plugins, built, output)
        return
    form = plugins.formats.get(output)
    with open_output(path, binary=form.binary) as stream:
        built.render(output, stream, plugins=plugins)
    click.echo(f"wrote {name} to {path}", err=True)


@click.command()
@output_options
@pass_state
def reports(state: State, output: str) -> None:
    """List the reports (built-in and from plugins) and the options each takes.

    \b
    Example:
        exchange reports
    """
    from exchange.report import Column, Report, Table

    rows = [[s.name, _options(s.build), s.description] for s in state.plugins().reports]
    table = Table(
        name="reports",
        columns=[Column(key=k, label=k) for k in ("name", "options", "description")],
        rows=rows,
    )
    emit(state.plugins(), Report(title="reports", tables=[table]), output)


def _options(build: Any) -> str:
    parameters = list(inspect.signature(build).parameters.values())[1:]
    return " ".join(f"--{p.name}" if p.default is p.empty else f"[--{p.name}]" for p in parameters)
