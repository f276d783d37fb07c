"""``exchange report NAME`` and ``exchange reports``: reports from the report registry."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

import click

from .i18n import _, current
from .output import emit, open_output, output_options
from .params import DAY
from .state import State, pass_state

FILTERS: list[tuple[str, Any, str]] = [
    ("year", click.IntRange(1900, 2999), "The calendar year to report on."),
    ("since", DAY, "First day of the period, e.g. 2024-09-01."),
    ("until", DAY, "Last day of the period, e.g. 2025-07-15."),
    ("region", str, "A region, as written on its schools, e.g. 贵州省黔西南州贞丰县."),
    ("partnership", str, "A partnership, by id or ref."),
    ("school", str, "A school, by id or ref."),
    (
        "programme",
        str,
        "A programme by name, e.g. 百千万 (mentoring) or 两个全覆盖: its records only, "
        "or its thresholds (quotas).",
    ),
    ("rubric", str, "A rubric by id or ref (assessments)."),
    ("period", str, "An assessment period, e.g. 2023-2024学年 (assessments)."),
    ("threshold", click.IntRange(1), "Days of rural service asked for (rural-service; 365)."),
    (
        "by",
        str,
        "Break secondments down by kind (default), role, subject, stage, province, "
        "prefecture or county (summary).",
    ),
]
"""The report filters the command line offers; each report takes the ones its
``build`` function names (see `exchange reports`)."""


def filter_options(command: Any) -> Any:
    """Add one ``--NAME`` option per report filter."""
    for name, kind, text in reversed(FILTERS):
        command = click.option(f"--{name}", type=kind, help=text)(command)
    return command


@click.command()
@click.argument("name")
@filter_options
@click.option(
    "-o", "--output-file", "path", type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file (needed for xlsx) instead of standard output.",
)  # fmt: skip
@click.option("--lang", type=click.Choice(["en", "zh"]), help="Language (default: from LANG).")
@click.option("--bom", is_flag=True, help="Start a CSV with a UTF-8 byte-order mark, for Excel.")
@output_options
@pass_state
def report(
    state: State,
    /,
    name: str,
    path: Path | None,
    lang: str | None,
    bom: bool,
    output: str,
    **filters: Any,
) -> None:
    """Build the report NAME (see `exchange reports`) and print or save it.

    A file is written beside its name and renamed into place when complete, so
    a failure leaves nothing half-written.

    \b
    Example:
        exchange report summary --year 2024
        exchange report coverage --region 贵州省黔西南州贞丰县 --lang zh
        exchange report secondments --since 2024-09-01 --until 2025-07-15 --format html -o s.html
        exchange report quotas --region 贵州省黔西南州贞丰县 --year 2025 --format xlsx -o q.xlsx
    """
    if lang is not None:
        state.language = lang
    plugins = state.plugins()
    spec = plugins.reports.get(name)
    given = {k: v for k, v in filters.items() if v is not None}
    accepted = inspect.signature(spec.build).parameters
    takes_any = any(p.kind is p.VAR_KEYWORD for p in accepted.values())
    for option in given:
        if option not in accepted and not takes_any:
            raise click.UsageError(
                _("report {name!r} takes no --{option}", name=name, option=option)
            )
    needed = [
        option
        for option, parameter in accepted.items()
        if parameter.kind is parameter.KEYWORD_ONLY and parameter.default is parameter.empty
    ]
    for option in needed:
        if option not in given:
            raise click.UsageError(_("report {name!r} needs --{option}", name=name, option=option))
    form = plugins.formats.get(output)
    if path is None and form.binary:
        raise click.UsageError(_("format {output!r} writes a file; add -o FILE", output=output))
    if bom and output != "csv":
        raise click.UsageError(_("--bom is for --format csv"))
    from exchange.i18n import translator

    built = state.tracker().report(name, **given)
    with open_output(path, binary=form.binary) as stream:
        if bom:
            stream.write("\ufeff")
        built.render(output, stream, lang=state.lang(), plugins=plugins)
    title = translator(current())(built.title)  # 工作总览, not summary, in Chinese
    if path is not None and built.head is not None:
        click.echo(
            _(
                "wrote {name} to {path} (change log head {head})",
                name=title,
                path=path,
                head=built.head,
            ),
            err=True,
        )
    elif path is not None:
        click.echo(_("wrote {name} to {path}", name=title, path=path), err=True)


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
    emit(state, Report(title="reports", tables=[table]), output)


def _options(build: Any) -> str:
    parameters = list(inspect.signature(build).parameters.values())[1:]
    return " ".join(
        "[any]"
        if p.kind is p.VAR_KEYWORD
        else f"--{p.name}"
        if p.default is p.empty
        else f"[--{p.name}]"
        for p in parameters
        if p.name != "as_of"
    )
