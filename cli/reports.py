"""``exchange report NAME`` and ``exchange reports``: reports from the report registry."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from .help import LocalizedCommand
from .i18n import _, current, localized
from .output import open_output, output_options
from .progress import counted, progress
from .report_options import (
    ReportCommand,
    check,
    described,
    filter_options,
    report_names,
    split,
)
from .state import State, pass_state


@click.command(cls=ReportCommand)
@click.argument("name", shell_complete=report_names)
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
    shared, own = split(filters)
    check(spec, shared)
    form = plugins.formats.get(output)
    if path is None and form.binary:
        raise click.UsageError(_("format {output!r} writes a file; add -o FILE", output=output))
    if bom and output != "csv":
        raise click.UsageError(_("--bom is for --format csv"))
    from exchange.i18n import translator

    built = state.tracker().report(name, **shared, **own)
    with (
        progress(state if path else None, _("writing"), None) as tell,  # a bar beside a file only
        open_output(path, binary=form.binary) as stream,
    ):
        if bom:
            stream.write("\ufeff")
        built, finished = counted(built, tell)
        built.render(output, stream, lang=state.lang(), plugins=plugins)
        finished()
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


@click.command(cls=LocalizedCommand)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@pass_state
def reports(state: State, as_json: bool) -> None:
    """List the reports (built-in and from plugins) and the options each takes.

    \b
    Example:
        exchange reports
        exchange reports --json
    """
    specs = state.plugins().reports
    listed: list[dict[str, Any]] = [
        {
            "name": spec.name,
            "description": localized(spec.description),
            "plugin": specs.owner(spec.name),
            "options": list(described(spec)),
        }
        for spec in specs
    ]
    if as_json:
        click.echo(json.dumps(listed, ensure_ascii=False, indent=2))
        return
    formatter = click.get_current_context().make_formatter()  # Chinese: in columns
    for entry in listed:
        title = f"{entry['name']}: {entry['description']}" if entry["description"] else ""
        formatter.write_text(title or entry["name"])
        if entry["options"]:
            with formatter.indentation():
                formatter.write_dl([_option_row(option) for option in entry["options"]])
        formatter.write_paragraph()
    click.echo(formatter.getvalue(), nl=False)


def _option_row(option: dict[str, Any]) -> tuple[str, str]:
    """``--region TEXT`` and its help, marked when it must be given."""
    text = option["help"]
    if option["required"]:
        text = _("(required) {help}", help=text)
    kind = "" if option["type"] == "flag" else f" {option['type'].upper()}"
    return f"{option['option']}{kind}", text
