"""The root ``exchange`` group, the error boundary and the entry point."""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Sequence
from typing import Any

import click

from .i18n import _, click_text, language_in, localize_help_options, localized, speaking
from .output import emit, output_options
from .state import State, pass_state

LAZY_COMMANDS: dict[str, tuple[str, str]] = {
    "demo": (
        "cli.demo",
        "Build a sample programme from the four seed articles and print its main reports.",
    ),
    "school": ("cli.schools", "Schools and kindergartens (学校/幼儿园)."),
    "partnership": ("cli.schools", "Region-to-region partnerships (协作/帮扶关系)."),
    "pairing": ("cli.schools", "School-to-school pairings (校校结对)."),
    "teacher": ("cli.schools", "Teachers (教师)."),
    "secondment": (
        "cli.secondments",
        "Teacher secondments (支教, 跟岗, 挂职, 送教) and their lifecycle.",
    ),
    "programme": (
        "cli.mentoring",
        "Programmes (百千万, 青蓝工程, 两个全覆盖): targets, capacity and quota thresholds.",
    ),
    "mentor": (
        "cli.mentoring",
        "Mentor pairs (师徒结对), their meetings and goals, and the 百千万 cascade.",
    ),
    "match": (
        "cli.matching",
        "Propose mentor pairs or placements with the reasons; review, then apply them.",
    ),
    "activity": ("cli.activities", "Activities (示范课, 讲座, 培训, 研学 …) and their figures."),
    "rubric": ("cli.rubrics", "Rubrics: weighted criterion trees with grade bands, versioned."),
    "assess": (
        "cli.rubrics",
        "Record one assessor's scores of TARGET (an id of what the rubric assesses).",
    ),
    "assessment": ("cli.rubrics", "Assessments made under rubrics."),
    "budget": ("cli.budget", "Programme money (专项经费): allocate, spend, status."),
    "report": (
        "cli.reports",
        "Build the report NAME (see `exchange reports`) and print or save it.",
    ),
    "reports": (
        "cli.reports",
        "List the reports (built-in and from plugins) and the options each takes.",
    ),
    "copy": (
        "cli.copy:copy_",
        "Copy every record and the change log from the store SOURCE to DESTINATION.",
    ),
    "import": (
        "cli.transfer:import_",
        "Import records from a CSV, XLSX or JSON file, all or nothing.",
    ),
    "export": (
        "cli.transfer",
        "Export every record of KIND (schools, teachers, secondments …), archived included.",
    ),
}
"""Command name → (``module`` or ``module:attribute`` defining it, its short help), imported
only when used, so
``exchange --help`` stays fast; a test checks the short help against the command."""


class ExchangeGroup(click.Group):
    """Turns :class:`exchange.ExchangeError` into one line on stderr (exit 1), in one place,
    in the invocation's language; runs each invocation in its language (:mod:`cli.i18n`).

    ``EXCHANGE_RAISE_ERRORS=1`` shows the traceback instead.
    """

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        """Run the command line in the language it asks for (``--lang``, else ``LANG``),
        chosen before click parses anything so that its usage errors are in it too."""
        argv = sys.argv[1:] if args is None else list(args)
        with speaking(language_in(argv)):
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        localize_help_options(self, ctx)
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        from exchange.errors import ExchangeError

        try:
            return super().invoke(ctx)
        except ExchangeError as error:
            if os.environ.get("EXCHANGE_RAISE_ERRORS") == "1":
                raise
            raise click.ClickException(localized(error)) from error

    def _load_plugin_commands(self, ctx: click.Context) -> None:
        if not getattr(self, "_plugins_loaded", False):
            self._plugins_loaded = True
            from exchange.plugins import default_plugins

            default_plugins().register_commands(self)

    def list_commands(self, ctx: click.Context) -> list[str]:
        """The built-in commands (plugin commands are listed by ``exchange plugins``)."""
        return sorted({*super().list_commands(ctx), *LAZY_COMMANDS})

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list of ``--help``, without importing the lazy command modules."""
        rows = []
        for name in self.list_commands(ctx):
            if name in LAZY_COMMANDS and name not in self.commands:
                rows.append((name, LAZY_COMMANDS[name][1]))
            else:
                command = self.commands[name]
                rows.append((name, command.get_short_help_str(limit=formatter.width)))
        with formatter.section(click_text("Commands")):
            formatter.write_dl(rows)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """Built-in commands first (importing their module on first use); plugin commands
        are loaded only when a name is not a built-in one."""
        if cmd_name in LAZY_COMMANDS and cmd_name not in self.commands:
            where, _, attribute = LAZY_COMMANDS[cmd_name][0].partition(":")
            module = importlib.import_module(where)
            self.add_command(getattr(module, attribute or cmd_name), cmd_name)
        found = super().get_command(ctx, cmd_name)
        if found is None:
            self._load_plugin_commands(ctx)
            found = super().get_command(ctx, cmd_name)
        if found is not None:
            localize_help_options(found, ctx)
        return found


@click.group(
    cls=ExchangeGroup,
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog="Plugins can add commands; `exchange plugins` lists the plugins loaded and their "
    "hooks. Plugins are loaded only when a command needs them, so this help stays fast.",
)
@click.version_option(package_name="teacher-exchange", prog_name="exchange")
@click.option(
    "--db",
    metavar="URL",
    help="Store to use: a file path, sqlite:///FILE, memory:, or a plugin's URL. "
    "Beats EXCHANGE_DB, which beats the default file in the user data directory.",
)
@click.option("--actor", metavar="NAME", help="Who the change log records (default: the OS user).")
@click.option(
    "--lang",
    type=click.Choice(["en", "zh"]),
    help="Language of tables and reports: en or zh (default: from LANG).",
)
@click.pass_context
def cli(ctx: click.Context, db: str | None, actor: str | None, lang: str | None) -> None:
    """Keep the records of teacher-exchange and mentoring programmes.

    \b
    Example:
        exchange --db bureau.db init
        exchange where
    """
    if db is not None and not db.strip():
        raise click.BadParameter(
            _("is empty; give a file path or a URL (or leave --db out)"), param_hint="'--db'"
        )
    ctx.obj = State(db=db, actor=actor, lang=lang)
    ctx.call_on_close(ctx.obj.close)


@cli.command()
@pass_state
def where(state: State) -> None:
    """Print which store is in use and why.

    \b
    Example:
        EXCHANGE_DB=bureau.db exchange where
    """
    from exchange.urls import redact

    location = state.location()
    click.echo(_("{url}  (from {source})", url=redact(location.url), source=location.source))


@cli.command()
@pass_state
def init(state: State) -> None:
    """Create the store (or bring its schema up to date) and print where it is.

    \b
    Example:
        exchange --db bureau.db init
    """
    tracker = state.tracker()
    click.echo(
        _(
            "ready: {url} (schema version {version})",
            url=tracker.url,
            version=tracker.backend.schema_version(),
        )
    )


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@pass_state
def plugins(state: State, as_json: bool) -> None:
    """List the loaded plugins and the hooks each implements.

    \b
    Example:
        exchange plugins --json
    """
    import json

    import attrs

    infos = state.plugins().describe()
    if as_json:
        click.echo(json.dumps([attrs.asdict(i) for i in infos], ensure_ascii=False, indent=2))
        return
    for info in infos:
        source = f"{info.distribution} {info.version}" if info.distribution else _("built-in")
        click.echo(f"{info.name}  ({source})")
        click.echo(f"    {', '.join(info.hooks)}")


@cli.command()
@click.argument("path", type=click.Path(dir_okay=False))
@pass_state
def backup(state: State, path: str) -> None:
    """Copy the store to a new SQLite file PATH, safely while others write.

    \b
    Example:
        exchange backup bureau-2025-11-23.db
    """
    state.tracker().backup(path)
    click.echo(_("backed up {url} to {path}", url=state.tracker().url, path=path))


@cli.group()
def audit() -> None:
    """Check the change log, and the records against it."""


@audit.command()
@click.option(
    "--head",
    metavar="HASH",
    help="A hash printed earlier by `exchange audit head` and kept outside the store: "
    "fail if the log no longer holds that entry.",
)
@pass_state
def verify(state: State, head: str | None) -> None:
    """Check the change log's hash chain, then that every record is as the log last
    recorded it and every bulk load matches its digest. Prints one line per finding
    and exits 1 if there is any.

    \b
    Example:
        exchange audit verify
        exchange audit verify --head 3f2a…
    """
    tracker = state.tracker()
    entries = tracker.verify_log()
    if head is not None:
        tracker.verify_head(head)
    check = tracker.verify_records()
    found = 0
    for finding in check:
        click.echo(localized(finding.text))
        found += 1
    if found:
        raise click.ClickException(
            _("{found} differences between the records and the change log", found=found)
        )
    click.echo(
        _(
            "change log intact: {entries} entries; {records} records match it",
            entries=entries,
            records=check.records,
        )
    )


@audit.command(name="head")
@pass_state
def head_(state: State) -> None:
    """Print the hash of the newest change-log entry. Keep it outside the store: a later
    `exchange audit verify --head HASH` then proves no entry up to it was removed.

    \b
    Example:
        exchange audit head > head-2025-11-23.txt
    """
    click.echo(state.tracker().head())


@cli.command()
@output_options
@pass_state
def formats(state: State, output: str) -> None:
    """List the output formats (built-in and from plugins).

    \b
    Example:
        exchange formats
    """
    from exchange.report import Column, Report, Table

    specs = state.plugins().formats
    rows = [[s.name, s.extension, s.description] for s in specs]
    table = Table(
        name="formats",
        columns=[Column(key=k, label=k) for k in ("name", "extension", "description")],
        rows=rows,
    )
    emit(state, Report(title="formats", tables=[table]), output)


def main() -> None:
    """Console-script entry point."""
    cli.main(prog_name="exchange")


if __name__ == "__main__":  # pragma: no cover
    main()
