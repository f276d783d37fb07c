"""The root ``exchange`` group, the error boundary and the entry point."""

from __future__ import annotations

import functools
import importlib
import importlib.util
import os
import sys
from collections.abc import Sequence
from typing import Any

import click

from .help import LocalizedGroup, localized_help
from .i18n import (
    _,
    click_text,
    language_in,
    localize_help_options,
    localized,
    source_name,
    speaking,
)
from .output import emit, output_options
from .state import State, pass_state

LAZY_COMMANDS: dict[str, tuple[str, str]] = {
    "demo": (
        "cli.demo",
        "Build a sample of four real programmes (惠阳→贞丰, 长沙→怀化 …) and print its reports.",
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
        "Record one assessor's scores of TARGET (by id or ref).",
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
    "browse": (
        "cli.browse",
        "Open the store in Datasette, with names, words and yuan (the browse extra).",
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
        "Export every record of KIND (schools, teachers …), personal fields left out.",
    ),
    "purge": ("cli.privacy", "Erase TEACHER's personal data everywhere, the change log included."),
    "retention": (
        "cli.privacy",
        "Erase the personal data of teachers with no secondment or pair for --years years.",
    ),
    "users": ("cli.users", "Users and their roles: once a store has one, every write is checked."),
}
"""Command name → (``module`` or ``module:attribute`` defining it, its short help), imported
only when used, so
``exchange --help`` stays fast; a test checks the short help against the command (and its
Chinese, from the ``help`` catalogue, against the command's Chinese help)."""


class ExchangeGroup(LocalizedGroup):
    """Turns :class:`exchange.ExchangeError` into one line on stderr (exit 1), in one place,
    in the invocation's language; runs each invocation in its language (:mod:`cli.i18n`),
    its help included.

    ``EXCHANGE_RAISE_ERRORS=1`` shows the traceback instead.
    """

    group_class = LocalizedGroup

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

            before = set(self.commands)
            default_plugins().register_commands(self)
            self._plugin_commands = set(self.commands) - before

    def plugin_commands(self, ctx: click.Context) -> list[str]:
        """The names of the commands plugins added, loading them if a plugin may add one."""
        if not getattr(self, "_plugins_loaded", False) and plugins_may_add_commands():
            self._load_plugin_commands(ctx)
        return sorted(getattr(self, "_plugin_commands", ()))

    def list_commands(self, ctx: click.Context) -> list[str]:
        """The built-in commands and the plugins' (for ``--help`` and shell completion)."""
        return sorted({*super().list_commands(ctx), *LAZY_COMMANDS, *self.plugin_commands(ctx)})

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command lists of ``--help``, the built-in ones without importing the lazy
        command modules, then the plugins' under a heading of their own."""
        added = self.plugin_commands(ctx)
        rows = []
        for name in self.list_commands(ctx):
            if name in added:
                continue
            if name in LAZY_COMMANDS and name not in self.commands:
                rows.append((name, localized_help(LAZY_COMMANDS[name][1])))
            else:
                command = self.commands[name]
                rows.append((name, command.get_short_help_str(limit=formatter.width)))
        with formatter.section(click_text("Commands")):
            formatter.write_dl(rows)
        if added:
            with formatter.section(_("Commands from plugins")):
                formatter.write_dl(
                    [(n, self.commands[n].get_short_help_str(limit=formatter.width)) for n in added]
                )

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
    "hooks. Shell completion: see the README.",
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
@click.option(
    "-q", "--quiet", is_flag=True, help="No progress bars (none are drawn when not on a terminal)."
)
@click.pass_context
def cli(
    ctx: click.Context, db: str | None, actor: str | None, lang: str | None, quiet: bool
) -> None:
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
    ctx.obj = State(db=db, actor=actor, lang=lang, quiet=quiet)
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
    click.echo(
        _("{url}  (from {source})", url=redact(location.url), source=source_name(location.source))
    )


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
    metavar="HASH|FILE",
    help="A hash printed earlier by `exchange audit head` and kept outside the store "
    "(or the file it was saved in): fail if the log no longer holds that entry.",
)
@pass_state
def verify(state: State, head: str | None) -> None:
    """Check the change log's hash chain, then that every record is as the log last
    recorded it and every bulk load matches its digest. Prints one line per finding
    and exits 1 if there is any.

    \b
    Example:
        exchange audit verify
        exchange audit verify --head head-2025-11-23.txt
    """
    from exchange.changelog import Change
    from exchange.models import RECORD_TYPES

    from .progress import progress

    tracker = state.tracker()
    with progress(state, _("checking the change log"), tracker.backend.count(Change, {})) as tell:
        entries = tracker.verify_log(on_row=tell)
    if head is not None:
        tracker.verify_head(_kept_head(head))
    total = sum(tracker.backend.count(cls, {}) for cls in RECORD_TYPES)
    found = 0
    with progress(state, _("checking the records"), total) as tell:
        check = tracker.verify_records(on_row=tell)
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


def _kept_head(given: str) -> str:
    """The hash given, or the first line of the file of that name."""
    from pathlib import Path

    kept = Path(given)
    if kept.is_file():
        with kept.open(encoding="utf-8", errors="replace") as saved:
            return saved.readline(200).strip()
    return given


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


PLUGIN_GROUP = "teacher_exchange"
""":data:`exchange.plugins.GROUP`, named here so that ``--help`` need not import the library."""


def plugins_may_add_commands() -> bool:
    """Whether a plugin may add commands: only a third party's can (no built-in plugin
    implements ``register_commands``), and one is installed only if some distribution
    declares the entry-point group. :func:`exchange.entrypoints.may_declare` knows that
    cheaply; it is loaded from its file, so that ``--help`` and shell completion do not
    import the library when there is no such plugin."""
    if os.environ.get("EXCHANGE_LOAD_PLUGINS", None) == "":
        return False
    return bool(_entrypoints().may_declare(PLUGIN_GROUP))


@functools.cache
def _entrypoints() -> Any:
    """:mod:`exchange.entrypoints`, read from its file unless the library is imported
    (the module imports nothing of the library)."""
    module = sys.modules.get("exchange.entrypoints")
    if module is not None:
        return module
    spec = importlib.util.find_spec("exchange")
    path = os.path.join(os.path.dirname(spec.origin or ""), "entrypoints.py") if spec else ""
    found = importlib.util.spec_from_file_location("_exchange_entrypoints", path)
    if found is None or found.loader is None or not os.path.isfile(path):
        return importlib.import_module("exchange.entrypoints")  # pragma: no cover - unusual
    module = importlib.util.module_from_spec(found)
    found.loader.exec_module(module)
    return module


def main() -> None:
    """Console-script entry point."""
    cli.main(prog_name="exchange")


if __name__ == "__main__":  # pragma: no cover
    main()
